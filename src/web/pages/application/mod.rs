//! The registration application as its institution's members work on it.

pub mod documents;
