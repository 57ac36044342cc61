//! The due date of an information request: a number of working days the reviewer gives the issuer
//! to answer (10 unless the reviewer chooses otherwise, never more than 20, DOMAIN.md), counted as
//! every deadline is (day 1 is the first working day after the request was sent).

use chrono::NaiveDate;

use crate::domain::application::form::Section;
use crate::domain::application::sections::section;
use crate::domain::application::{DocumentKind, SectionKind};
use crate::domain::calendar::Calendar;

/// Working days an issuer has to answer when the reviewer does not say.
pub const DEFAULT_RESPONSE_DAYS: u32 = 10;
/// The most working days a reviewer may give.
pub const MAX_RESPONSE_DAYS: u32 = 20;

/// Why a number of days to answer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ResponseDaysRefused {
    #[error("fewer than 1 working day")]
    TooFew,
    #[error("more than {MAX_RESPONSE_DAYS} working days")]
    TooMany,
}

impl ResponseDaysRefused {
    pub fn message_key(self) -> &'static str {
        match self {
            ResponseDaysRefused::TooFew => "review-request-days-too-few",
            ResponseDaysRefused::TooMany => "review-request-days-too-many",
        }
    }
}

/// Working days to answer an information request, from 1 to `MAX_RESPONSE_DAYS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseDays(u32);

impl Default for ResponseDays {
    fn default() -> Self {
        Self(DEFAULT_RESPONSE_DAYS)
    }
}

impl ResponseDays {
    pub fn new(days: u32) -> Result<Self, ResponseDaysRefused> {
        match days {
            0 => Err(ResponseDaysRefused::TooFew),
            1..=MAX_RESPONSE_DAYS => Ok(Self(days)),
            _ => Err(ResponseDaysRefused::TooMany),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// The last day to answer a request sent on `sent` (a Seoul date).
    pub fn due(self, calendar: &Calendar, sent: NaiveDate) -> NaiveDate {
        calendar.add_working_days(sent, self.0)
    }
}

/// Whether an answer that arrived on `answered` (a Seoul date) came after the due date: such an
/// answer is accepted and flagged, not refused.
pub fn is_late(due: NaiveDate, answered: NaiveDate) -> bool {
    answered > due
}

/// What an item of a request is about, as stored: `section:<code>`, `field:<section>:<name>` (a
/// field or a repeating group of the section's declaration) or `document:<kind>`. Only what the
/// declarations hold parses, so a stored target always points at a real place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Section(SectionKind),
    Field {
        section: SectionKind,
        /// The field's or group's name in the declaration.
        name: &'static str,
        /// The catalogue key of its label.
        label: &'static str,
    },
    Document(DocumentKind),
}

impl Target {
    /// Every target a reviewer may choose, section by section in the task list's order.
    pub fn all() -> Vec<Target> {
        let mut all = Vec::new();
        for &kind in SectionKind::ALL {
            let declared = section(kind);
            all.push(Target::Section(kind));
            all.extend(named(declared).map(|(name, label)| Target::Field {
                section: kind,
                name,
                label,
            }));
            all.extend(documents_of(declared).map(Target::Document));
        }
        all
    }

    pub fn parse(stored: &str) -> Option<Target> {
        let mut parts = stored.splitn(3, ':');
        match (parts.next()?, parts.next()?, parts.next()) {
            ("section", code, None) => code.parse::<SectionKind>().ok().map(Target::Section),
            ("document", code, None) => code.parse::<DocumentKind>().ok().map(Target::Document),
            ("field", code, Some(wanted)) => {
                let kind: SectionKind = code.parse().ok()?;
                named(section(kind))
                    .find(|(name, _)| *name == wanted)
                    .map(|(name, label)| Target::Field {
                        section: kind,
                        name,
                        label,
                    })
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> String {
        match self {
            Target::Section(kind) => format!("section:{}", kind.as_str()),
            Target::Field { section, name, .. } => format!("field:{}:{name}", section.as_str()),
            Target::Document(kind) => format!("document:{}", kind.as_str()),
        }
    }

    /// The section the target is in: answering it reopens that section.
    pub fn section(&self) -> SectionKind {
        match self {
            Target::Section(kind) | Target::Field { section: kind, .. } => *kind,
            Target::Document(kind) => kind.section(),
        }
    }

    /// The catalogue key of what the target names (without its section).
    pub fn label_key(&self) -> &'static str {
        match self {
            Target::Section(kind) => kind.title_key(),
            Target::Field { label, .. } => label,
            Target::Document(kind) => kind.label_key(),
        }
    }

    /// Where the issuer answers it, under `/applications/{id}`: the field on its section page,
    /// the section page, or the document's upload page.
    pub fn issuer_path(&self) -> String {
        match self {
            Target::Section(kind) => format!("/sections/{}", kind.as_str()),
            Target::Field { section, name, .. } => {
                format!("/sections/{}#{name}", section.as_str())
            }
            Target::Document(kind) => format!("/documents/{}", kind.as_str()),
        }
    }
}

/// The fields and groups of a section, by name and label key.
fn named(declared: &'static Section) -> impl Iterator<Item = (&'static str, &'static str)> {
    let fields = declared.fields().map(|f| (f.name, f.label));
    fields.chain(declared.groups().map(|g| (g.name, g.label)))
}

/// The documents of a section, asked once or once per row.
fn documents_of(declared: &'static Section) -> impl Iterator<Item = DocumentKind> {
    let per_row = declared.groups().filter_map(|g| g.row_document);
    declared.documents().chain(per_row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn between_one_and_twenty_working_days() {
        assert_eq!(ResponseDays::default().get(), 10);
        assert_eq!(ResponseDays::new(0), Err(ResponseDaysRefused::TooFew));
        assert_eq!(ResponseDays::new(1).map(ResponseDays::get), Ok(1));
        assert_eq!(ResponseDays::new(20).map(ResponseDays::get), Ok(20));
        assert_eq!(ResponseDays::new(21), Err(ResponseDaysRefused::TooMany));
    }

    #[test]
    fn a_request_over_chuseok_is_due_after_it() {
        let calendar = Calendar::seeded();
        // Sent Tuesday 22 September 2026: 23 (1), Chuseok and the weekend, 28 Sep to 2 Oct
        // (2-6), 3-5 October off, 6-8 (7-9), 9 October off, Monday 12 (10).
        let due = ResponseDays::default().due(&calendar, d(2026, 9, 22));
        assert_eq!(due, d(2026, 10, 12));
        assert!(!is_late(due, d(2026, 10, 12)));
        assert!(is_late(due, d(2026, 10, 13)));
        assert!(!is_late(due, d(2026, 9, 23)));
        let shortest = ResponseDays::new(1).unwrap().due(&calendar, d(2026, 9, 23));
        assert_eq!(shortest, d(2026, 9, 28));
    }

    #[test]
    fn every_target_reads_back_as_itself() {
        let all = Target::all();
        assert!(all.len() > SectionKind::ALL.len() * 2);
        for target in &all {
            assert_eq!(Target::parse(&target.as_str()).as_ref(), Some(target));
        }
        let field = Target::parse("field:institution:legal_name_ko");
        assert!(
            matches!(
                field,
                Some(Target::Field {
                    section: SectionKind::Institution,
                    ..
                })
            ),
            "{field:?}"
        );
        assert_eq!(
            Target::parse("document:aml_policy").map(|t| t.section()),
            Some(SectionKind::Documents)
        );
        for wrong in [
            "",
            "section",
            "section:nothing",
            "section:institution:x",
            "field:institution",
            "field:institution:no_such_field",
            "field:nothing:legal_name_ko",
            "document:nothing",
            "paper:institution",
        ] {
            assert_eq!(Target::parse(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn a_request_over_new_year() {
        let calendar = Calendar::seeded();
        // Sent Wednesday 23 December 2026: 24 (1), 25 off, 28-31 (2-5), 1 January off, 4-8
        // January (6-10), 11-15 (11-15), 18-22 (16-20): due Friday 22 January 2027.
        let due = ResponseDays::new(20)
            .unwrap()
            .due(&calendar, d(2026, 12, 23));
        assert_eq!(due, d(2027, 1, 22));
        assert_eq!(
            ResponseDays::default().due(&calendar, d(2026, 12, 23)),
            d(2027, 1, 8)
        );
    }
}
