//! The link that confirms the address of an institution's first user after signing up.

use crate::config::Settings;
use crate::mail::messages::{Keys, Recipient};
use crate::mail::{LinkMail, Message};

pub struct VerifyEmail<'a> {
    pub to: Recipient<'a>,
    /// The institution's legal name in the recipient's language.
    pub institution: &'a str,
    pub link: &'a str,
}

impl Message for VerifyEmail<'_> {
    fn compose(&self, _: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let keys = Keys {
            subject: "mail-verify-subject",
            action: "mail-verify-action",
            footnote: "mail-verify-footnote",
        };
        self.to.link_mail(
            keys,
            vec![lang.t_with(
                "mail-verify-body",
                &[("institution", self.institution.to_owned().into())],
            )],
            self.link.to_owned(),
        )
    }
}
