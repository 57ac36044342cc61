//! Records how the first submission of a form ended, so that its repeats (a double click, a reload)
//! get the same answer without doing the work twice (the claim is made by `extract::Form`).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};

use crate::db;
use crate::error::AppError;
use crate::web::extract::form::Submission;
use crate::web::{AppState, session};

/// Middleware: records how the first submission of a form ended, for its repeats. A redirect is
/// replayed as it is; a page shown on success sends repeats to the account (or home); a form sent
/// back with errors frees the key, so the corrected form can be sent. A repeat leaves here as the
/// plain redirect it is: it travelled as an error only to skip the handler, and the request log
/// would otherwise report every double click as one.
pub async fn record_submission(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    if let Some(location) = replayed(&res) {
        return Ok(res.into_response(crate::web::reply::redirect(&location)));
    }
    let Some(Submission(key)) = res.request().extensions().get::<Submission>().copied() else {
        return Ok(res);
    };
    let status = res.status();
    let location = if status.is_redirection() {
        res.headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    } else if status.is_success() {
        let home = if session::user(res.request()).is_some() {
            "/account"
        } else {
            "/"
        };
        Some(format!("{home}?notice=already-submitted"))
    } else {
        None
    };
    // The session the browser is left with: a repeat may come from it when the first replaced the
    // session its key was claimed in (see `extract::form::may_replay`).
    let final_session = session::current(res.request()).map(|s| s.id);
    if let Some(state) = res.request().app_data::<web::Data<AppState>>() {
        let recorded = async {
            let mut conn = state.pool.get().await?;
            match &location {
                Some(to) => {
                    db::form_submissions::complete(&mut conn, key, to, final_session).await?
                }
                None => db::form_submissions::release(&mut conn, key).await?,
            }
            Ok::<_, AppError>(())
        };
        if let Err(e) = recorded.await {
            tracing::warn!(error = %e, "cannot record a form submission's outcome");
        }
    }
    Ok(res)
}

/// Where a repeated submission is sent, when this response answers one.
fn replayed(res: &ServiceResponse) -> Option<String> {
    match res.response().error()?.as_error::<AppError>()? {
        AppError::Repeat(location) => Some(location.clone()),
        _ => None,
    }
}
