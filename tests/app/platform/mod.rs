//! What every area stands on: probes, mail delivery, the embedded cluster, the home page.

mod assets;
mod cluster;
mod demo_data;
mod demo_mailbox;
mod health;
mod mail;
mod pages;
mod storage;
