//! An issuer's standing on the register, changed by an approver or an admin: suspended (and later
//! reinstated) or revoked, with the reason the public history shows and the date it takes effect.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::RegisterWords;
use crate::db::register::Entry;
use crate::domain::application::form::parse_date;
use crate::domain::reference::RegistrationNumber;
use crate::domain::register::RegisterStatus;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::services::register::{self as service, StatusChanged};
use crate::web::extract::{Actor, Form, Registrar};
use crate::web::forms::Errors;
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::{AppState, PageContext};

/// The longest reason kept.
const MAX_REASON: usize = 2_000;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    status: String,
    reason: String,
    effective_on: String,
}

/// A change of status as asked for.
struct Change {
    status: RegisterStatus,
    reason: String,
    effective_on: NaiveDate,
}

impl StatusForm {
    /// The change, or every problem with the form; `entry` is the entry as it stands.
    fn change(&self, entry: &Entry) -> Result<Change, Errors> {
        let mut errors = Errors::default();
        let status = self.status.parse::<RegisterStatus>().ok();
        match status {
            None => errors.add("status", "field-choose-one"),
            Some(s) if !entry.status.may_become(s) => {
                errors.add("status", "register-status-not-allowed")
            }
            Some(_) => {}
        }
        let reason = self.reason.trim();
        if reason.is_empty() {
            errors.add("reason", "field-required");
        } else if reason.chars().count() > MAX_REASON {
            errors.add_with(
                "reason",
                "field-too-long",
                vec![("max", MAX_REASON.to_string())],
            );
        }
        let effective_on = parse_date(self.effective_on.trim());
        match effective_on {
            None => errors.add("effective_on", "field-date-invalid"),
            Some(d) if d < entry.status_since => {
                errors.add("effective_on", "register-effective-before-status")
            }
            Some(_) => {}
        }
        match (status, effective_on) {
            (Some(status), Some(effective_on)) if errors.is_empty() => Ok(Change {
                status,
                reason: reason.to_owned(),
                effective_on,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "register/status.html")]
struct StatusPage {
    ctx: PageContext,
    entry: Entry,
    form: StatusForm,
    errors: Errors,
}

impl RegisterWords for StatusPage {
    fn lang(&self) -> Lang {
        self.ctx.lang
    }
}

impl StatusPage {
    /// The statuses the entry may take next, as radio choices.
    fn choices(&self) -> Vec<crate::web::forms::Choice> {
        let next: Vec<RegisterStatus> = RegisterStatus::ALL
            .iter()
            .copied()
            .filter(|s| self.entry.status.may_become(*s))
            .collect();
        self.ctx.choices(&next)
    }
}

fn number_of(raw: &str) -> AppResult<String> {
    raw.parse::<RegistrationNumber>()
        .map(|n| n.to_string())
        .map_err(|_| AppError::NotFound)
}

/// GET /review/register/{number}/status: the form.
pub async fn form(
    ctx: PageContext,
    _: Registrar,
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> AppResult<HttpResponse> {
    let number = number_of(&number)?;
    let mut conn = state.pool.get().await?;
    let entry = service::entry(&mut conn, &number).await?.entry;
    let form = StatusForm {
        effective_on: crate::services::review::clock::today().to_string(),
        ..StatusForm::default()
    };
    let view = StatusPage {
        ctx,
        entry,
        form,
        errors: Errors::default(),
    };
    page(&view, StatusCode::OK)
}

/// POST /review/register/{number}/status: the change, shown on the register at once.
pub async fn change(
    ctx: PageContext,
    _: Registrar,
    actor: Actor,
    state: web::Data<AppState>,
    number: web::Path<String>,
    Form(form): Form<StatusForm>,
) -> AppResult<HttpResponse> {
    let number: RegistrationNumber = number_of(&number)?
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let mut conn = state.pool.get().await?;
    let entry = service::entry(&mut conn, &number.to_string()).await?.entry;
    let change = match form.change(&entry) {
        Ok(change) => change,
        Err(errors) => {
            return form_with_errors(&StatusPage {
                ctx,
                entry,
                form,
                errors,
            });
        }
    };
    let cx = state.services(&actor);
    let (status, reason, on) = (change.status, &change.reason, change.effective_on);
    match service::change_status(&mut conn, &cx, &number, status, reason, on).await? {
        StatusChanged::Done => Ok(redirect(&format!("/register/{number}?notice=saved"))),
        StatusChanged::NotAllowed => {
            let errors = Errors::one("status", "register-status-not-allowed");
            form_with_errors(&StatusPage {
                ctx,
                entry,
                form,
                errors,
            })
        }
    }
}
