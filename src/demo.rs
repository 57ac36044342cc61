//! `stablereg demo`: demo data so that a person trying the portal has something to work with.
//! It refuses to run in production and leaves a database that already holds data alone.

use anyhow::bail;

use crate::config::Settings;

pub async fn seed(settings: &Settings) -> anyhow::Result<()> {
    if settings.is_production() {
        bail!("refusing to load demo data with APP_ENV=production");
    }
    println!("demo: nothing to seed yet");
    Ok(())
}
