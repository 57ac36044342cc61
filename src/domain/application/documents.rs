//! The documents an application needs (DOMAIN.md's checklist, a CV per director and the
//! attestation report), with their stored codes and names.

use super::section::SectionKind;
use crate::domain::code::coded;

coded! {
    /// A kind of uploaded document, in the order of the checklist.
    pub enum DocumentKind {
        ArticlesOfAssociation => "articles_of_association",
        AuditedFinancialStatements => "audited_financial_statements",
        BusinessPlan => "business_plan",
        WhitePaper => "white_paper",
        AmlPolicy => "aml_policy",
        LegalOpinion => "legal_opinion",
        DirectorCv => "director_cv",
        AttestationReport => "attestation_report",
    }
}

impl DocumentKind {
    pub fn label_key(self) -> &'static str {
        match self {
            DocumentKind::ArticlesOfAssociation => "document-articles_of_association",
            DocumentKind::AuditedFinancialStatements => "document-audited_financial_statements",
            DocumentKind::BusinessPlan => "document-business_plan",
            DocumentKind::WhitePaper => "document-white_paper",
            DocumentKind::AmlPolicy => "document-aml_policy",
            DocumentKind::LegalOpinion => "document-legal_opinion",
            DocumentKind::DirectorCv => "document-director_cv",
            DocumentKind::AttestationReport => "document-attestation_report",
        }
    }

    /// The catalogue key of the sentence saying what the document is and what it must show.
    pub fn about_key(self) -> &'static str {
        match self {
            DocumentKind::ArticlesOfAssociation => "document-articles_of_association-about",
            DocumentKind::AuditedFinancialStatements => {
                "document-audited_financial_statements-about"
            }
            DocumentKind::BusinessPlan => "document-business_plan-about",
            DocumentKind::WhitePaper => "document-white_paper-about",
            DocumentKind::AmlPolicy => "document-aml_policy-about",
            DocumentKind::LegalOpinion => "document-legal_opinion-about",
            DocumentKind::DirectorCv => "document-director_cv-about",
            DocumentKind::AttestationReport => "document-attestation_report-about",
        }
    }

    /// The section whose page asks for the document: a CV beside its director, the white paper
    /// with the token, the accountant's report with its figures, the rest on the checklist.
    pub fn section(self) -> SectionKind {
        match self {
            DocumentKind::DirectorCv => SectionKind::Management,
            DocumentKind::WhitePaper => SectionKind::Token,
            DocumentKind::AttestationReport => SectionKind::Attestation,
            DocumentKind::ArticlesOfAssociation
            | DocumentKind::AuditedFinancialStatements
            | DocumentKind::BusinessPlan
            | DocumentKind::AmlPolicy
            | DocumentKind::LegalOpinion => SectionKind::Documents,
        }
    }

    /// One per director rather than one per application.
    pub fn per_director(self) -> bool {
        self == DocumentKind::DirectorCv
    }
}

impl crate::domain::Labelled for DocumentKind {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        DocumentKind::label_key(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checklist_keeps_its_codes_and_places() {
        let codes: Vec<_> = DocumentKind::ALL.iter().map(|d| d.as_str()).collect();
        assert_eq!(codes.len(), 8);
        assert_eq!("legal_opinion".parse(), Ok(DocumentKind::LegalOpinion));
        assert!("passport".parse::<DocumentKind>().is_err());
        let on_checklist = DocumentKind::ALL
            .iter()
            .filter(|d| d.section() == SectionKind::Documents)
            .count();
        assert_eq!(on_checklist, 5);
        assert!(DocumentKind::DirectorCv.per_director());
        assert!(!DocumentKind::WhitePaper.per_director());
    }
}
