//! The attestation report's header: who attested what, as of when, to which standard, with which
//! opinion.

use chrono::NaiveDate;

use crate::domain::code::coded;

coded! {
    /// The assurance standard the accountant reported under.
    pub enum AssuranceStandard {
        Isae3000 => "isae_3000",
        AtC205 => "at_c_205",
        KoreanEquivalent => "korean_equivalent",
    }
}

coded! {
    /// The accountant's opinion.
    pub enum Opinion {
        Unqualified => "unqualified",
        Qualified => "qualified",
        Adverse => "adverse",
    }
}

impl AssuranceStandard {
    pub fn label_key(self) -> &'static str {
        match self {
            AssuranceStandard::Isae3000 => "attestation-standard-isae_3000",
            AssuranceStandard::AtC205 => "attestation-standard-at_c_205",
            AssuranceStandard::KoreanEquivalent => "attestation-standard-korean_equivalent",
        }
    }
}

impl Opinion {
    pub fn label_key(self) -> &'static str {
        match self {
            Opinion::Unqualified => "attestation-opinion-unqualified",
            Opinion::Qualified => "attestation-opinion-qualified",
            Opinion::Adverse => "attestation-opinion-adverse",
        }
    }
}

/// Why a header's dates do not fit together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("period starts after the as-of date")]
    PeriodAfterAsOf,
    #[error("signed before the as-of date")]
    SignedBeforeAsOf,
}

impl HeaderError {
    pub fn message_key(self) -> &'static str {
        match self {
            HeaderError::PeriodAfterAsOf => "attestation-period-after-as-of",
            HeaderError::SignedBeforeAsOf => "attestation-signed-before-as-of",
        }
    }
}

/// The report's header. The period runs from `period_start` to `as_of`, both included; an initial
/// attestation of a point in time has `period_start == as_of`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub as_of: NaiveDate,
    pub period_start: NaiveDate,
    pub standard: AssuranceStandard,
    pub firm_name: String,
    pub firm_registration_number: String,
    pub opinion: Opinion,
    pub signed_on: NaiveDate,
}

impl Header {
    /// The problems of the header's dates: a report cannot be signed before the date it speaks of.
    pub fn problems(&self) -> Vec<HeaderError> {
        date_problems(self.as_of, Some(self.period_start), Some(self.signed_on))
    }
}

/// The problems of a header's dates as far as they are known: a form being filled in may have the
/// as-of date and not yet the others.
pub fn date_problems(
    as_of: NaiveDate,
    period_start: Option<NaiveDate>,
    signed_on: Option<NaiveDate>,
) -> Vec<HeaderError> {
    let mut problems = Vec::new();
    if period_start.is_some_and(|start| start > as_of) {
        problems.push(HeaderError::PeriodAfterAsOf);
    }
    if signed_on.is_some_and(|signed| signed < as_of) {
        problems.push(HeaderError::SignedBeforeAsOf);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn dates_must_follow_one_another() {
        let mut header = Header {
            as_of: date("2026-06-30"),
            period_start: date("2026-06-01"),
            standard: AssuranceStandard::Isae3000,
            firm_name: "Samil".into(),
            firm_registration_number: "1234".into(),
            opinion: Opinion::Unqualified,
            signed_on: date("2026-06-30"),
        };
        assert!(header.problems().is_empty());
        header.period_start = date("2026-07-01");
        header.signed_on = date("2026-06-29");
        assert_eq!(
            header.problems(),
            [HeaderError::PeriodAfterAsOf, HeaderError::SignedBeforeAsOf]
        );
        assert_eq!("at_c_205".parse(), Ok(AssuranceStandard::AtC205));
        assert_eq!("adverse".parse(), Ok(Opinion::Adverse));
    }
}
