//! A row of the audit log as a reader reads it: a sentence in their language naming who did what to
//! what (each linked where it has a page), its details as labelled values, and the time in Seoul.

use uuid::Uuid;

use crate::audit::{Action, ObjectType};
use crate::db::audit_log::AuditRow;
use crate::domain::{InstitutionStatus, Role};
use crate::i18n::Lang;
use crate::services::admin::audit::Names;

/// Where the actor and the object go in a sentence: characters no catalogue text contains, put in
/// as the arguments and split on afterwards, so a name becomes a link without markup in messages.
const ACTOR: char = '\u{E000}';
const OBJECT: char = '\u{E001}';

/// A piece of a sentence: text, linked when it names something with a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub href: Option<String>,
}

impl Part {
    fn text(text: String) -> Part {
        Part { text, href: None }
    }
}

/// One row, ready for the page.
pub struct Entry {
    pub row: AuditRow,
    pub sentence: Vec<Part>,
    /// Each detail's label and value, in the reader's language where they are codes.
    pub details: Vec<(String, String)>,
}

impl Entry {
    pub fn of(row: AuditRow, names: &Names, lang: Lang) -> Entry {
        let reader = Reader { names, lang };
        Entry {
            sentence: reader.sentence(&row),
            details: reader.details(&row),
            row,
        }
    }

    /// When it happened, in UTC to the microsecond, as stored.
    pub fn utc(&self) -> String {
        self.row
            .occurred_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    }

    /// The whole sentence as text.
    #[cfg(test)]
    fn sentence_text(&self) -> String {
        self.sentence.iter().map(|p| p.text.as_str()).collect()
    }
}

struct Reader<'a> {
    names: &'a Names,
    lang: Lang,
}

impl Reader<'_> {
    fn sentence(&self, row: &AuditRow) -> Vec<Part> {
        let text = self.lang.t_with(
            row.action.sentence_key(),
            &[
                ("actor", ACTOR.to_string().into()),
                ("object", OBJECT.to_string().into()),
            ],
        );
        let mut parts = Vec::new();
        let mut plain = String::new();
        for c in text.chars() {
            let party = match c {
                ACTOR => self.actor(row),
                OBJECT => self.object(row),
                _ => {
                    plain.push(c);
                    continue;
                }
            };
            if !plain.is_empty() {
                parts.push(Part::text(std::mem::take(&mut plain)));
            }
            parts.push(party);
        }
        if !plain.is_empty() {
            parts.push(Part::text(plain));
        }
        parts
    }

    /// A user by id: their name (or email when they have none), linked to their page.
    fn user(&self, id: Uuid) -> Option<Part> {
        let person = self.names.users.get(&id)?;
        let name = if person.name.trim().is_empty() {
            &person.email
        } else {
            &person.name
        };
        Some(Part {
            text: name.clone(),
            href: Some(format!("/admin/users/{id}")),
        })
    }

    /// Who did it: their name where the portal knows them, else the email they gave, else where
    /// they came from; with none of these, the portal itself (its background work).
    fn actor(&self, row: &AuditRow) -> Part {
        if let Some(known) = row.actor_id.and_then(|id| self.user(id)) {
            return known;
        }
        let text = match (&row.actor_email, &row.client_addr) {
            (Some(email), _) => email.clone(),
            (None, Some(addr)) => self
                .lang
                .t_with("audit-someone-at", &[("address", addr.clone().into())]),
            (None, None) => self.lang.t("audit-the-portal"),
        };
        Part::text(text)
    }

    /// What it was done to: named and linked where it still exists, else its kind and id.
    fn object(&self, row: &AuditRow) -> Part {
        let id = row.object_id.as_deref().filter(|id| !id.is_empty());
        let uuid = id.and_then(|id| id.parse::<Uuid>().ok());
        let found = match (row.object_type, uuid) {
            (ObjectType::User, Some(uuid)) => self.user(uuid),
            (ObjectType::Institution, Some(uuid)) => {
                self.names.institutions.get(&uuid).map(|names| Part {
                    text: match self.lang {
                        Lang::Ko => names.ko.clone(),
                        Lang::En => names.en.clone(),
                    },
                    href: Some(format!("/admin/institutions/{uuid}")),
                })
            }
            _ => None,
        };
        found.unwrap_or_else(|| {
            Part::text(match id {
                Some(id) => self
                    .lang
                    .t_with(row.object_type.label_key(), &[("id", id.to_owned().into())]),
                None if row.object_type == ObjectType::AuditLog => {
                    self.lang.t(row.object_type.label_key())
                }
                None => self.lang.t("audit-object-unknown"),
            })
        })
    }

    fn details(&self, row: &AuditRow) -> Vec<(String, String)> {
        let Some(fields) = row.details.as_object() else {
            return Vec::new();
        };
        fields
            .iter()
            .map(|(key, value)| {
                let label = detail_label_key(key).map_or_else(|| key.clone(), |k| self.lang.t(k));
                (label, self.value(row.action, key, value))
            })
            .collect()
    }

    fn value(&self, action: Action, key: &str, value: &serde_json::Value) -> String {
        use serde_json::Value;
        match value {
            Value::Bool(true) => self.lang.t("audit-yes"),
            Value::Bool(false) => self.lang.t("audit-no"),
            Value::Null => "—".to_owned(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => self.code(action, key, s).unwrap_or_else(|| s.clone()),
            other => other.to_string(),
        }
    }

    /// A detail's code in words, when the reader can be told it in words.
    fn code(&self, action: Action, key: &str, code: &str) -> Option<String> {
        let from_or_to = matches!(key, "from" | "to");
        let label = match key {
            "role" => code.parse::<Role>().ok().map(Role::label_key),
            _ if from_or_to && action == Action::UserRoleChanged => {
                code.parse::<Role>().ok().map(Role::label_key)
            }
            _ if from_or_to && action == Action::InstitutionStatusChanged => code
                .parse::<InstitutionStatus>()
                .ok()
                .map(InstitutionStatus::label_key),
            "at" | "action" => code.parse::<Action>().ok().map(Action::label_key),
            "reason" | "attempt" | "by" => detail_code_key(code),
            "lang" => return Lang::from_code(code).map(|l| l.native_name().to_owned()),
            "institution_id" => {
                let uuid = code.parse::<Uuid>().ok()?;
                let names = self.names.institutions.get(&uuid)?;
                return Some(match self.lang {
                    Lang::Ko => names.ko.clone(),
                    Lang::En => names.en.clone(),
                });
            }
            _ => None,
        };
        if let Some(key) = label {
            return Some(self.lang.t(key));
        }
        // `by` may name the person who did it for someone else.
        let uuid = code.parse::<Uuid>().ok()?;
        self.user(uuid).map(|p| p.text)
    }
}

/// The catalogue key of a detail's label, for the details the portal records.
fn detail_label_key(key: &str) -> Option<&'static str> {
    Some(match key {
        "from" => "audit-detail-from",
        "to" => "audit-detail-to",
        "reason" => "audit-detail-reason",
        "role" => "audit-detail-role",
        "by" => "audit-detail-by",
        "lang" => "audit-detail-lang",
        "attempt" => "audit-detail-attempt",
        "at" => "audit-detail-at",
        "email" => "audit-detail-email",
        "institution_id" => "audit-detail-institution",
        "institution_admin" => "audit-detail-institution-admin",
        "authorised_signatory" => "audit-detail-signatory",
        "business_registration_number" => "audit-detail-brn",
        "consecutive_failures" => "audit-detail-failures",
        "action" => "audit-action",
        "actor" => "audit-actor",
        "object" => "audit-object",
        "since" => "audit-detail-since",
        "until" => "audit-detail-until",
        _ => return None,
    })
}

/// The catalogue key of a reason, an attempt or a source the portal records as a code.
fn detail_code_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "unknown_email" => "audit-reason-unknown-email",
        "email_in_use" => "audit-reason-email-in-use",
        "locked_or_slowed_down" => "audit-reason-locked-or-slowed-down",
        "deactivated" => "audit-reason-deactivated",
        "email_not_verified" => "audit-reason-email-not-verified",
        "institution_suspended" => "audit-reason-institution-suspended",
        "sign_up" => "audit-attempt-sign-up",
        "email_change" => "audit-attempt-email-change",
        "demo" => "audit-by-demo",
        "cli" => "audit-by-cli",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::admin::audit::Person;

    fn row(action: Action, details: serde_json::Value) -> AuditRow {
        AuditRow {
            seq: 1,
            occurred_at: chrono::Utc::now(),
            actor_id: Some(Uuid::nil()),
            actor_email: Some("kim@fsc.example".into()),
            action,
            object_type: ObjectType::User,
            object_id: Some(Uuid::max().to_string()),
            client_addr: Some("192.0.2.1".into()),
            details,
            prev_hash: vec![],
            hash: vec![],
        }
    }

    fn names() -> Names {
        let mut names = Names::default();
        for (id, name) in [(Uuid::nil(), "김관리"), (Uuid::max(), "이심사")] {
            let email = format!("{name}@fsc.example");
            let name = name.to_owned();
            names.users.insert(id, Person { name, email });
        }
        names
    }

    #[test]
    fn every_action_is_a_sentence_in_both_languages() {
        for action in Action::ALL {
            for lang in Lang::ALL {
                let entry = Entry::of(row(*action, serde_json::json!({})), &names(), lang);
                let text = entry.sentence_text();
                assert!(!text.contains(ACTOR) && !text.contains(OBJECT), "{text}");
                assert!(text.len() > 8, "{action} in {lang:?}: {text}");
            }
        }
    }

    #[test]
    fn names_become_links_and_codes_words() {
        let details = serde_json::json!({"from": "reviewer", "to": "approver"});
        let entry = Entry::of(row(Action::UserRoleChanged, details), &names(), Lang::En);
        assert_eq!(entry.sentence_text(), "김관리 changed the role of 이심사.");
        assert_eq!(
            entry.sentence[0].href.as_deref(),
            Some("/admin/users/00000000-0000-0000-0000-000000000000")
        );
        assert_eq!(
            entry.details,
            vec![
                ("From".to_owned(), "Reviewer".to_owned()),
                ("To".to_owned(), "Approver".to_owned())
            ]
        );
    }

    #[test]
    fn an_unknown_actor_is_someone_at_an_address() {
        let mut unknown = row(Action::PasswordResetRequested, serde_json::json!({}));
        unknown.actor_id = None;
        unknown.actor_email = None;
        let entry = Entry::of(unknown, &Names::default(), Lang::En);
        assert!(
            entry.sentence_text().starts_with("Someone at 192.0.2.1 "),
            "{}",
            entry.sentence_text()
        );
    }
}
