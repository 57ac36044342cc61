//! SECURITY.md rows that cover every route: access, CSRF, double submits, headers, errors, bad input.

mod access_matrix;
mod bad_input;
mod csrf;
mod double_submit;
mod errors;
mod headers;
