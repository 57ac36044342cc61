//! The page that stands before a dangerous button: it says what will happen, in words, and holds the
//! POST form that does it, so a slip of the finger on a list or an account page changes nothing and
//! no JavaScript is needed to ask.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::error::AppResult;
use crate::web::PageContext;
use crate::web::forms::{Choice, Errors};
use crate::web::reply::page;

#[derive(Template)]
#[template(path = "confirm/action.html")]
pub struct ConfirmPage {
    pub ctx: PageContext,
    /// The question, already translated ("Deactivate 김심사's account?").
    pub title: String,
    /// What the button will do, already translated.
    pub what: String,
    /// Where the form posts.
    pub action: String,
    /// Hidden fields the action takes (the new role, the new status).
    pub hidden: Vec<(&'static str, String)>,
    /// A choice still to make on the page (the role, when none was chosen before).
    pub choose: Option<Choose>,
    /// The button's words, already translated.
    pub submit: String,
    /// The page to go back to without doing anything.
    pub back: String,
}

/// Radio buttons inside the confirmation's form.
pub struct Choose {
    pub name: &'static str,
    /// Already translated.
    pub legend: String,
    pub choices: Vec<Choice>,
}

impl ConfirmPage {
    pub fn reply(&self) -> AppResult<HttpResponse> {
        page(self, StatusCode::OK)
    }

    /// The radio groups take a form's errors; this form has none.
    fn errors(&self) -> Errors {
        Errors::default()
    }
}
