//! The link that confirms the address of an institution's first user after signing up.

use crate::config::Settings;
use crate::mail::messages::Recipient;
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
        LinkMail {
            lang,
            to: self.to.email.to_owned(),
            greeting: LinkMail::greeting(lang, self.to.name),
            subject: lang.t("mail-verify-subject"),
            paragraphs: vec![lang.t_with(
                "mail-verify-body",
                &[("institution", self.institution.to_owned().into())],
            )],
            link: self.link.to_owned(),
            link_label: lang.t("mail-verify-action"),
            footnote: lang.t("mail-verify-footnote"),
        }
    }
}
