//! Spawning the real server for a test: one PostgreSQL cluster for the whole run (the embedded cluster
//! code, or DATABASE_URL's server), one database per test cloned from a migrated template, the
//! server built by the same `Application::build` as `stablereg serve`, on a free port.
//!
//! In the embedded cluster the server connects as the portal's own role, which owns the test's
//! database but is no superuser, as `stablereg serve` does; tests that tamper as a superuser on
//! purpose ask for the superuser's connection by name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};
use stablereg::config::Settings;
use stablereg::embedded_pg::{Durability, EmbeddedPostgres, PORTAL_USER};
use stablereg::startup::{Application, ExtraRoutes, Signals, no_extra_routes};
use url::Url;

/// The server every test database lives on.
struct Cluster {
    /// A URL to any database of the server, as the role the portal uses; tests swap the database
    /// name in.
    base_url: Url,
    /// The same as a superuser, to create databases and to tamper on purpose.
    admin_base_url: Url,
    /// The portal's role that owns each test database: none on DATABASE_URL's server, whose role
    /// is used for everything, as before.
    portal_role: Option<&'static str>,
    template: String,
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    // Started on its own thread: the cluster start blocks, and the template is built with a runtime
    // of its own so nothing is tied to the runtime of whichever test came first.
    CLUSTER.get_or_init(|| {
        std::thread::spawn(start_cluster)
            .join()
            .expect("the test cluster starts")
    })
}

/// The folder of the embedded test cluster: under the system temp folder, which the `postgres`
/// user can reach even when the checkout is in a private home folder.
pub fn test_cluster_root() -> PathBuf {
    std::env::temp_dir().join("stablereg-test-cluster")
}

/// A folder for a cluster of one test's own. Dropping it stops any server running there and removes
/// the folder, whether the test passed or not, so a failed test leaves no PostgreSQL behind.
pub struct ScratchCluster(PathBuf);

impl ScratchCluster {
    pub fn new(name: &str) -> ScratchCluster {
        let root = test_cluster_root().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        ScratchCluster(root)
    }
}

impl std::ops::Deref for ScratchCluster {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchCluster {
    fn drop(&mut self) {
        if let Ok(pg) = EmbeddedPostgres::new(&self.0, Durability::Disposable) {
            let _ = pg.stop();
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether the tests run on DATABASE_URL's server rather than the embedded cluster.
pub fn on_external_server() -> bool {
    cluster().portal_role.is_none()
}

fn start_cluster() -> Cluster {
    let (base_url, admin_base_url, portal_role) =
        match std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            Some(url) => {
                let url = Url::parse(&url).expect("DATABASE_URL is a URL");
                (url.clone(), url, None)
            }
            None => {
                let mut pg = EmbeddedPostgres::new(&test_cluster_root(), Durability::Disposable)
                    .expect("PostgreSQL server binaries are installed");
                pg.ensure_running()
                    .expect("the embedded test cluster starts");
                let portal = Url::parse(&pg.database_url()).expect("a URL");
                let admin = Url::parse(&pg.admin_url_for("postgres")).expect("a URL");
                (portal, admin, Some(PORTAL_USER))
            }
        };
    let admin = Admin {
        base_url: &admin_base_url,
        portal_role,
    };
    let template = format!("tpl_{}", migrations_hash());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        sweep_leftovers(&admin_base_url).await;
        ensure_template(&admin, &template).await;
    });
    Cluster {
        base_url,
        admin_base_url,
        portal_role,
        template,
    }
}

/// How test databases are made: as whom, and for whom.
struct Admin<'a> {
    base_url: &'a Url,
    portal_role: Option<&'static str>,
}

impl Admin<'_> {
    /// ` OWNER <role>` for a new database, when the portal has a role of its own.
    fn owner_clause(&self) -> String {
        self.portal_role
            .map(|role| format!(" OWNER {role}"))
            .unwrap_or_default()
    }
}

fn with_database(base: &Url, name: &str) -> String {
    let mut url = base.clone();
    url.set_path(&format!("/{name}"));
    url.to_string()
}

async fn admin_connection(base: &Url) -> AsyncPgConnection {
    AsyncPgConnection::establish(&with_database(base, "postgres"))
        .await
        .expect("connects to the test cluster")
}

/// The template is named after the migrations it holds (and the role that owns it), so a changed
/// migration builds a new one.
fn migrations_hash() -> String {
    let mut files = Vec::new();
    collect(&manifest_dir().join("migrations"), &mut files);
    files.sort();
    let mut hasher = Sha256::new();
    hasher.update(PORTAL_USER.as_bytes());
    for f in files {
        hasher.update(f.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&f).expect("readable migration"));
    }
    hex::encode(&hasher.finalize()[..8])
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("migrations folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(&path, out)
        } else {
            out.push(path)
        }
    }
}

/// Builds the migrated template once for all test processes: an advisory lock makes concurrent runs
/// take turns, and the template is built under a temporary name so a crash leaves no half-made one.
async fn ensure_template(admin: &Admin<'_>, template: &str) {
    let base = admin.base_url;
    let mut conn = admin_connection(base).await;
    diesel::sql_query("SELECT pg_advisory_lock(727001)")
        .execute(&mut conn)
        .await
        .expect("lock");
    if !database_exists(&mut conn, template).await {
        let building = format!("{template}_building");
        exec(
            &mut conn,
            &format!("DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"),
        )
        .await;
        exec(
            &mut conn,
            &format!("CREATE DATABASE \"{building}\"{}", admin.owner_clause()),
        )
        .await;
        let building_url = with_database(base, &building);
        stablereg::db::migrate(&building_url)
            .await
            .expect("migrations apply");
        if let Some(role) = admin.portal_role {
            stablereg::db::roles::hand_to_portal(&building_url, role)
                .await
                .expect("the template is handed to the portal's role");
        }
        exec(
            &mut conn,
            &format!("ALTER DATABASE \"{building}\" RENAME TO \"{template}\""),
        )
        .await;
    }
    diesel::sql_query("SELECT pg_advisory_unlock(727001)")
        .execute(&mut conn)
        .await
        .expect("unlock");
}

#[derive(diesel::QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    datname: String,
}

async fn database_exists(conn: &mut AsyncPgConnection, name: &str) -> bool {
    let found: Vec<Name> = diesel::sql_query("SELECT datname FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(name)
        .load(conn)
        .await
        .expect("query");
    !found.is_empty()
}

async fn exec(conn: &mut AsyncPgConnection, sql: &str) {
    diesel::sql_query(sql)
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Test databases are named `t_<pid>_<n>`: those of processes that no longer run are leftovers of
/// an interrupted run and are dropped.
async fn sweep_leftovers(base: &Url) {
    let mut conn = admin_connection(base).await;
    let names: Vec<Name> =
        diesel::sql_query("SELECT datname FROM pg_database WHERE datname LIKE 't\\_%'")
            .load(&mut conn)
            .await
            .expect("list databases");
    for Name { datname } in names {
        let pid = datname.split('_').nth(1).unwrap_or("");
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{datname}\" WITH (FORCE)"
            ))
            .execute(&mut conn)
            .await;
        }
    }
}

/// A database of a test's own, dropped when the test ends.
pub struct TestDatabase {
    pub name: String,
    /// As the role the portal uses.
    pub url: String,
    /// As a superuser, for tests that tamper on purpose.
    pub superuser_url: String,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let cluster = cluster();
        let name = format!(
            "t_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut conn = admin_connection(&cluster.admin_base_url).await;
        let admin = Admin {
            base_url: &cluster.admin_base_url,
            portal_role: cluster.portal_role,
        };
        exec(
            &mut conn,
            &format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{}\"{}",
                cluster.template,
                admin.owner_clause()
            ),
        )
        .await;
        TestDatabase {
            url: with_database(&cluster.base_url, &name),
            superuser_url: with_database(&cluster.admin_base_url, &name),
            name,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        let base = cluster().admin_base_url.clone();
        // Drop runs inside the test's runtime, which must not be blocked on: use a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut conn = AsyncPgConnection::establish(&with_database(&base, "postgres"))
                    .await
                    .ok()?;
                diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .ok()
            })
        })
        .join();
    }
}

/// A loopback port for a server a test starts itself (moto, an SMTP sink, a second portal,
/// Chromium), free when returned and no other call's in this process.
///
/// Taken below the kernel's ephemeral range, where `bind(0)` and outgoing connections take theirs:
/// a port from that range, released for the server to bind, could be handed meanwhile to a test
/// portal binding port 0 (moto takes a second to start, and a test once found a portal answering
/// where moto should have). Below it, nothing but these calls takes a port.
pub fn free_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    const FIRST: u32 = 20_000;
    let range =
        std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").unwrap_or_default();
    let ephemeral_from = range
        .split_whitespace()
        .next()
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(32_768);
    assert!(
        ephemeral_from > FIRST + 1_000,
        "the ephemeral ports start at {ephemeral_from}"
    );
    let span = ephemeral_from - FIRST;
    // Another test process on the machine starts elsewhere in the range.
    let start = std::process::id() % span;
    for _ in 0..span {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = u16::try_from(FIRST + (start + n) % span).expect("a port");
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port between {FIRST} and {ephemeral_from}");
}

/// A running portal for one test.
pub struct TestApp {
    pub address: String,
    /// The app's DATA_DIR, kept as long as the app.
    pub data_dir: tempfile::TempDir,
    /// The test's own database, dropped with the app; `None` when the test brought its own.
    _db: Option<TestDatabase>,
    /// The URL the server connects with.
    pub database_url: String,
    /// The same database as a superuser (the same URL when the test brought its own database).
    pub superuser_url: String,
    pub settings: Settings,
    /// A client that keeps cookies and does not follow redirects, like a careful browser.
    pub client: reqwest::Client,
    server: actix_web::dev::ServerHandle,
}

/// The settings a test app runs with; a test may change them before spawning.
pub struct TestConfig {
    pub env: HashMap<&'static str, String>,
    pub extra_routes: ExtraRoutes,
}

impl Default for TestConfig {
    fn default() -> Self {
        let env = HashMap::from([
            ("BIND", "127.0.0.1:0".to_string()),
            (
                "STATIC_DIR",
                manifest_dir().join("static").to_string_lossy().into_owned(),
            ),
            ("WORKERS", "1".to_string()),
            ("DATABASE_POOL_SIZE", "4".to_string()),
            (
                "AUDIT_KEY",
                "test-audit-key-not-secret-but-32-chars".to_string(),
            ),
            // The tests read mail through the demo mailbox without loading demo data first.
            ("DEMO_MAILBOX", "true".to_string()),
        ]);
        TestConfig {
            env,
            extra_routes: no_extra_routes,
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestConfig::default()).await
}

pub async fn spawn_app_with(config: TestConfig) -> TestApp {
    let db = match config.env.contains_key("DATABASE_URL") {
        true => None,
        false => Some(TestDatabase::create().await),
    };
    let data_dir = tempfile::tempdir().expect("a temp dir");
    let mut env = config.env;
    env.insert("DATA_DIR", data_dir.path().to_string_lossy().into_owned());
    if let Some(db) = &db {
        env.insert("DATABASE_URL", db.url.clone());
    }
    let settings = Settings::from_lookup(|k| env.get(k).cloned()).expect("valid test settings");
    stablereg::telemetry::init(settings.log_format);
    let database_url = settings.database_url.clone().expect("a database");
    let superuser_url = db
        .as_ref()
        .map_or_else(|| database_url.clone(), |db| db.superuser_url.clone());
    let app = Application::build(settings, Signals::Ignore, config.extra_routes)
        .await
        .expect("the app builds");
    let port = app.port();
    let server = app.handle();
    let settings = app.state.settings.clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        data_dir,
        _db: db,
        database_url,
        superuser_url,
        settings,
        client,
        server,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the request is answered")
    }

    /// GET with headers, returning status and body.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.expect("the request is answered")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; nothing needs to wait for it.
        drop(self.server.stop(false));
    }
}
