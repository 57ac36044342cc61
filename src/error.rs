//! The one error policy: a handler's failure becomes a status code here, and the error-page middleware
//! (`web::middleware::error_pages`) turns that status into a page in the user's language. Internal causes are
//! logged with the request id and never shown.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("bad request")]
    BadRequest,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The object changed under the user (a stale version or a state that no longer allows it).
    #[error("conflict")]
    Conflict,
    #[error("too many requests")]
    TooManyRequests,
    /// A form sent again after its first submission finished: go where the first went.
    #[error("repeated submission")]
    Repeat(String),
    /// The database (or another dependency) cannot be reached; the user should try again shortly.
    #[error("service unavailable: {0:#}")]
    Unavailable(anyhow::Error),
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict => StatusCode::CONFLICT,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Repeat(_) => StatusCode::SEE_OTHER,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// An empty body: the error-page middleware renders the page, because only it can see the request
    /// (its language and id).
    fn error_response(&self) -> HttpResponse {
        if let AppError::Repeat(location) = self {
            return HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, location.clone()))
                .finish();
        }
        match self {
            AppError::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            AppError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "dependency unavailable")
            }
            _ => {}
        }
        HttpResponse::new(self.status_code())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            e if database_unavailable(&e) => AppError::Unavailable(e.into()),
            other => AppError::Internal(other.into()),
        }
    }
}

/// Whether a database error means the database cannot be used right now (it went away, is shutting
/// down or starting up) rather than that something is wrong with the request: an outage is a 503
/// for the user, never a 500.
fn database_unavailable(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        // PostgreSQL's own words for SQLSTATE class 57 (operator intervention): an admin shutdown,
        // a crash shutdown, or a server not yet accepting connections.
        Error::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            let message = info.message();
            message.starts_with("terminating connection")
                || message.contains("database system is shutting down")
                || message.contains("database system is starting up")
                || message.contains("database system is in recovery mode")
        }
        _ => false,
    }
}

impl From<crate::db::PoolError> for AppError {
    fn from(e: crate::db::PoolError) -> Self {
        AppError::Unavailable(e.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        match e.downcast_ref::<diesel::result::Error>() {
            Some(db) if database_unavailable(db) => AppError::Unavailable(e),
            _ => AppError::Internal(e),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
