//! The public register over HTTP: what approval publishes, found on the page, in the CSV and the
//! JSON, by the lookup and in the Atom feed; suspensions and revocations shown at once.

mod browser;
mod downloads;
pub mod fixture;
mod paging;
mod public;
mod status;
