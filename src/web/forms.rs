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

/// Middleware: a query string with a NUL character is refused before any handler reads it.
pub async fn refuse_nul_in_query(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    if has_nul(url::form_urlencoded::parse(req.query_string().as_bytes())) {
        return Ok(super::error_pages::refusal(
            req,
            crate::error::AppError::BadRequest,
        ));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
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
        e.add("email", "bad".into());
        assert_eq!(e.get("email"), "bad");
        assert_eq!(e.get("password"), "");
    }
}
