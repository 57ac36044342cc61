//! One function per user action. Each takes a connection (or the pool, when it must commit a counter
//! before a slow check) and a small context, owns its transaction, writes its audit rows and queues its
//! mail in that transaction, and answers with a typed outcome the handler renders.

pub mod admin;
pub mod application;
pub mod identity;
pub mod institution;
pub mod register;
pub mod review;

/// What every service needs besides its connection: who acts, the settings (links, mail), the audit key.
pub struct Context<'a> {
    pub settings: &'a crate::config::Settings,
    pub audit_key: &'a crate::audit::AuditKey,
    pub actor: &'a crate::audit::Actor,
}
