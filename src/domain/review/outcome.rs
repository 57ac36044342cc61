//! What a reviewer made of one section of a case: satisfactory, or information is needed.

use crate::domain::code::coded;

coded! {
    /// A section's outcome, as the reviewer records it.
    pub enum SectionOutcome {
        Satisfactory => "satisfactory",
        NeedsInformation => "needs_information",
    }
}

impl SectionOutcome {
    pub fn label_key(self) -> &'static str {
        match self {
            SectionOutcome::Satisfactory => "review-outcome-satisfactory",
            SectionOutcome::NeedsInformation => "review-outcome-needs_information",
        }
    }
}

impl crate::domain::Labelled for SectionOutcome {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        SectionOutcome::label_key(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_keep_the_codes_the_table_allows() {
        let codes: Vec<_> = SectionOutcome::ALL.iter().map(|o| o.as_str()).collect();
        assert_eq!(codes, ["satisfactory", "needs_information"]);
        assert!("good".parse::<SectionOutcome>().is_err());
    }
}
