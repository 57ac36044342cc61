//! The roles of DOMAIN.md. Issuer members belong to one institution; the others are regulator staff.

use super::code::coded;

coded! {
    pub enum Role {
        Issuer => "issuer",
        Reviewer => "reviewer",
        Approver => "approver",
        Admin => "admin",
        /// Staff of a consulted body (Bank of Korea, finance ministry, FSS): read-only on the cases
        /// sent to their body, where they record opinions. Invited by an admin, with TOTP.
        Consultee => "consultee",
    }
}

impl Role {
    /// The roles an admin may move an account between. A consultee belongs to a body, so that role
    /// is given only by inviting them, never by a change of role.
    pub const REGULATOR_ROLES: [Role; 3] = [Role::Reviewer, Role::Approver, Role::Admin];

    /// Every role an admin invites, consultees included.
    pub const INVITED_BY_ADMIN: [Role; 4] =
        [Role::Reviewer, Role::Approver, Role::Consultee, Role::Admin];

    /// The regulator's own staff: reviewers, approvers and admins, who may read every case.
    /// Consultees are not: they see only what is sent to their body.
    pub fn is_regulator(self) -> bool {
        matches!(self, Role::Reviewer | Role::Approver | Role::Admin)
    }

    /// An account outside any institution (regulator staff and consultees): it must use a second
    /// factor, gets shorter idle sessions and is invited by the portal's admins.
    pub fn is_official(self) -> bool {
        self != Role::Issuer
    }

    /// The regulator role `raw` names, if it names one an admin may change an account to.
    pub fn parse_regulator(raw: &str) -> Option<Role> {
        raw.parse::<Role>()
            .ok()
            .filter(|r| Role::REGULATOR_ROLES.contains(r))
    }

    /// The role `raw` names, if an admin may invite someone with it.
    pub fn parse_invited_by_admin(raw: &str) -> Option<Role> {
        raw.parse::<Role>()
            .ok()
            .filter(|r| Role::INVITED_BY_ADMIN.contains(r))
    }

    /// The catalogue key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Issuer => "role-issuer",
            Role::Reviewer => "role-reviewer",
            Role::Approver => "role-approver",
            Role::Admin => "role-admin",
            Role::Consultee => "role-consultee",
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
        assert_eq!(
            codes,
            ["issuer", "reviewer", "approver", "admin", "consultee"]
        );
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
