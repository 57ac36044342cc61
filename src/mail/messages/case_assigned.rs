//! Word to a member of staff that a case was assigned to them.

use crate::config::Settings;
use crate::mail::messages::{Keys, Recipient};
use crate::mail::{LinkMail, Message};

pub struct CaseAssigned<'a> {
    pub to: Recipient<'a>,
    /// The application's reference (APP-2026-000123).
    pub reference: &'a str,
    /// The applicant's legal name in the recipient's language.
    pub institution: &'a str,
    /// The case's page in the review workspace.
    pub link: &'a str,
}

impl Message for CaseAssigned<'_> {
    fn compose(&self, _: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let keys = Keys {
            subject: "mail-case-assigned-subject",
            action: "mail-case-assigned-action",
            footnote: "mail-case-assigned-footnote",
        };
        let body = lang.t_with(
            "mail-case-assigned-body",
            &[
                ("reference", self.reference.to_owned().into()),
                ("institution", self.institution.to_owned().into()),
            ],
        );
        self.to.link_mail(keys, vec![body], self.link.to_owned())
    }
}
