//! Changing an account's address: the link to the new address, and the word to the old one.

use crate::config::Settings;
use crate::mail::messages::{Keys, Recipient};
use crate::mail::{LinkMail, Message};

/// The link that confirms a new address, sent to that address.
pub struct ConfirmNewAddress<'a> {
    /// The account's owner at the new address.
    pub to: Recipient<'a>,
    pub link: &'a str,
}

impl Message for ConfirmNewAddress<'_> {
    fn compose(&self, _: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let keys = Keys {
            subject: "mail-email-confirm-subject",
            action: "mail-email-confirm-action",
            footnote: "mail-email-confirm-footnote",
        };
        self.to.link_mail(
            keys,
            vec![lang.t("mail-email-confirm-body")],
            self.link.to_owned(),
        )
    }
}

/// Word to the current address that a change to `new_email` was asked for.
pub struct EmailChangeRequested<'a> {
    pub to: Recipient<'a>,
    pub new_email: &'a str,
}

impl Message for EmailChangeRequested<'_> {
    /// Points to a password reset: a request the owner did not make means someone knows the
    /// password.
    fn compose(&self, settings: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let keys = Keys {
            subject: "mail-email-requested-subject",
            action: "mail-exists-action",
            footnote: "mail-email-requested-footnote",
        };
        self.to.link_mail(
            keys,
            vec![lang.t_with(
                "mail-email-requested-body",
                &[("email", self.new_email.to_owned().into())],
            )],
            settings.url("/password/forgot"),
        )
    }
}
