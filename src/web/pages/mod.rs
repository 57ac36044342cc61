//! The pages, one folder per area of the portal. Each handler extracts, calls one service, renders.

pub mod admin;
pub mod application;
pub mod demo_mail;
pub mod health;
pub mod home;
pub mod identity;
pub mod institution;
pub mod review;
