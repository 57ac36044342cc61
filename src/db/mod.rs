//! The database: the connection pool, the embedded migrations, and one module per aggregate of
//! async query functions. Nothing above this module writes SQL.

use std::time::Duration;

use anyhow::Context;
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub mod applications;
pub mod audit_log;
pub mod case_file;
pub mod client_attempts;
pub mod consultations;
pub mod decisions;
pub mod demo;
pub mod documents;
pub mod enums;
pub mod form_submissions;
pub mod holidays;
pub mod information_requests;
pub mod institutions;
pub mod invitations;
pub mod outbox;
pub mod paging;
pub mod pending_posts;
pub mod queue;
pub mod reference_counters;
pub mod register;
pub mod review;
pub mod roles;
pub mod rule_settings;
pub mod schema;
pub mod section_versions;
pub mod sessions;
pub mod sign_in_failures;
pub mod submissions;
pub mod tokens;
pub mod users;

pub type Pool = diesel_async::pooled_connection::deadpool::Pool<AsyncPgConnection>;
pub type PoolError = diesel_async::pooled_connection::deadpool::PoolError;
pub type Connection = diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// How long a request waits for a connection, or for a new one to be made, before it gets a 503:
/// together well under the 2 s in which a page must answer when the database is gone.
const CHECKOUT_TIMEOUT: Duration = Duration::from_millis(800);

/// A pool whose waits are bounded, so that a lost database gives quick 503s instead of hangs, and
/// that recovers as soon as the database is back.
///
/// A connection is not tested with a query at each checkout (diesel-async's default, which doubled
/// the round trips of a short request): the pool drops a connection that is broken instead, one
/// whose socket has closed (the server went away or restarted, which ends the connection's
/// background task at once) or whose transaction failed half-way. A query on a connection that
/// died in between fails with a closed-connection error, which `AppError` answers as a 503, and
/// the connection is dropped when it comes back to the pool.
pub fn pool(database_url: &str, size: usize) -> anyhow::Result<Pool> {
    use diesel_async::pooled_connection::{ManagerConfig, RecyclingMethod};
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager =
        AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(database_url, config);
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(CHECKOUT_TIMEOUT))
        .create_timeout(Some(CHECKOUT_TIMEOUT))
        .recycle_timeout(Some(CHECKOUT_TIMEOUT))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .context("cannot build the database pool")
}

/// Applies every pending migration. Diesel's migration harness is synchronous, so it runs on the
/// blocking pool through the async connection wrapper.
pub async fn migrate(database_url: &str) -> anyhow::Result<()> {
    use diesel::Connection as _;
    use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)
            .context("cannot connect to the database to migrate it")?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
        for version in applied {
            tracing::info!(%version, "applied migration");
        }
        Ok(())
    })
    .await
    .context("the migration task stopped")?
}

/// The unique constraint (or index) that `error` violated, if it is such an error: a race the
/// application's own checks could not see, which the database settled.
pub fn violated_unique(error: &anyhow::Error) -> Option<String> {
    use diesel::result::{DatabaseErrorKind, Error};
    match error.downcast_ref::<Error>() {
        Some(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info)) => {
            Some(info.constraint_name().unwrap_or_default().to_owned())
        }
        _ => None,
    }
}

pub fn is_unique_violation(error: &anyhow::Error) -> bool {
    violated_unique(error).is_some()
}

/// Answers whether the database serves queries right now: one `SELECT 1` in the simple query
/// protocol, a single round trip (an unprepared statement in the extended protocol takes two: one
/// to prepare it, one to run it).
pub async fn ping(pool: &Pool) -> anyhow::Result<()> {
    use diesel_async::SimpleAsyncConnection;
    let mut conn = pool.get().await?;
    conn.batch_execute("SELECT 1").await?;
    Ok(())
}

/// `s` with the wildcards of LIKE escaped, to search for it as typed.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
