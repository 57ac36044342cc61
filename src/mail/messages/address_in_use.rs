//! Telling the owner of an address that someone tried to use it for another account: the page the
//! other person sees says nothing about it.

use crate::config::Settings;
use crate::mail::messages::{Keys, Recipient};
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
        let keys = Keys {
            subject: "mail-exists-subject",
            action: "mail-exists-action",
            footnote: "mail-exists-footnote",
        };
        self.to.link_mail(
            keys,
            vec![lang.t(match self.attempt {
                AddressUse::SignUp => "mail-exists-body",
                AddressUse::EmailChange => "mail-exists-change-body",
            })],
            settings.url("/password/forgot"),
        )
    }
}
