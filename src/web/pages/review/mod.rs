//! The regulator's review pages.

pub mod consultation;
pub mod decisions;
pub mod letter;
