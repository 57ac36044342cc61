//! Invitations by email: the link that sets up an invited account, and the word to an address's
//! owner when the address cannot be invited.

use crate::config::Settings;
use crate::domain::Role;
use crate::mail::messages::{Keys, Recipient};
use crate::mail::{LinkMail, Message};

/// Where the invitation leads: into an institution, or onto the regulator's staff.
#[derive(Debug, Clone, Copy)]
pub enum InvitedTo<'a> {
    /// The institution's legal name in the recipient's language.
    Institution(&'a str),
    Staff(Role),
}

pub struct Invitation<'a> {
    pub to: Recipient<'a>,
    pub inviter: &'a str,
    pub invited_to: InvitedTo<'a>,
    pub link: &'a str,
}

impl Message for Invitation<'_> {
    fn compose(&self, _: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let body = match self.invited_to {
            InvitedTo::Institution(institution) => lang.t_with(
                "mail-invite-member-body",
                &[("institution", institution.to_owned().into())],
            ),
            InvitedTo::Staff(role) => lang.t_with(
                "mail-invite-staff-body",
                &[("role", lang.t(role.label_key()).into())],
            ),
        };
        // The inviter's name is data they typed themselves: it stands quoted after a label, never
        // as words of the mail.
        let invited_by = lang.t_with(
            "mail-invite-by",
            &[("inviter", self.inviter.to_owned().into())],
        );
        let keys = Keys {
            subject: "mail-invite-subject",
            action: "mail-invite-action",
            footnote: "mail-invite-footnote",
        };
        self.to
            .link_mail(keys, vec![body, invited_by], self.link.to_owned())
    }
}

/// Word to the owner of an address that already has an account, which someone tried to invite.
pub struct InvitationRefused<'a> {
    /// The address's owner.
    pub to: Recipient<'a>,
    pub inviter: &'a str,
}

impl Message for InvitationRefused<'_> {
    /// Points to the sign-in page: the account goes on as it was.
    fn compose(&self, settings: &Settings) -> LinkMail {
        let lang = self.to.lang;
        let keys = Keys {
            subject: "mail-invite-exists-subject",
            action: "nav-login",
            footnote: "mail-invite-exists-footnote",
        };
        let paragraphs = vec![
            lang.t("mail-invite-exists-body"),
            lang.t_with(
                "mail-invite-exists-by",
                &[("inviter", self.inviter.to_owned().into())],
            ),
        ];
        self.to.link_mail(keys, paragraphs, settings.url("/login"))
    }
}
