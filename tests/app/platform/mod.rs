//! What every area stands on: probes, mail delivery, the embedded cluster, the home page.

mod cluster;
mod health;
mod mail;
mod pages;
