//! stablereg: the portal where Korean institutions apply to be registered as stablecoin issuers,
//! prove their reserves and keep reporting, and where regulators review and supervise them.

pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod embedded_pg;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod services;
pub mod startup;
pub mod storage;
pub mod telemetry;
pub mod web;
