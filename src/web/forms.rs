//! What form pages share: per-field error messages (shown beside the field and in a summary at the
//! top that links to it), and helpers for turning typed text into values.

/// Field errors in the order the form shows its fields.
#[derive(Debug, Default, Clone)]
pub struct Errors {
    items: Vec<FieldError>,
}

#[derive(Debug, Clone)]
pub struct FieldError {
    /// The field's id, or "form" for a message about the whole form.
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn is_form(&self) -> bool {
        self.field == "form"
    }
}

impl Errors {
    pub fn add(&mut self, field: &'static str, message: String) {
        self.items.push(FieldError { field, message });
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The message for `field`, or "" when it has none.
    pub fn get(&self, field: &str) -> &str {
        self.items
            .iter()
            .find(|e| e.field == field)
            .map_or("", |e| e.message.as_str())
    }

    pub fn items(&self) -> &[FieldError] {
        &self.items
    }

    /// A single error beside `field`.
    pub fn one(field: &'static str, message: String) -> Errors {
        let mut errors = Errors::default();
        errors.add(field, message);
        errors
    }

    /// An error about the form as a whole (shown in the summary only).
    pub fn form(message: String) -> Errors {
        Errors {
            items: vec![FieldError {
                field: "form",
                message,
            }],
        }
    }
}

/// Whether any name or value holds a NUL character, which no form needs and PostgreSQL refuses in
/// text: such a request is a 400, not a 500 from the database.
pub fn has_nul<'a>(
    mut pairs: impl Iterator<Item = (std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
) -> bool {
    pairs.any(|(k, v)| k.contains('\0') || v.contains('\0'))
}

/// A checkbox posts its value only when ticked.
pub fn ticked(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

/// Email addresses are kept as typed but trimmed; the database compares them without case.
pub fn normalise_email(raw: &str) -> String {
    raw.trim().to_owned()
}

/// An address the mailer can send to (lettre's own parser, so nothing accepted here fails at
/// delivery for its form) with a domain that has a dot: something@something.tld.
pub fn looks_like_email(email: &str) -> bool {
    let Ok(address) = email.parse::<lettre::Address>() else {
        return false;
    };
    let domain = address.domain();
    // An address literal or a bare IP would send mail to whatever host that is, internal ones too.
    let names_a_host = domain.starts_with('[') || domain.parse::<std::net::IpAddr>().is_ok();
    domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !names_a_host
        && email.len() <= 254
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_shape() {
        assert!(looks_like_email("kim@hanbit-bank.co.kr"));
        assert!(!looks_like_email("kim@localhost"));
        assert!(!looks_like_email("kim hanbit@bank.kr"));
        assert!(!looks_like_email("@bank.kr"));
        assert!(
            !looks_like_email("kim:lee@bank.kr"),
            "the mailer refuses it"
        );
        assert!(!looks_like_email("kim@@bank.kr"));
        assert!(looks_like_email("kim.o'brien+fsc@bank.kr"));
        assert!(looks_like_email("김@은행.한국"));
        assert!(!looks_like_email("kim@127.0.0.1"), "no mail to a bare IP");
        assert!(!looks_like_email("kim@[10.0.0.1]"));
    }

    #[test]
    fn errors_find_their_field() {
        let mut e = Errors::default();
        e.add("email", "bad".into());
        assert_eq!(e.get("email"), "bad");
        assert_eq!(e.get("password"), "");
    }
}
