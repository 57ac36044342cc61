//! The `stablereg` command: serve the portal, migrate, seed demo data, manage the embedded cluster.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use stablereg::config::Settings;
use stablereg::embedded_pg::{Durability, EmbeddedPostgres};
use stablereg::startup::{Application, Signals, no_extra_routes};

#[derive(Parser)]
#[command(
    name = "stablereg",
    version,
    about = "Stablecoin issuer registration portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the portal until SIGINT or SIGTERM.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load demo data into an empty database (refused when APP_ENV=production).
    Demo,
    /// Manage the embedded PostgreSQL cluster used when DATABASE_URL is unset.
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
    /// Manage accounts from the command line (bootstrap the first admin).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Seed N applications in every state for `make bench` (after `demo`; never in production).
    #[command(hide = true)]
    BenchSeed {
        #[arg(long, default_value_t = 100_000)]
        applications: u32,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create a regulator account (admin, approver or reviewer); it enrols MFA at first sign-in.
    Create {
        #[arg(long)]
        role: String,
        #[arg(long)]
        email: String,
        /// The name shown in the portal (defaults to the email address).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Walk the whole hash chain and check it reaches the newest checkpoint; exit non-zero naming
    /// the first row that does not fit, rows missing at the end, and checkpoints that do not verify.
    Verify {
        /// The checkpoint file to check against (default: DATA_DIR/audit-checkpoints.log).
        #[arg(long, value_name = "FILE")]
        checkpoints: Option<std::path::PathBuf>,
    },
    /// Write a signed checkpoint of the log's newest row now (the server does it every minute).
    Checkpoint,
}

#[derive(Subcommand)]
enum DbAction {
    /// Start the cluster (creating it on first use) and leave it running.
    Start,
    /// Stop the cluster.
    Stop,
    /// Print the connection URL of the database the portal uses.
    Url,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("stablereg: {e}");
            return ExitCode::from(2);
        }
    };
    stablereg::telemetry::init(settings.log_format);
    match run(cli.command, settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stablereg: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command, mut settings: Settings) -> anyhow::Result<()> {
    if let Command::Db { action } = command {
        return manage_cluster(action, &settings);
    }
    // Every command uses the same database: DATABASE_URL, or else the embedded cluster, which is
    // started for the command when it is not already running and stopped again afterwards.
    let mut cluster = match &settings.database_url {
        Some(_) => None,
        None => {
            let mut cluster = EmbeddedPostgres::new(&settings.data_dir, Durability::Durable)?;
            cluster.ensure_running()?;
            settings.database_url = Some(cluster.database_url());
            Some(cluster)
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(async {
        if let Some(cluster) = &cluster {
            cluster.prepare_database().await?;
        }
        run_async(command, settings).await
    });
    if let Some(cluster) = cluster.as_mut()
        && let Err(e) = cluster.stop_if_started_here()
    {
        tracing::error!(error = %e, "cannot stop the embedded PostgreSQL cluster");
    }
    result
}

async fn run_async(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let bind = settings.bind;
            let base_url = settings.base_url.clone();
            let app = Application::build(settings, Signals::Handle, no_extra_routes).await?;
            tracing::info!(%bind, %base_url, "serving");
            app.run_until_stopped().await?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Migrate => {
            let url = settings.database_url.as_deref().context("no database")?;
            stablereg::db::migrate(url).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo => stablereg::demo::seed(&settings).await,
        Command::User {
            action:
                UserAction::Create {
                    role,
                    email,
                    name,
                    password_stdin: _,
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']);
            let name = name.unwrap_or_else(|| email.clone());
            stablereg::cli::create_user(&settings, &role, &email, &name, password).await?;
            println!("created {role} {email}; they enrol a second factor at first sign-in");
            Ok(())
        }
        Command::Audit {
            action: AuditAction::Verify { checkpoints },
        } => stablereg::cli::verify_audit(&settings, checkpoints.as_deref()).await,
        Command::Audit {
            action: AuditAction::Checkpoint,
        } => stablereg::cli::write_checkpoint(&settings).await,
        Command::BenchSeed { applications } => {
            stablereg::demo::bench_seed::seed(&settings, applications).await
        }
        Command::Db { .. } => unreachable!("handled before the runtime starts"),
    }
}

fn manage_cluster(action: DbAction, settings: &Settings) -> anyhow::Result<()> {
    if settings.database_url.is_some() {
        anyhow::bail!("DATABASE_URL is set, so the embedded cluster is not used");
    }
    let mut cluster = EmbeddedPostgres::new(&settings.data_dir, Durability::Durable)?;
    match action {
        DbAction::Start => {
            cluster.ensure_running()?;
            println!("{}", cluster.database_url());
        }
        DbAction::Stop => cluster.stop()?,
        DbAction::Url => println!("{}", cluster.database_url()),
    }
    Ok(())
}
