//! The issuer's registration application: the dashboard of their applications, the task list, and
//! one form page per section, all drawn from the sections' declarations (`view`).

pub mod attestation;
pub mod check;
pub mod dashboard;
pub mod documents;
pub mod information_requests;
pub mod section;
pub mod task_list;
pub mod view;
pub mod withdraw;

use uuid::Uuid;

use crate::domain::application::SectionKind;
use crate::error::AppError;

/// The task list's address.
pub fn task_list_url(application: Uuid) -> String {
    format!("/applications/{application}")
}

/// A section page's address.
pub fn section_url(application: Uuid, section: SectionKind) -> String {
    format!("/applications/{application}/sections/{}", section.as_str())
}

/// The section named in a path; the declaration has no form page of its own (it is made on check
/// your answers), so it is not found like any unknown name.
pub fn section_in_path(code: &str) -> Result<SectionKind, AppError> {
    code.parse::<SectionKind>()
        .ok()
        .filter(|s| *s != SectionKind::Declaration)
        .ok_or(AppError::NotFound)
}
