//! The issuer's registration application over HTTP: starting one, the task list, each section's
//! form with its checks, versions and colleagues, nothing lost when a session ends, and check your
//! answers, submission and withdrawal.

pub(crate) mod complete;
mod sections;
mod submission;
mod withdrawal;
