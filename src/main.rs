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
    let result = runtime.block_on(run_async(command, settings));
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
