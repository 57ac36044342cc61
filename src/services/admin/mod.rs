//! The admin area's actions: regulator accounts, institutions' state, and the audit log's pages.

pub mod accounts;
pub mod audit;
pub mod calendar;
pub mod institutions;
pub mod settings;
