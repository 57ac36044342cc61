//! Word to a consulted body's staff that a case was sent to them for an opinion.

use chrono::NaiveDate;

use crate::config::Settings;
use crate::mail::messages::{Keys, Recipient};
use crate::mail::{LinkMail, Message};

pub struct ConsultationRequested<'a> {
    pub to: Recipient<'a>,
    /// The application's reference (APP-2026-000123).
    pub reference: &'a str,
    /// The applicant's legal name in the recipient's language.
    pub institution: &'a str,
    pub due_on: NaiveDate,
    /// The consultation's page.
    pub path: &'a str,
}

impl Message for ConsultationRequested<'_> {
    fn compose(&self, settings: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let body = lang.t_with(
            "mail-consultation-body",
            &[
                ("reference", self.reference.to_owned().into()),
                ("institution", self.institution.to_owned().into()),
                ("due", self.due_on.to_string().into()),
            ],
        );
        let keys = Keys {
            subject: "mail-consultation-subject",
            action: "mail-consultation-action",
            footnote: "mail-consultation-footnote",
        };
        self.to.link_mail(keys, vec![body], settings.url(self.path))
    }
}
