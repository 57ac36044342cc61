//! The private PostgreSQL cluster used when no DATABASE_URL is given: found, created, started,
//! reused and stopped here, so that a laptop needs nothing but the server binaries.
//!
//! The cluster listens only on a Unix socket inside the data directory and trusts local connections:
//! the socket directory is private to the user that runs it, so nobody else can connect.
//!
//! Two roles: a superuser that only administers (creates the portal's role and database, migrates,
//! keeps the audit log), and the portal's own role, which owns the portal's database but is no
//! superuser, so the portal cannot switch off the audit log's trigger (SECURITY.md "audit").

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, bail};

/// The cluster's superuser, for administration only (named so since the first clusters, whose
/// bootstrap superuser cannot be renamed away).
const ADMIN_USER: &str = "stablereg";
/// The role the portal connects as: it owns the portal's database, and nothing more.
pub const PORTAL_USER: &str = "stablereg_portal";
pub const DB_NAME: &str = "stablereg";
/// The port only names the socket file; nothing listens on TCP.
const PORT: u16 = 5432;

/// How much durability the cluster trades for speed: tests throw their data away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Durable,
    Disposable,
}

#[derive(Debug)]
pub struct EmbeddedPostgres {
    bindir: PathBuf,
    root: PathBuf,
    durability: Durability,
    /// PostgreSQL refuses to run as root, so a root process runs it as the `postgres` user.
    as_postgres_user: bool,
    started_here: bool,
}

impl EmbeddedPostgres {
    /// Prepares to run a cluster under `root` (the cluster in `root/postgres`, its socket in
    /// `root/run`), finding the installed server binaries first.
    pub fn new(root: &Path, durability: Durability) -> anyhow::Result<Self> {
        Ok(EmbeddedPostgres {
            bindir: find_bindir()?,
            root: root.to_path_buf(),
            durability,
            as_postgres_user: nix::unistd::geteuid().is_root(),
            started_here: false,
        })
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.join("postgres")
    }

    pub fn socket_dir(&self) -> PathBuf {
        self.root.join("run")
    }

    /// The connection URL for `database` in this cluster, as the portal's role.
    pub fn url_for(&self, database: &str) -> String {
        self.url_as(PORTAL_USER, database)
    }

    /// The connection URL for `database` as the superuser: for administration, never for the portal.
    pub fn admin_url_for(&self, database: &str) -> String {
        self.url_as(ADMIN_USER, database)
    }

    fn url_as(&self, user: &str, database: &str) -> String {
        let host: String =
            url::form_urlencoded::byte_serialize(self.socket_dir().to_string_lossy().as_bytes())
                .collect();
        format!("postgres://{user}@localhost:{PORT}/{database}?host={host}")
    }

    /// The URL the portal uses.
    pub fn database_url(&self) -> String {
        self.url_for(DB_NAME)
    }

    /// Brings the portal's database up to date as the superuser: applies the migrations, then hands
    /// every object to the portal's role except the audit log, which the superuser keeps (the
    /// portal may only read it and append to it). Runs on every start, so a cluster made before
    /// the portal had a role of its own is upgraded too.
    pub async fn prepare_database(&self) -> anyhow::Result<()> {
        let admin_url = self.admin_url_for(DB_NAME);
        crate::db::migrate(&admin_url).await?;
        crate::db::roles::hand_to_portal(&admin_url, PORTAL_USER).await
    }

    /// Whether this process started the server (and so should stop it when it is done).
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// Creates the cluster on first use and starts it unless it already runs. Several processes may
    /// call this at once; a lock file makes them take turns.
    pub fn ensure_running(&mut self) -> anyhow::Result<()> {
        fs::create_dir_all(&self.root)
            .with_context(|| format!("cannot create {}", self.root.display()))?;
        let lock = File::create(self.root.join("postgres.lock"))?;
        lock.lock().context("cannot lock the embedded cluster")?;
        let result = self.ensure_running_locked();
        let _ = lock.unlock();
        result
    }

    fn ensure_running_locked(&mut self) -> anyhow::Result<()> {
        if !self.data_dir().join("PG_VERSION").exists() {
            self.init()?;
        }
        if !self.is_ready() {
            self.remove_stale_pid_file()?;
            self.start()?;
            self.started_here = true;
        }
        self.create_portal_role()?;
        self.create_database()
    }

    /// Stops the server if this process started it; a server someone else started keeps running.
    pub fn stop_if_started_here(&mut self) -> anyhow::Result<()> {
        if self.started_here {
            self.stop()?;
            self.started_here = false;
        }
        Ok(())
    }

    pub fn stop(&self) -> anyhow::Result<()> {
        if !self.data_dir().join("postmaster.pid").exists() {
            return Ok(());
        }
        let out = self.run_tool(
            "pg_ctl",
            &[
                "stop",
                "-D",
                &path_arg(&self.data_dir()),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
            ],
        )?;
        ensure_success("pg_ctl stop", &out)
    }

    pub fn is_ready(&self) -> bool {
        let socket = path_arg(&self.socket_dir());
        let port = PORT.to_string();
        self.run_tool("pg_isready", &["-q", "-h", &socket, "-p", &port])
            .is_ok_and(|out| out.status.success())
    }

    fn init(&self) -> anyhow::Result<()> {
        let data_dir = self.data_dir();
        self.make_private_dir(&data_dir)?;
        self.make_private_dir(&self.socket_dir())?;
        let out = self.run_tool(
            "initdb",
            &[
                "-D",
                &path_arg(&data_dir),
                "-U",
                ADMIN_USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-instructions",
            ],
        )?;
        ensure_success("initdb", &out)?;
        let mut conf = format!(
            "\n# written by stablereg\nlisten_addresses = ''\nunix_socket_directories = '{}'\nport = {PORT}\nmax_connections = 300\ntimezone = 'UTC'\n",
            self.socket_dir().display()
        );
        if self.durability == Durability::Disposable {
            conf.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let conf_path = data_dir.join("postgresql.conf");
        let mut existing = fs::read_to_string(&conf_path)?;
        existing.push_str(&conf);
        fs::write(&conf_path, existing)?;
        Ok(())
    }

    fn start(&self) -> anyhow::Result<()> {
        // The socket directory may be gone (a cleaned tmp), and must belong to the server's user.
        self.make_private_dir(&self.socket_dir())?;
        let log = self.root.join("postgres.log");
        if self.as_postgres_user && !log.exists() {
            File::create(&log)?;
            chown_to_postgres(&log)?;
        }
        let out = self.run_tool(
            "pg_ctl",
            &[
                "start",
                "-D",
                &path_arg(&self.data_dir()),
                "-l",
                &path_arg(&log),
                "-w",
                "-t",
                "60",
            ],
        )?;
        ensure_success("pg_ctl start", &out)
            .with_context(|| format!("see {} for the server's own words", log.display()))
    }

    /// A `postmaster.pid` left by a crash names a process id that may since belong to another program
    /// (containers reuse small ids); PostgreSQL would then refuse to start, so such a file is removed.
    fn remove_stale_pid_file(&self) -> anyhow::Result<()> {
        let pid_file = self.data_dir().join("postmaster.pid");
        let Ok(contents) = fs::read_to_string(&pid_file) else {
            return Ok(());
        };
        let pid = contents.lines().next().unwrap_or("").trim();
        let comm = fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() != "postgres" {
            tracing::warn!(
                pid,
                "removing a stale postmaster.pid left by an earlier run"
            );
            fs::remove_file(&pid_file)?;
            let socket_lock = self.socket_dir().join(format!(".s.PGSQL.{PORT}.lock"));
            let _ = fs::remove_file(socket_lock);
        }
        Ok(())
    }

    /// The portal's role, created when missing (a cluster made before it existed gets it here).
    fn create_portal_role(&self) -> anyhow::Result<()> {
        let exists = self.admin_query(&format!(
            "SELECT 1 FROM pg_roles WHERE rolname = '{PORTAL_USER}'"
        ))?;
        if exists == "1" {
            return Ok(());
        }
        self.admin_query(&format!(
            "CREATE ROLE {PORTAL_USER} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"
        ))
        .map(drop)
    }

    /// The portal's database, owned by the portal's role (handed to it when an older cluster made
    /// it as the superuser's).
    fn create_database(&self) -> anyhow::Result<()> {
        let exists = self.admin_query(&format!(
            "SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"
        ))?;
        let sql = match exists.as_str() {
            "1" => format!("ALTER DATABASE {DB_NAME} OWNER TO {PORTAL_USER}"),
            _ => format!("CREATE DATABASE {DB_NAME} OWNER {PORTAL_USER}"),
        };
        self.admin_query(&sql).map(drop)
    }

    /// Runs one statement as the superuser in the `postgres` database; returns what it printed.
    fn admin_query(&self, sql: &str) -> anyhow::Result<String> {
        let socket = path_arg(&self.socket_dir());
        let port = PORT.to_string();
        let out = self.run_tool(
            "psql",
            &[
                "-h", &socket, "-p", &port, "-U", ADMIN_USER, "-d", "postgres", "-tAc", sql,
            ],
        )?;
        ensure_success("psql", &out)?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    fn make_private_dir(&self, dir: &Path) -> anyhow::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        if self.as_postgres_user {
            chown_to_postgres(dir)?;
            let reachable = Command::new("runuser")
                .args(["-u", "postgres", "--", "test", "-w"])
                .arg(dir)
                .status()
                .is_ok_and(|s| s.success());
            if !reachable {
                bail!(
                    "the postgres system user cannot reach {}: choose a DATA_DIR outside private \
                     home directories (for example /var/lib/stablereg) or set DATABASE_URL",
                    dir.display()
                );
            }
        }
        Ok(())
    }

    fn run_tool(&self, tool: &str, args: &[&str]) -> anyhow::Result<Output> {
        let program = self.bindir.join(tool);
        let mut command = if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        command
            .args(args)
            .env_remove("PGDATABASE")
            .env_remove("PGHOST")
            .current_dir("/")
            .output()
            .with_context(|| format!("cannot run {}", program.display()))
    }
}

fn chown_to_postgres(path: &Path) -> anyhow::Result<()> {
    let user = nix::unistd::User::from_name("postgres")?.context(
        "running as root needs the 'postgres' system user, which the postgresql package creates",
    )?;
    nix::unistd::chown(path, Some(user.uid), Some(user.gid))
        .with_context(|| format!("cannot hand {} to the postgres user", path.display()))
}

fn path_arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn ensure_success(what: &str, out: &Output) -> anyhow::Result<()> {
    if out.status.success() {
        return Ok(());
    }
    bail!(
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stderr).trim(),
        String::from_utf8_lossy(&out.stdout).trim()
    )
}

/// The server binaries: `pg_config --bindir` when it names a directory with `postgres` in it, else
/// the newest `/usr/lib/postgresql/*/bin`.
pub fn find_bindir() -> anyhow::Result<PathBuf> {
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if let Some(dir) =
        from_pg_config.filter(|d| d.join("postgres").exists() && d.join("initdb").exists())
    {
        return Ok(dir);
    }
    let newest = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").exists().then_some((version, bin))
        })
        .max_by_key(|(version, _)| *version);
    match newest {
        Some((_, bin)) => Ok(bin),
        None => bail!(
            "no PostgreSQL server binaries found: install them with `apt-get install postgresql` \
             (or set DATABASE_URL to an existing database)"
        ),
    }
}
