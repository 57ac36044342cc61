//! What every area stands on: probes, mail delivery, the embedded cluster, the home page.

mod cluster;
mod demo_mailbox;
mod health;
mod mail;
mod pages;
mod storage;
