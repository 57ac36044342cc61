//! The registration application as its institution's members work on it.

mod documents;
