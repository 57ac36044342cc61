//! What an institution is and whether it may act: its kind (DOMAIN.md) and its standing with the
//! regulator.

use super::code::coded;

/// Longest legal name (Korean or English) accepted, in characters.
pub const LEGAL_NAME_MAX_CHARS: usize = 200;
/// Longest head office address accepted, in characters.
pub const ADDRESS_MAX_CHARS: usize = 200;
/// Longest telephone number accepted, in characters.
pub const TELEPHONE_MAX_CHARS: usize = 30;

coded! {
    /// Whether an institution's members may sign in: a suspended institution's may not.
    pub enum InstitutionStatus {
        Active => "active",
        Suspended => "suspended",
    }
}

impl InstitutionStatus {
    /// The catalogue key of the status's name.
    pub fn label_key(self) -> &'static str {
        match self {
            InstitutionStatus::Active => "institution-status-active",
            InstitutionStatus::Suspended => "institution-status-suspended",
        }
    }
}

coded! {
    /// The kinds of institution DOMAIN.md names, in the order the sign-up form offers them.
    pub enum InstitutionType {
        Bank => "bank",
        NonBank => "non_bank",
        Fintech => "fintech",
        Other => "other",
    }
}

impl InstitutionType {
    /// The catalogue key of the kind's name.
    pub fn label_key(self) -> &'static str {
        match self {
            InstitutionType::Bank => "institution-type-bank",
            InstitutionType::NonBank => "institution-type-non_bank",
            InstitutionType::Fintech => "institution-type-fintech",
            InstitutionType::Other => "institution-type-other",
        }
    }
}

impl crate::domain::Labelled for InstitutionStatus {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        InstitutionStatus::label_key(self)
    }
}

impl crate::domain::Labelled for InstitutionType {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        InstitutionType::label_key(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes are those of the CHECK constraints in migrations/.
    #[test]
    fn statuses_and_types_keep_their_stored_codes() {
        let statuses: Vec<_> = InstitutionStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(statuses, ["active", "suspended"]);
        let types: Vec<_> = InstitutionType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(types, ["bank", "non_bank", "fintech", "other"]);
        for kind in InstitutionType::ALL {
            assert_eq!(kind.as_str().parse::<InstitutionType>(), Ok(*kind));
        }
        assert!("closed".parse::<InstitutionStatus>().is_err());
        assert!("non-bank".parse::<InstitutionType>().is_err());
    }
}
