//! The background worker inside `stablereg serve`: delivers the outbox, sweeps away expired
//! sessions and old sign-in counters, and what uploads leave behind (`sweep`), and writes the audit log's checkpoints (copied to the bucket
//! when STORAGE is S3). Every instance runs one; the database shares the work, and each instance
//! keeps its own checkpoint file.

use std::path::PathBuf;
use std::time::Duration;

use diesel_async::AsyncConnection;
use lettre::message::Mailbox;

use crate::audit::checkpoint::CheckpointKey;
use crate::db::{self, Pool};
use crate::mail::{Transport, Undelivered};

mod checkpoints;
pub mod sweep;

/// How often the worker looks for due mail when the last look found none.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// Expired sessions are swept this often.
const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// Stored objects and temporary files are swept this often (a bucket is listed in pages of 1,000).
const FILE_SWEEP_EVERY: Duration = Duration::from_secs(15 * 60);

pub struct Worker {
    pub pool: Pool,
    pub transport: Transport,
    pub from: Mailbox,
    pub checkpoint_key: CheckpointKey,
    pub checkpoint_file: PathBuf,
    /// Where checkpoints are copied when it is a bucket.
    pub storage: crate::storage::Storage,
    /// Where uploads are received into temporary files.
    pub upload_dir: PathBuf,
    /// How old an unreferenced object or a temporary file must be to be swept.
    pub sweep_grace: Duration,
}

impl Worker {
    /// Checkpoints run beside the mail rather than after it, so a long queue of mail cannot hold
    /// them back past their minute.
    pub async fn run(self) {
        tokio::join!(self.deliver_and_sweep(), self.write_checkpoints());
    }

    async fn deliver_and_sweep(&self) {
        let mut last_sweep = std::time::Instant::now();
        let mut last_file_sweep = None::<std::time::Instant>;
        loop {
            match self.deliver_next().await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "mail delivery paused"),
            }
            if last_sweep.elapsed() >= SWEEP_EVERY {
                if let Err(e) = self.sweep().await {
                    tracing::warn!(error = %e, "sweep failed");
                }
                last_sweep = std::time::Instant::now();
                if last_file_sweep.is_none_or(|t| t.elapsed() >= FILE_SWEEP_EVERY) {
                    if let Err(e) = self.sweep_files().await {
                        tracing::warn!(error = %e, "sweep of stored files failed");
                    }
                    last_file_sweep = Some(last_sweep);
                }
            }
            tokio::time::sleep(IDLE_POLL).await;
        }
    }

    /// Delivers one due mail; `Ok(true)` if there was one (so there may be more).
    async fn deliver_next(&self) -> anyhow::Result<bool> {
        let mut conn = self.pool.get().await?;
        let (transport, from) = (&self.transport, &self.from);
        conn.transaction::<bool, anyhow::Error, _>(async |conn| {
                let Some(mail) = db::outbox::claim_due(conn).await? else {
                    return Ok(false);
                };
                match transport.deliver(from, &mail).await {
                    Ok(()) => {
                        db::outbox::mark_sent(conn, mail.id).await?;
                        tracing::info!(message_id = %mail.message_id, "mail delivered");
                    }
                    Err(Undelivered::Never(e)) => {
                        tracing::warn!(message_id = %mail.message_id, error = %e, "the recipient's server refused the mail for good, not retrying");
                        db::outbox::abandon(conn, mail.id, &e.to_string()).await?;
                    }
                    Err(Undelivered::Retry(e)) => {
                        let retry_in = backoff(mail.attempts);
                        tracing::warn!(message_id = %mail.message_id, error = %e, retry_in_s = retry_in.num_seconds(), "mail not delivered, will retry");
                        db::outbox::mark_failed(conn, mail.id, retry_in, &e.to_string()).await?;
                    }
                }
                Ok(true)
            })
        .await
    }

    async fn sweep(&self) -> anyhow::Result<()> {
        let mut conn = self.pool.get().await?;
        let idle = crate::web::session::IDLE_TIMEOUT_ISSUER;
        let absolute = crate::web::session::ABSOLUTE_TIMEOUT;
        db::sessions::sweep(&mut conn, idle, absolute).await?;
        db::client_attempts::sweep(&mut conn).await?;
        db::sign_in_failures::sweep(&mut conn).await?;
        db::form_submissions::sweep(&mut conn).await?;
        Ok(())
    }

    async fn sweep_files(&self) -> anyhow::Result<()> {
        let mut conn = self.pool.get().await?;
        let (storage, dir) = (&self.storage, &self.upload_dir);
        let swept = sweep::files(&mut conn, storage, dir, self.sweep_grace).await?;
        tracing::info!(
            objects = swept.objects.len(),
            files = swept.files.len(),
            "stored files swept"
        );
        Ok(())
    }
}

/// 1 s, 2 s, 4 s … up to 10 minutes between attempts.
pub fn backoff(attempts: i32) -> chrono::Duration {
    chrono::Duration::seconds(1i64 << attempts.clamp(0, 10)).min(chrono::Duration::minutes(10))
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(super::backoff(0).num_seconds(), 1);
        assert_eq!(super::backoff(3).num_seconds(), 8);
        assert_eq!(super::backoff(40).num_seconds(), 600);
    }
}
