//! The notices a page shows after a redirect (`?notice=…`): which codes exist and the message of
//! each, so that no message key is built from what a URL says.

use crate::domain::code::coded;

coded! {
    /// What just happened, as a redirect names it in `?notice=`.
    pub enum Notice {
        SignedOut => "signed-out",
        EmailVerified => "email-verified",
        PasswordReset => "password-reset",
        PasswordChanged => "password-changed",
        EmailChanged => "email-changed",
        EmailChangeSent => "email-change-sent",
        MfaRemoved => "mfa-removed",
        Welcome => "welcome",
        Invited => "invited",
        Saved => "saved",
        Deactivated => "deactivated",
        Reactivated => "reactivated",
        RoleChanged => "role-changed",
        MfaReset => "mfa-reset",
        Unlocked => "unlocked",
        AlreadySubmitted => "already-submitted",
        Imported => "imported",
        Withdrawn => "withdrawn",
        Uploaded => "uploaded",
        ConsultationSent => "consultation-sent",
        OpinionRecorded => "opinion-recorded",
        DecisionProposed => "decision-proposed",
        Decided => "decided",
        AnswersSent => "answers-sent",
    }
}

impl Notice {
    /// The notice a query string names, if it names one: an unknown code shows no notice.
    pub fn from_query(query: &str) -> Option<Notice> {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "notice")
            .and_then(|(_, code)| code.parse().ok())
    }

    /// The catalogue key of the notice's message.
    pub fn message_key(self) -> &'static str {
        match self {
            Notice::SignedOut => "notice-signed-out",
            Notice::EmailVerified => "notice-email-verified",
            Notice::PasswordReset => "notice-password-reset",
            Notice::PasswordChanged => "notice-password-changed",
            Notice::EmailChanged => "notice-email-changed",
            Notice::EmailChangeSent => "notice-email-change-sent",
            Notice::MfaRemoved => "notice-mfa-removed",
            Notice::Welcome => "notice-welcome",
            Notice::Invited => "notice-invited",
            Notice::Saved => "notice-saved",
            Notice::Deactivated => "notice-deactivated",
            Notice::Reactivated => "notice-reactivated",
            Notice::RoleChanged => "notice-role-changed",
            Notice::MfaReset => "notice-mfa-reset",
            Notice::Unlocked => "notice-unlocked",
            Notice::AlreadySubmitted => "notice-already-submitted",
            Notice::Imported => "notice-imported",
            Notice::Withdrawn => "notice-withdrawn",
            Notice::Uploaded => "notice-uploaded",
            Notice::ConsultationSent => "notice-consultation-sent",
            Notice::OpinionRecorded => "notice-opinion-recorded",
            Notice::DecisionProposed => "notice-decision-proposed",
            Notice::Decided => "notice-decided",
            Notice::AnswersSent => "notice-answers-sent",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_names_a_notice_or_none() {
        assert_eq!(
            Notice::from_query("lang=en&notice=signed-out"),
            Some(Notice::SignedOut)
        );
        assert_eq!(Notice::from_query("notice=signed-out-x"), None);
        assert_eq!(Notice::from_query("notice=Signed-Out"), None);
        assert_eq!(Notice::from_query("notice="), None);
        assert_eq!(Notice::from_query(""), None);
    }

    /// A redirect to a notice this module does not know would show no notice at all.
    #[test]
    fn every_notice_a_redirect_names_is_known() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut named = Vec::new();
        for path in rust_files(&root) {
            let text = std::fs::read_to_string(&path).expect("readable source");
            for piece in text.split("?notice=").skip(1) {
                let code: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                    .collect();
                if !code.is_empty() {
                    named.push((code, path.display().to_string()));
                }
            }
        }
        assert!(named.len() > 10, "found too few redirects: {named:?}");
        let unknown: Vec<_> = named
            .iter()
            .filter(|(code, _)| code.parse::<Notice>().is_err())
            .collect();
        assert!(unknown.is_empty(), "unknown notices: {unknown:?}");
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
        files
    }
}
