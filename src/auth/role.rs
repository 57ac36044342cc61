//! The roles of DOMAIN.md. Issuer members belong to one institution; the others are regulator staff.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Issuer,
    Reviewer,
    Approver,
    Admin,
}

impl Role {
    pub const REGULATOR_ROLES: [Role; 3] = [Role::Reviewer, Role::Approver, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Issuer => "issuer",
            Role::Reviewer => "reviewer",
            Role::Approver => "approver",
            Role::Admin => "admin",
        }
    }

    /// Regulator staff must use a second factor and get shorter idle sessions.
    pub fn is_regulator(self) -> bool {
        self != Role::Issuer
    }

    /// The catalogue key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Issuer => "role-issuer",
            Role::Reviewer => "role-reviewer",
            Role::Approver => "role-approver",
            Role::Admin => "role-admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "issuer" => Ok(Role::Issuer),
            "reviewer" => Ok(Role::Reviewer),
            "approver" => Ok(Role::Approver),
            "admin" => Ok(Role::Admin),
            _ => Err(()),
        }
    }
}
