//! The standing of an issuer on the public register (DOMAIN.md, "After registration"): registered
//! at approval, then possibly suspended (and reinstated) or revoked, each change with its reasons
//! and the date it took effect.

use super::code::coded;

coded! {
    /// An issuer's status on the register.
    pub enum RegisterStatus {
        Registered => "registered",
        Suspended => "suspended",
        Revoked => "revoked",
    }
}

impl RegisterStatus {
    pub fn label_key(self) -> &'static str {
        match self {
            RegisterStatus::Registered => "register-status-registered",
            RegisterStatus::Suspended => "register-status-suspended",
            RegisterStatus::Revoked => "register-status-revoked",
        }
    }

    /// Whether the status may change to `next`: a suspension is lifted back to registered, and a
    /// revocation is final (a revoked issuer applies again and gets a new number).
    pub fn may_become(self, next: RegisterStatus) -> bool {
        use RegisterStatus::*;
        matches!(
            (self, next),
            (Registered, Suspended) | (Suspended, Registered) | (Registered | Suspended, Revoked)
        )
    }
}

impl crate::domain::Labelled for RegisterStatus {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        RegisterStatus::label_key(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegisterStatus::*;

    #[test]
    fn statuses_keep_their_codes() {
        let codes: Vec<_> = RegisterStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(codes, ["registered", "suspended", "revoked"]);
        for status in RegisterStatus::ALL {
            assert_eq!(status.as_str().parse::<RegisterStatus>(), Ok(*status));
            assert!(status.label_key().ends_with(status.as_str()));
        }
        assert!("active".parse::<RegisterStatus>().is_err());
    }

    #[test]
    fn a_revocation_is_final() {
        let allowed: Vec<_> = RegisterStatus::ALL
            .iter()
            .flat_map(|from| RegisterStatus::ALL.iter().map(move |to| (*from, *to)))
            .filter(|(from, to)| from.may_become(*to))
            .collect();
        assert_eq!(
            allowed,
            [
                (Registered, Suspended),
                (Registered, Revoked),
                (Suspended, Registered),
                (Suspended, Revoked)
            ]
        );
    }
}
