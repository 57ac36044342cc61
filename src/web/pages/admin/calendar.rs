//! The holiday calendar in the admin area: a year's public holidays, a form to add a day with its
//! names in Korean and English, and removal behind a confirmation page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::db::holidays::Holiday;
use crate::domain::application::form::parse_date;
use crate::error::AppResult;
use crate::services::admin::calendar::{self as service, Year};
use crate::web::confirm::ConfirmPage;
use crate::web::extract::{Actor, Admin, Form};
use crate::web::forms::Errors;
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::{AppState, PageContext};

/// The longest name of a holiday.
const MAX_NAME: usize = 100;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct YearQuery {
    year: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct HolidayForm {
    day: String,
    name_ko: String,
    name_en: String,
}

impl HolidayForm {
    /// The holiday to add, or every problem with the form.
    fn holiday(&self) -> Result<Holiday, Errors> {
        let mut errors = Errors::default();
        let day = parse_date(self.day.trim()).filter(|d| (2000..=2100).contains(&d.year()));
        if day.is_none() {
            errors.add("day", "field-date-invalid");
        }
        let mut name = |field: &'static str, value: &str| {
            let value = value.trim();
            if value.is_empty() {
                errors.add(field, "field-required");
            } else if value.chars().count() > MAX_NAME {
                errors.add_with(field, "field-too-long", vec![("max", MAX_NAME.to_string())]);
            }
            value.to_owned()
        };
        let (name_ko, name_en) = (
            name("name_ko", &self.name_ko),
            name("name_en", &self.name_en),
        );
        match day {
            Some(day) if errors.is_empty() => Ok(Holiday {
                day,
                name_ko,
                name_en,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/calendar.html")]
struct CalendarPage {
    ctx: PageContext,
    calendar: Year,
    form: HolidayForm,
    errors: Errors,
}

impl CalendarPage {
    /// The holiday's name in the reader's language (the other when that one is blank).
    fn name<'a>(&self, h: &'a Holiday) -> &'a str {
        let (mine, other) = match self.ctx.lang {
            crate::i18n::Lang::Ko => (&h.name_ko, &h.name_en),
            crate::i18n::Lang::En => (&h.name_en, &h.name_ko),
        };
        if mine.is_empty() { other } else { mine }
    }

    fn weekday(&self, day: &NaiveDate) -> String {
        self.ctx.t(match day.weekday() {
            chrono::Weekday::Mon => "weekday-mon",
            chrono::Weekday::Tue => "weekday-tue",
            chrono::Weekday::Wed => "weekday-wed",
            chrono::Weekday::Thu => "weekday-thu",
            chrono::Weekday::Fri => "weekday-fri",
            chrono::Weekday::Sat => "weekday-sat",
            chrono::Weekday::Sun => "weekday-sun",
        })
    }
}

/// GET /admin/calendar?year=: a year's holidays (this year's by default) and the form to add one.
pub async fn show(
    ctx: PageContext,
    state: web::Data<AppState>,
    query: web::Query<YearQuery>,
) -> AppResult<HttpResponse> {
    let this_year = crate::services::review::clock::today().year();
    let year = query
        .year
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(this_year);
    let mut conn = state.pool.get().await?;
    let calendar = service::year(&mut conn, year).await?;
    let view = CalendarPage {
        ctx,
        calendar,
        form: HolidayForm::default(),
        errors: Errors::default(),
    };
    page(&view, StatusCode::OK)
}

/// POST /admin/calendar: adds a holiday; a day that is one already is an error beside the date.
pub async fn add(
    ctx: PageContext,
    _: Admin,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<HolidayForm>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let checked = form.holiday();
    let year = checked.as_ref().map_or_else(
        |_| crate::services::review::clock::today().year(),
        |h| h.day.year(),
    );
    let errors = match checked {
        Ok(holiday) => match service::add(&mut conn, &state.services(&actor), &holiday).await? {
            true => {
                return Ok(redirect(&format!(
                    "/admin/calendar?year={year}&notice=saved"
                )));
            }
            false => Errors::one("day", "admin-holiday-exists"),
        },
        Err(errors) => errors,
    };
    let calendar = service::year(&mut conn, year).await?;
    form_with_errors(&CalendarPage {
        ctx,
        calendar,
        form,
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DayForm {
    day: String,
}

fn day_of(raw: &str) -> Option<NaiveDate> {
    parse_date(raw.trim())
}

/// GET /admin/calendar/remove?day=: what removing the day does, and its button.
pub async fn confirm_remove(
    ctx: PageContext,
    state: web::Data<AppState>,
    query: web::Query<DayForm>,
) -> AppResult<HttpResponse> {
    let Some(day) = day_of(&query.day) else {
        return Ok(redirect("/admin/calendar"));
    };
    let mut conn = state.pool.get().await?;
    let holiday = service::holiday(&mut conn, day).await?;
    let args = [
        ("day", day.to_string().into()),
        ("name", holiday.name_ko.clone().into()),
    ];
    ConfirmPage {
        title: ctx.lang.t_with("admin-holiday-remove-title", &args),
        what: ctx.lang.t_with("admin-holiday-remove-what", &args),
        action: "/admin/calendar/remove".into(),
        hidden: vec![("day", day.to_string())],
        choose: None,
        submit: ctx.t("admin-holiday-remove"),
        back: format!("/admin/calendar?year={}", day.year()),
        ctx,
    }
    .reply()
}

/// POST /admin/calendar/remove: removes the day from the calendar; without a day, the calendar
/// comes back asking for one.
pub async fn remove(
    ctx: PageContext,
    _: Admin,
    actor: Actor,
    state: web::Data<AppState>,
    Form(form): Form<DayForm>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let Some(day) = day_of(&form.day) else {
        let this_year = crate::services::review::clock::today().year();
        let calendar = service::year(&mut conn, this_year).await?;
        let errors = Errors::form("admin-holiday-choose");
        let form = HolidayForm::default();
        return form_with_errors(&CalendarPage {
            ctx,
            calendar,
            form,
            errors,
        });
    };
    service::remove(&mut conn, &state.services(&actor), day).await?;
    Ok(redirect(&format!(
        "/admin/calendar?year={}&notice=saved",
        day.year()
    )))
}
