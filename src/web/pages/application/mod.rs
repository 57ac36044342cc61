//! The registration application as its institution's members fill it in.

pub mod attestation;
