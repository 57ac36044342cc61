//! What form pages share: per-field error messages (shown beside the field and in a summary at the
//! top that links to it), and helpers for turning typed text into values.

use crate::domain::PersonName;
use crate::domain::person_name::{self, NameError};

/// Field errors in the order the form shows its fields, as message keys: the page translates them
/// (`PageContext::error_message`), so errors can be worked out without a language, for a draft kept
/// and checked later as much as for a form sent back.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Errors {
    items: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's id, or "form" for a message about the whole form.
    pub field: &'static str,
    /// The catalogue key of the message.
    pub key: &'static str,
    /// The message's named arguments.
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn is_form(&self) -> bool {
        self.field == "form"
    }
}

impl Errors {
    /// The message `key` beside `field`.
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.add_with(field, key, Vec::new());
    }

    /// The message `key` with named arguments beside `field`.
    pub fn add_with(
        &mut self,
        field: &'static str,
        key: &'static str,
        args: Vec<(&'static str, String)>,
    ) {
        self.items.push(FieldError { field, key, args });
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The error of `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.items.iter().find(|e| e.field == field)
    }

    pub fn items(&self) -> &[FieldError] {
        &self.items
    }

    /// Adds every error of `other` after these.
    pub fn extend(&mut self, other: Errors) {
        self.items.extend(other.items);
    }

    /// A single error beside `field`.
    pub fn one(field: &'static str, key: &'static str) -> Errors {
        let mut errors = Errors::default();
        errors.add(field, key);
        errors
    }

    /// An error about the form as a whole (shown in the summary only).
    pub fn form(key: &'static str) -> Errors {
        Errors::one("form", key)
    }

    /// Sorted into the order the form shows `fields` (a field not listed goes last), keeping the
    /// order of errors of the same field: checks of shape and of meaning can then run apart.
    pub fn in_order_of(mut self, fields: &[&str]) -> Errors {
        let rank = |e: &FieldError| fields.iter().position(|f| *f == e.field);
        self.items
            .sort_by_key(|e| rank(e).map_or((1, 0), |r| (0, r)));
        self
    }

    /// The errors `validator` found in a form's shape. Each check names its message key as its code
    /// (`ValidationError::new("field-required")`), so no text is made here.
    pub fn from_shape(shape: &validator::ValidationErrors, fields: &[&'static str]) -> Errors {
        let mut errors = Errors::default();
        let found = shape.field_errors();
        for field in fields {
            for problem in found.get(*field).into_iter().flat_map(|v| v.iter()) {
                if let std::borrow::Cow::Borrowed(key) = problem.code {
                    errors.add(field, key);
                }
            }
        }
        errors
    }
}

/// One option of a radio group (`forms::radios` in the templates).
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    /// Already in the page's language.
    pub label: String,
    /// The language the label is written in, when it is not the page's (language names).
    pub lang: Option<&'static str>,
}

impl Choice {
    /// Whether this option is the one chosen.
    pub fn is(&self, chosen: &str) -> bool {
        self.value == chosen
    }
}

/// A shape check for `validator`: text that is not blank.
pub fn required(value: &str) -> Result<(), validator::ValidationError> {
    if value.trim().is_empty() {
        return Err(validator::ValidationError::new("field-required"));
    }
    Ok(())
}

/// A person's name as typed, checked by `PersonName`: what is wrong goes beside `field`. A blank name
/// is left to the form's shape check (`required`), which already says so.
pub fn person_name(raw: &str, field: &'static str, errors: &mut Errors) -> Option<PersonName> {
    match PersonName::parse(raw) {
        Ok(name) => Some(name),
        Err(NameError::Empty) => None,
        Err(problem) => {
            let max = vec![("max", person_name::MAX_CHARS.to_string())];
            errors.add_with(field, problem.message_key(), max);
            None
        }
    }
}

/// A shape check of free text: at most `max` characters, with the message beside `field`.
pub fn at_most(raw: &str, max: usize, field: &'static str, errors: &mut Errors) {
    if raw.trim().chars().count() > max {
        errors.add_with(field, "field-too-long", vec![("max", max.to_string())]);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_find_their_field() {
        let mut e = Errors::default();
        e.add("email", "field-email-invalid");
        assert_eq!(e.get("email").map(|e| e.key), Some("field-email-invalid"));
        assert!(e.get("password").is_none());
    }
}
