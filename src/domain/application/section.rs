//! The twelve sections of the application (DOMAIN.md, "The application"), in order, with their
//! stored codes, their titles and which must be done before another can start.

use crate::domain::code::coded;

coded! {
    /// A section of the application, in the order of the task list.
    pub enum SectionKind {
        Institution => "institution",
        Management => "management",
        Token => "token",
        BusinessPlan => "business_plan",
        Capital => "capital",
        ReservePolicy => "reserve_policy",
        Redemption => "redemption",
        Risk => "risk",
        CrossBorder => "cross_border",
        Documents => "documents",
        Attestation => "attestation",
        Declaration => "declaration",
    }
}

impl SectionKind {
    pub fn title_key(self) -> &'static str {
        match self {
            SectionKind::Institution => "section-institution-title",
            SectionKind::Management => "section-management-title",
            SectionKind::Token => "section-token-title",
            SectionKind::BusinessPlan => "section-business_plan-title",
            SectionKind::Capital => "section-capital-title",
            SectionKind::ReservePolicy => "section-reserve_policy-title",
            SectionKind::Redemption => "section-redemption-title",
            SectionKind::Risk => "section-risk-title",
            SectionKind::CrossBorder => "section-cross_border-title",
            SectionKind::Documents => "section-documents-title",
            SectionKind::Attestation => "section-attestation-title",
            SectionKind::Declaration => "section-declaration-title",
        }
    }

    /// The sections that must be completed before this one can start ("cannot start yet"): the
    /// attestation counts tokens per chain in the token's reference currency, so it needs the token
    /// section; the declaration is made over every answer, so it needs all the others.
    pub fn depends_on(self) -> &'static [SectionKind] {
        match self {
            SectionKind::Attestation => &[SectionKind::Token],
            SectionKind::Declaration => {
                let (before, _) = SectionKind::ALL.split_at(SectionKind::ALL.len() - 1);
                before
            }
            _ => &[],
        }
    }

    /// Whether this section can start, given a test of whether a section is completed.
    pub fn can_start(self, completed: impl Fn(SectionKind) -> bool) -> bool {
        self.depends_on().iter().all(|s| completed(*s))
    }
}

impl crate::domain::Labelled for SectionKind {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        self.title_key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_sections_in_order_with_stable_codes() {
        let codes: Vec<_> = SectionKind::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            codes,
            [
                "institution",
                "management",
                "token",
                "business_plan",
                "capital",
                "reserve_policy",
                "redemption",
                "risk",
                "cross_border",
                "documents",
                "attestation",
                "declaration"
            ]
        );
        assert_eq!("cross_border".parse(), Ok(SectionKind::CrossBorder));
    }

    #[test]
    fn the_attestation_waits_for_the_token_and_the_declaration_for_everything() {
        assert!(SectionKind::Institution.can_start(|_| false));
        assert!(!SectionKind::Attestation.can_start(|_| false));
        assert!(SectionKind::Attestation.can_start(|s| s == SectionKind::Token));
        let deps = SectionKind::Declaration.depends_on();
        assert_eq!(deps.len(), 11);
        assert!(!deps.contains(&SectionKind::Declaration));
        assert!(!SectionKind::Declaration.can_start(|s| s != SectionKind::Documents));
        assert!(SectionKind::Declaration.can_start(|_| true));
        // No section waits for itself or for a later-declared declaration.
        for section in SectionKind::ALL {
            assert!(!section.depends_on().contains(section));
        }
    }
}
