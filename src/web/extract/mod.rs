//! What a handler asks of a request besides its path: who is asking (one extractor per access
//! level), in which language, who the audit log records as acting, the page context, and the posted
//! form.

pub mod actor;
pub mod context;
pub mod form;
pub mod lang;
pub mod small_file;
pub mod upload;
pub mod user;

pub use actor::{Actor, acting_as};
pub use context::PageContext;
pub use form::Form;
pub use user::{
    Admin, Consultee, IssuerAdmin, IssuerMember, Registrar, Regulator, SignedIn, Staff,
};
