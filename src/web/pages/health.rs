//! Probes for load balancers and orchestrators: `/healthz` says the process answers, `/readyz` says
//! it can also reach the database.

use std::time::Duration;

use actix_web::{HttpResponse, web};

use crate::error::{AppError, AppResult};
use crate::web::AppState;

/// A ready probe must answer within 2 s even when the database hangs rather than refuses.
const READY_DEADLINE: Duration = Duration::from_millis(1500);

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok")
}

pub async fn readyz(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    match tokio::time::timeout(READY_DEADLINE, crate::db::ping(&state.pool)).await {
        Ok(Ok(())) => Ok(HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ready")),
        Ok(Err(e)) => Err(AppError::Unavailable(e)),
        Err(_) => Err(AppError::Unavailable(anyhow::anyhow!(
            "database ping timed out"
        ))),
    }
}
