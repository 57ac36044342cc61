//! Fault tests (issue 11, item 4; SECURITY.md's reliability figures), each bounded in time: the
//! database stopped and started under a writing client, uploads cut off at random points, the
//! worker's sweep of what they leave (in a directory and in a bucket), and two portal instances on
//! one database.

mod database;
mod instances;
mod sweep;
mod uploads;

use std::sync::Arc;
use std::time::Duration;

use reqwest::cookie::{CookieStore, Jar};

use crate::support::accounts::{Account, csrf_token};

/// Longer than this for any answer is a hang.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(2);

/// A browser whose cookies the test can read (to send them over a raw connection) and which gives
/// up on an answer after `ANSWER_WITHIN`.
pub struct Browser {
    pub client: reqwest::Client,
    jar: Arc<Jar>,
}

impl Browser {
    pub fn new() -> Browser {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(ANSWER_WITHIN)
            .build()
            .expect("a client");
        Browser { client, jar }
    }

    /// The Cookie header this browser sends to `base` (`http://127.0.0.1:port`).
    pub fn cookie_header(&self, base: &str) -> String {
        let url = base.parse().expect("a URL");
        self.jar
            .cookies(&url)
            .map(|v| v.to_str().expect("ASCII cookies").to_owned())
            .unwrap_or_default()
    }

    /// The CSRF token of the form on `url`.
    pub async fn token(&self, url: &str) -> String {
        let res = self.client.get(url).send().await.expect("answered");
        assert_eq!(res.status(), 200, "GET {url}");
        csrf_token(&res.text().await.unwrap()).expect("a form")
    }

    /// Signs in (an account without a second factor) at the portal at `base`.
    pub async fn sign_in(&self, base: &str, account: &Account) {
        assert!(account.totp.is_none(), "a member without a second factor");
        let login = format!("{base}/login");
        let token = self.token(&login).await;
        let res = self
            .client
            .post(&login)
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", &account.email),
                ("password", &account.password),
            ])
            .send()
            .await
            .expect("answered");
        assert_eq!(res.status(), 303, "signed in");
    }
}
