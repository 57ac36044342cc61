//! The admin area: regulator accounts (invite, change role, deactivate and reactivate, reset MFA,
//! unlock), institutions and their state, and the audit log. The last active admin can never be
//! removed or demoted, and an admin cannot deactivate themself.

pub mod audit;
pub mod audit_csv;
mod audit_entry;
pub mod calendar;
pub mod institutions;
pub mod settings;
pub mod users;
