//! Telling the owner of an address that someone tried to use it for another account: the page the
//! other person sees says nothing about it.

use crate::config::Settings;
use crate::mail::messages::Recipient;
use crate::mail::{LinkMail, Message};

/// What someone tried to use an address that has an account for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressUse {
    SignUp,
    EmailChange,
}

pub struct AddressInUse<'a> {
    /// The address's owner.
    pub to: Recipient<'a>,
    pub attempt: AddressUse,
}

impl Message for AddressInUse<'_> {
    /// Points to a new reset request: the attempt may have been the owner's own, having forgotten
    /// the password.
    fn compose(&self, settings: &Settings) -> LinkMail {
        let lang = self.to.lang;
        LinkMail {
            lang,
            to: self.to.email.to_owned(),
            greeting: LinkMail::greeting(lang, self.to.name),
            subject: lang.t("mail-exists-subject"),
            paragraphs: vec![lang.t(match self.attempt {
                AddressUse::SignUp => "mail-exists-body",
                AddressUse::EmailChange => "mail-exists-change-body",
            })],
            link: settings.url("/password/forgot"),
            link_label: lang.t("mail-exists-action"),
            footnote: lang.t("mail-exists-footnote"),
        }
    }
}
