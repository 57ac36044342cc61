//! Checking a code of the second factor: a TOTP code, accepted once, or a recovery code, used up.
//! Signing in, turning the factor off and re-authenticating before a change all check codes here.

use diesel_async::AsyncPgConnection;

use crate::audit::Action;
use crate::auth::secrets::{fingerprint, normalise_recovery_code};
use crate::auth::totp;
use crate::auth::totp_secrets::TotpSecrets;
use crate::db::{self, users::User};
use crate::error::AppResult;

/// Checks a TOTP code (accepted once) or a recovery code (used up); the audit action on success.
pub async fn check_second_factor(
    conn: &mut AsyncPgConnection,
    secrets: &TotpSecrets,
    user: &User,
    code: &str,
) -> AppResult<Option<Action>> {
    let Some(sealed) = user.totp_secret.as_deref().filter(|_| user.mfa_enabled()) else {
        return Ok(None);
    };
    // A secret that does not open (AUDIT_KEY changed, say) must not shut out recovery codes.
    let secret = secrets
        .open(user.id, sealed)
        .inspect_err(|e| tracing::error!(user = %user.id, error = %e, "cannot open a TOTP secret"))
        .ok();
    if let Some(step) = secret.and_then(|s| totp::matching_step(&s, code, totp::now())) {
        return Ok(db::users::accept_totp_step(conn, user.id, step)
            .await?
            .then_some(Action::SignInSucceeded));
    }
    let recovery = fingerprint(&normalise_recovery_code(code));
    Ok(db::users::use_recovery_code(conn, user.id, &recovery)
        .await?
        .then_some(Action::MfaRecoveryCodeUsed))
}
