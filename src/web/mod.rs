//! The HTTP side: one module per area of the portal, the shared extractors and middleware, and the
//! route table that wires them together.

use actix_web::web;

pub mod assets;
pub mod context;
pub mod error_pages;
pub mod health;
pub mod home;
pub mod lang;
pub mod security_headers;

pub use context::PageContext;

/// What every handler may reach: settings, the database pool and the asset version.
pub struct AppState {
    pub settings: crate::config::Settings,
    pub pool: crate::db::Pool,
    pub assets: assets::AssetVersion,
}

/// Every route of the portal. Static files are mounted separately in `startup` because they carry
/// their own caching rules.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::show))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz));
}
