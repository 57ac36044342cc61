//! Building the server: shared by `stablereg serve` and the tests, so the tests run the real thing.

use std::net::TcpListener;

use actix_web::dev::{HttpServiceFactory, Server};
use actix_web::middleware::{Compress, ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use tracing_actix_web::TracingLogger;

use lettre::message::Mailbox;

use crate::audit::AuditKey;
use crate::audit::checkpoint::{self, CheckpointKey};
use crate::auth::totp_secrets::TotpSecrets;
use crate::config::Settings;
use crate::error::AppError;
use crate::jobs::Worker;
use crate::mail::Transport;
use crate::web::middleware::{
    cross_site, error_pages, lang, nul, security_headers, session, submissions,
};
use crate::web::{self as routes, AppState, assets};

/// Extra routes a caller mounts beside the portal's own (the tests add a route that fails on purpose).
pub type ExtraRoutes = fn(&mut web::ServiceConfig);

pub struct Application {
    port: u16,
    server: Server,
    pub state: web::Data<AppState>,
    /// The background worker (mail delivery, sweeping), stopped with the server.
    worker: tokio::task::JoinHandle<()>,
}

/// Whether the server reacts to SIGINT/SIGTERM itself (the `serve` command) or is stopped by its
/// owner (the tests, which run many servers in one process).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signals {
    Handle,
    Ignore,
}

impl Application {
    /// Migrates the database, binds the listener and builds the server; `run_until_stopped` serves.
    pub async fn build(
        settings: Settings,
        signals: Signals,
        extra: ExtraRoutes,
    ) -> anyhow::Result<Self> {
        let database_url = settings
            .database_url
            .clone()
            .context("no database URL: start the embedded cluster or set DATABASE_URL")?;
        crate::db::migrate(&database_url).await?;
        let pool = crate::db::pool(&database_url, settings.database_pool_size)?;
        let static_files = assets::StaticFiles::load(&settings.static_dir).with_context(|| {
            format!(
                "cannot read the static files in {} (run `npm ci` first, or set STATIC_DIR)",
                settings.static_dir.display()
            )
        })?;
        let assets = static_files.version().clone();
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let mut settings = settings;
        // Bound to port 0 (tests): links in mail and the origin check must name the real port.
        if settings.base_url.port() == Some(0) {
            let _ = settings.base_url.set_port(Some(port));
        }
        let workers = settings.workers;
        let audit_key = AuditKey::from_settings(&settings)?;
        let totp_secrets = TotpSecrets::new(&audit_key);
        totp_secrets
            .seal_clear_secrets(&mut *pool.get().await?)
            .await?;
        let transport = Transport::from_settings(&settings)?;
        let storage = crate::storage::Storage::from_settings(&settings)?;
        tracing::info!(storage = %storage.describe(), "files are stored here");
        let demo_data_loaded = crate::demo::loaded(&mut *pool.get().await?).await?;
        let from: Mailbox = settings
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("setting MAIL_FROM: {e}"))?;
        let worker = Worker {
            pool: pool.clone(),
            transport: transport.clone(),
            from,
            checkpoint_key: CheckpointKey::new(&audit_key),
            checkpoint_file: checkpoint::default_path(&settings),
            storage: storage.clone(),
            upload_dir: settings.upload_dir(),
            sweep_grace: settings.sweep_grace,
        };
        let worker = tokio::spawn(worker.run());
        let state = web::Data::new(AppState {
            settings,
            pool,
            assets,
            audit_key,
            totp_secrets,
            transport,
            demo_data_loaded,
            storage,
            register_downloads: Default::default(),
        });
        let app_state = state.clone();
        let worker_pool_size = app_state
            .settings
            .database_pool_size
            .div_ceil(workers)
            .max(2);
        let mut server = HttpServer::new(move || {
            let settings = &app_state.settings;
            // Each worker thread has a pool of its own, whose connections it makes and so runs:
            // a query then never crosses to another thread and back (two wake-ups of another
            // thread per query, with the shared pool). Building a pool connects nothing.
            let worker_state = match crate::db::pool(&database_url, worker_pool_size) {
                Ok(pool) => web::Data::new(AppState {
                    pool,
                    ..(**app_state).clone()
                }),
                Err(_) => app_state.clone(),
            };
            // A JSON API (`/api/v1`, with its own errors and token authentication) is registered
            // here, before the pages, whose scope takes every other path.
            App::new()
                .app_data(worker_state)
                .service(pages(extra, static_files.clone()))
                .wrap(security_headers::headers(settings))
                .wrap(Compress::default())
                .wrap(from_fn(assets::keep_compression_to_ourselves))
                .wrap(TracingLogger::default())
        })
        // Every response goes out as soon as it is written. With Nagle's algorithm on, a response
        // written in two pieces (headers, then a body that a middleware or a stream produces) kept
        // its second piece back until the client acknowledged the first, which a client on a
        // kept-alive connection delays by 40 ms: every compressed page and asset paid that.
        .tcp_nodelay(true)
        .listen(listener)?
        .workers(workers)
        .shutdown_timeout(10);
        if signals == Signals::Ignore {
            server = server.disable_signals();
        }
        Ok(Application {
            port,
            server: server.run(),
            state,
            worker,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle that stops the server gracefully; the tests stop their servers with it.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until the server is stopped (a signal, or its handle), finishing requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.worker.abort();
        result
    }
}

/// The pages, their static files and health checks, and every unknown path: what browsers reach.
/// Only here do sessions, the language cookie, the form checks (NUL, cross-site posts, repeated
/// submissions) and the HTML error pages apply.
fn pages(
    extra: ExtraRoutes,
    static_files: std::sync::Arc<assets::StaticFiles>,
) -> impl HttpServiceFactory + 'static {
    // The static files first: the router tries each route's pattern in turn, and a stylesheet or
    // a script that came after a hundred of them spent a quarter of its time on their regexes.
    web::scope("")
        .service(assets::service(static_files))
        .configure(routes::routes)
        .configure(extra)
        .default_service(web::to(not_found))
        .wrap(from_fn(submissions::record_submission))
        .wrap(from_fn(cross_site::refuse_cross_site))
        .wrap(from_fn(nul::refuse_nul_in_query))
        .wrap(from_fn(session::load))
        .wrap(from_fn(lang::remember_choice))
        .wrap(ErrorHandlers::new().default_handler(error_pages::render))
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// No extra routes.
pub fn no_extra_routes(_: &mut web::ServiceConfig) {}
