//! What each mail says: one struct per mail holding exactly the facts it needs, composed into a
//! `LinkMail` in its recipient's language. Handlers build the struct and hand it to `enqueue`.

mod address_in_use;
mod email_change;
mod invitation;
mod password_reset;
mod verify_email;

#[cfg(test)]
mod tests;

pub use address_in_use::{AddressInUse, AddressUse};
pub use email_change::{ConfirmNewAddress, EmailChangeRequested};
pub use invitation::{Invitation, InvitationRefused, InvitedTo};
pub use password_reset::PasswordReset;
pub use verify_email::VerifyEmail;

use crate::db::users::User;
use crate::i18n::Lang;

/// Who a mail is for: their address, the name its greeting uses, and the language it is written in.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub lang: Lang,
}

impl<'a> Recipient<'a> {
    /// The account's owner, at the account's address and in the account's language.
    pub fn of(user: &'a User) -> Self {
        Recipient {
            email: &user.email,
            name: &user.display_name,
            lang: user.lang(),
        }
    }
}
