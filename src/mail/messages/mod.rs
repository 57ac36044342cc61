//! What each mail says: one struct per mail holding exactly the facts it needs, composed into a
//! `LinkMail` in its recipient's language. Handlers build the struct and hand it to `enqueue`.

mod address_in_use;
mod application_received;
mod case_assigned;
mod completeness_confirmed;
mod consultation;
mod decision;
mod email_change;
mod information_request;
mod invitation;
mod password_reset;
mod verify_email;

#[cfg(test)]
mod tests;

pub use address_in_use::{AddressInUse, AddressUse};
pub use application_received::ApplicationReceived;
pub use case_assigned::CaseAssigned;
pub use completeness_confirmed::CompletenessConfirmed;
pub use consultation::ConsultationRequested;
pub use decision::{Decided, DecisionMade};
pub use email_change::{ConfirmNewAddress, EmailChangeRequested};
pub use information_request::{InformationAnswered, InformationRequested};
pub use invitation::{Invitation, InvitationRefused, InvitedTo};
pub use password_reset::PasswordReset;
pub use verify_email::VerifyEmail;

use crate::db::users::User;
use crate::i18n::Lang;
use crate::mail::LinkMail;

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

/// The fixed parts of a link mail, as catalogue keys: its subject, the label of its link, and the
/// footnote under the link.
struct Keys {
    subject: &'static str,
    action: &'static str,
    footnote: &'static str,
}

impl Recipient<'_> {
    /// A link mail to this recipient in their language: the greeting by name, then `paragraphs`,
    /// already written in that language, then the link.
    fn link_mail(&self, keys: Keys, paragraphs: Vec<String>, link: String) -> LinkMail {
        let lang = self.lang;
        LinkMail {
            lang,
            to: self.email.to_owned(),
            greeting: LinkMail::greeting(lang, self.name),
            subject: lang.t(keys.subject),
            paragraphs,
            link,
            link_label: lang.t(keys.action),
            footnote: lang.t(keys.footnote),
        }
    }
}
