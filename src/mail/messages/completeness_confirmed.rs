//! Word to the applicant that their application is complete: the date it was confirmed and the
//! deadline of the assessment that starts with it.

use chrono::NaiveDate;

use crate::config::Settings;
use crate::mail::messages::{Keys, Recipient};
use crate::mail::{LinkMail, Message};

pub struct CompletenessConfirmed<'a> {
    pub to: Recipient<'a>,
    pub reference: &'a str,
    pub confirmed_on: NaiveDate,
    /// The last working day of the assessment, as the clock stands on the day of confirmation.
    pub deadline: NaiveDate,
    /// The application's task list.
    pub link: &'a str,
}

impl Message for CompletenessConfirmed<'_> {
    fn compose(&self, _: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let keys = Keys {
            subject: "mail-completeness-subject",
            action: "mail-completeness-action",
            footnote: "mail-completeness-footnote",
        };
        let body = lang.t_with(
            "mail-completeness-body",
            &[
                ("reference", self.reference.to_owned().into()),
                ("date", self.confirmed_on.to_string().into()),
            ],
        );
        let deadline = lang.t_with(
            "mail-completeness-deadline",
            &[("deadline", self.deadline.to_string().into())],
        );
        self.to
            .link_mail(keys, vec![body, deadline], self.link.to_owned())
    }
}
