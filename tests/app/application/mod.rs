//! The issuer's registration application over HTTP: starting one, the task list, each section's
//! form with its checks, versions and colleagues, and nothing lost when a session ends.

mod sections;
