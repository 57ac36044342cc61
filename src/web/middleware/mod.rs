//! What wraps the pages: the session, the language cookie, the security headers, the HTML error
//! pages, and the refusals that come before any handler (cross-site posts, NUL in a query, repeats
//! of a submitted form).

pub mod cross_site;
pub mod error_pages;
pub mod lang;
pub mod nul;
pub mod security_headers;
pub mod session;
pub mod submissions;
