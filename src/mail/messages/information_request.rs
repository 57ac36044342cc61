//! The two mails of an information request: to every member of the institution when the regulator
//! asks (how many items, by when), and to the assigned reviewer when the answers arrive.

use crate::config::Settings;
use crate::mail::messages::{Keys, Recipient};
use crate::mail::{LinkMail, Message};

pub struct InformationRequested<'a> {
    pub to: Recipient<'a>,
    /// The institution's legal name in the recipient's language.
    pub institution: &'a str,
    /// The application's reference, `APP-2026-000123`.
    pub reference: &'a str,
    pub items: usize,
    /// The last day to answer (Seoul), `2026-12-10`.
    pub due_on: &'a str,
    /// The request's page on the portal.
    pub link: &'a str,
}

impl Message for InformationRequested<'_> {
    fn compose(&self, _: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let keys = Keys {
            subject: "mail-info-requested-subject",
            action: "mail-info-requested-action",
            footnote: "mail-info-requested-footnote",
        };
        let body = lang.t_with(
            "mail-info-requested-body",
            &[
                ("institution", self.institution.to_owned().into()),
                ("reference", self.reference.to_owned().into()),
                ("items", self.items.into()),
                ("date", self.due_on.to_owned().into()),
            ],
        );
        let paragraphs = vec![body, lang.t("mail-info-requested-clock")];
        self.to.link_mail(keys, paragraphs, self.link.to_owned())
    }
}

pub struct InformationAnswered<'a> {
    pub to: Recipient<'a>,
    pub institution: &'a str,
    pub reference: &'a str,
    /// Whether the answers came after the due date.
    pub late: bool,
    /// The request's page for the reviewer.
    pub link: &'a str,
}

impl Message for InformationAnswered<'_> {
    fn compose(&self, _: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let keys = Keys {
            subject: "mail-info-answered-subject",
            action: "mail-info-answered-action",
            footnote: "mail-info-answered-footnote",
        };
        let body = lang.t_with(
            "mail-info-answered-body",
            &[
                ("institution", self.institution.to_owned().into()),
                ("reference", self.reference.to_owned().into()),
            ],
        );
        let mut paragraphs = vec![body];
        if self.late {
            paragraphs.push(lang.t("mail-info-answered-late"));
        }
        paragraphs.push(lang.t("mail-info-answered-clock"));
        self.to.link_mail(keys, paragraphs, self.link.to_owned())
    }
}
