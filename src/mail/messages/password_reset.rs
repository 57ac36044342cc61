//! The link that sets a new password after "forgot password".

use crate::config::Settings;
use crate::mail::messages::Recipient;
use crate::mail::{LinkMail, Message};

pub struct PasswordReset<'a> {
    pub to: Recipient<'a>,
    pub link: &'a str,
}

impl Message for PasswordReset<'_> {
    fn compose(&self, _: &Settings) -> LinkMail {
        let lang = self.to.lang;
        LinkMail {
            lang,
            to: self.to.email.to_owned(),
            greeting: LinkMail::greeting(lang, self.to.name),
            subject: lang.t("mail-reset-subject"),
            paragraphs: vec![lang.t("mail-reset-body")],
            link: self.link.to_owned(),
            link_label: lang.t("mail-reset-action"),
            footnote: lang.t("mail-reset-footnote"),
        }
    }
}
