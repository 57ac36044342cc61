//! What a handler asks of a request besides its path: the page context and the posted form.

pub mod context;
pub mod form;

pub use context::PageContext;
pub use form::Form;
