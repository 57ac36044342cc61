//! Word to the applicant's members that the regulator decided on their application.

use crate::config::Settings;
use crate::mail::messages::{Keys, Recipient};
use crate::mail::{LinkMail, Message};

/// What was decided, with what the members need to know of it.
#[derive(Debug, Clone, Copy)]
pub enum Decided<'a> {
    /// Approved, with the registration number given.
    Approved {
        registration_number: &'a str,
    },
    Rejected,
}

pub struct DecisionMade<'a> {
    pub to: Recipient<'a>,
    pub reference: &'a str,
    pub decided: Decided<'a>,
    /// The decision letter's page.
    pub path: &'a str,
}

impl Message for DecisionMade<'_> {
    fn compose(&self, settings: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let reference = ("reference", self.reference.to_owned().into());
        let body = match self.decided {
            Decided::Approved {
                registration_number,
            } => lang.t_with(
                "mail-decision-approved-body",
                &[reference, ("number", registration_number.to_owned().into())],
            ),
            Decided::Rejected => lang.t_with("mail-decision-rejected-body", &[reference]),
        };
        let keys = Keys {
            subject: "mail-decision-subject",
            action: "mail-decision-action",
            footnote: "mail-decision-footnote",
        };
        self.to.link_mail(keys, vec![body], settings.url(self.path))
    }
}
