//! The link that sets a new password after "forgot password".

use crate::config::Settings;
use crate::mail::messages::{Keys, Recipient};
use crate::mail::{LinkMail, Message};

pub struct PasswordReset<'a> {
    pub to: Recipient<'a>,
    pub link: &'a str,
}

impl Message for PasswordReset<'_> {
    fn compose(&self, _: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let keys = Keys {
            subject: "mail-reset-subject",
            action: "mail-reset-action",
            footnote: "mail-reset-footnote",
        };
        self.to
            .link_mail(keys, vec![lang.t("mail-reset-body")], self.link.to_owned())
    }
}
