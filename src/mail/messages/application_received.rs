//! The acknowledgement of a submitted application, to every member of the institution: its
//! reference, when it was received, and what happens next.

use crate::config::Settings;
use crate::mail::messages::{Keys, Recipient};
use crate::mail::{LinkMail, Message};

pub struct ApplicationReceived<'a> {
    pub to: Recipient<'a>,
    /// The institution's legal name in the recipient's language.
    pub institution: &'a str,
    /// `APP-2026-000123`.
    pub reference: &'a str,
    /// The Seoul date of the submission, `2026-11-26`.
    pub received_on: &'a str,
    /// Who made the declaration and submitted.
    pub submitted_by: &'a str,
    /// The confirmation page of the application.
    pub link: &'a str,
}

impl Message for ApplicationReceived<'_> {
    fn compose(&self, _: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let keys = Keys {
            subject: "mail-submitted-subject",
            action: "mail-submitted-action",
            footnote: "mail-submitted-footnote",
        };
        let received = lang.t_with(
            "mail-submitted-body",
            &[
                ("institution", self.institution.to_owned().into()),
                ("reference", self.reference.to_owned().into()),
                ("date", self.received_on.to_owned().into()),
            ],
        );
        // The signatory's name is data they typed: it stands quoted after a label.
        let by = lang.t_with(
            "mail-submitted-by",
            &[("name", self.submitted_by.to_owned().into())],
        );
        let paragraphs = vec![received, by, lang.t("mail-submitted-next")];
        self.to.link_mail(keys, paragraphs, self.link.to_owned())
    }
}
