//! The roles of DOMAIN.md. Issuer members belong to one institution; the others are regulator staff.

use super::code::coded;

coded! {
    pub enum Role {
        Issuer => "issuer",
        Reviewer => "reviewer",
        Approver => "approver",
        Admin => "admin",
    }
}

impl Role {
    pub const REGULATOR_ROLES: [Role; 3] = [Role::Reviewer, Role::Approver, Role::Admin];

    /// Regulator staff must use a second factor and get shorter idle sessions.
    pub fn is_regulator(self) -> bool {
        self != Role::Issuer
    }

    /// The regulator role `raw` names, if it names one (what an admin may give an account).
    pub fn parse_regulator(raw: &str) -> Option<Role> {
        raw.parse::<Role>().ok().filter(|r| r.is_regulator())
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

impl crate::domain::Labelled for Role {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        Role::label_key(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_keep_their_stored_codes() {
        let codes: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(codes, ["issuer", "reviewer", "approver", "admin"]);
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
        }
        assert!("Admin".parse::<Role>().is_err(), "codes are exact");
    }

    #[test]
    fn only_regulator_roles_are_given_by_admins() {
        assert_eq!(Role::parse_regulator("approver"), Some(Role::Approver));
        assert_eq!(Role::parse_regulator("issuer"), None);
        assert_eq!(Role::parse_regulator(""), None);
    }
}
