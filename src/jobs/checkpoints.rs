//! The worker's audit checkpoints: one at start-up, then one a minute whenever the log's head moved;
//! each appended to the file and, when STORAGE is S3, copied to the bucket.

use std::time::Duration;

use super::Worker;
use crate::audit::checkpoint;

/// The head is looked at this often; a checkpoint is written only when it moved.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(60);

impl Worker {
    pub(super) async fn write_checkpoints(&self) {
        let mut ticks = tokio::time::interval(CHECKPOINT_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The head the last checkpoint saw; a failed write leaves it, so the next tick tries again.
        let mut written: Option<(i64, Vec<u8>)> = None;
        loop {
            ticks.tick().await;
            match self.checkpoint_if_moved(written.as_ref()).await {
                Ok(Some(head)) => written = Some(head),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "audit checkpoint not written, will retry"),
            }
        }
    }

    /// Writes a checkpoint when the head is not `written`; the head written, if one was.
    async fn checkpoint_if_moved(
        &self,
        written: Option<&(i64, Vec<u8>)>,
    ) -> anyhow::Result<Option<(i64, Vec<u8>)>> {
        let mut conn = self.pool.get().await?;
        let head = crate::db::audit_log::last(&mut conn).await?;
        if head.is_none() || head.as_ref() == written {
            return Ok(None);
        }
        let Some(checkpoint) =
            checkpoint::write(&mut conn, &self.checkpoint_key, &self.checkpoint_file).await?
        else {
            return Ok(None);
        };
        // A failed copy counts as a failed checkpoint: the next tick writes and copies it again.
        checkpoint::copy_to_storage(&self.storage, &checkpoint, &self.checkpoint_key).await?;
        Ok(Some((checkpoint.seq, checkpoint.hash)))
    }
}
