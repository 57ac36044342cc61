//! What the identity tests share: accounts made straight in the database, forms posted with their
//! CSRF token the way a browser would, signing in (with a computed TOTP code), and reading the mail
//! the portal queued.

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use reqwest::{Response, StatusCode};
use stablereg::auth::{hashing, totp};
use stablereg::db::{self, institutions::Institution, outbox::OutboxMail, users::NewUser};
use stablereg::domain::{InstitutionStatus, InstitutionType, Role};
use uuid::Uuid;

use crate::support::harness::TestApp;

pub const PASSWORD: &str = "correct horse battery staple";

/// An account made for a test.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub password: String,
    pub institution: Option<Uuid>,
    /// The TOTP secret, for accounts with MFA on.
    pub totp: Option<String>,
}

impl TestApp {
    /// Runs `stablereg audit <args>` as an operator would, with the app's database, key and
    /// DATA_DIR: whether it succeeded, and what it printed.
    pub fn audit_command(&self, args: &[&str]) -> (bool, String) {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_stablereg"))
            .arg("audit")
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env(
                "AUDIT_KEY",
                self.settings
                    .audit_key
                    .as_deref()
                    .expect("tests set AUDIT_KEY"),
            )
            .env("DATA_DIR", self.data_dir.path())
            .env("RUST_LOG", "error")
            .output()
            .expect("the stablereg command runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    pub async fn db(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.database_url)
            .await
            .expect("connects to the test database")
    }

    /// Runs SQL against the test's database (to age a session, tamper with a row…).
    pub async fn sql(&self, query: &str) -> usize {
        let mut conn = self.db().await;
        diesel::sql_query(query)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{query}: {e}"))
    }

    /// A connection to the test's database as a superuser, for tampering no portal could do.
    pub async fn superuser_db(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.superuser_url)
            .await
            .expect("connects to the test database as a superuser")
    }

    /// Runs SQL as a superuser (to disable the audit log's trigger, as an attacker with the
    /// server's keys would).
    pub async fn superuser_sql(&self, query: &str) -> usize {
        let mut conn = self.superuser_db().await;
        diesel::sql_query(query)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{query}: {e}"))
    }

    /// How the app seals TOTP secrets (its key comes from the same settings).
    pub fn totp_secrets(&self) -> stablereg::auth::totp_secrets::TotpSecrets {
        let key = stablereg::audit::AuditKey::from_settings(&self.settings).expect("the audit key");
        stablereg::auth::totp_secrets::TotpSecrets::new(&key)
    }

    /// The app's own client as a visitor: the helpers below act through it.
    pub fn me(&self) -> Visitor<'_> {
        Visitor {
            app: self,
            client: self.client.clone(),
        }
    }

    /// Another browser: a client with cookies of its own.
    pub fn visitor(&self) -> Visitor<'_> {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client");
        Visitor { app: self, client }
    }

    /// Another browser, at client address `addr` (for apps that trust X-Forwarded-For).
    pub fn visitor_from(&self, addr: &str) -> Visitor<'_> {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            addr.parse().expect("an address fits a header"),
        );
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("a client");
        Visitor { app: self, client }
    }

    pub async fn page(&self, path: &str) -> String {
        self.me().page(path).await
    }

    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        self.me().submit(form_page, action, fields).await
    }

    pub async fn post(&self, action: &str, token: &str, fields: &[(&str, &str)]) -> Response {
        self.me().post(action, token, fields).await
    }

    pub async fn token(&self, page_with_form: &str) -> String {
        self.me().token(page_with_form).await
    }

    pub async fn sign_in_password(&self, email: &str, password: &str) -> Response {
        self.me().sign_in_password(email, password).await
    }

    pub async fn sign_in(&self, account: &Account) {
        self.me().sign_in(account).await
    }

    pub async fn create_institution(&self, name: &str) -> Uuid {
        let mut conn = self.db().await;
        let id = Uuid::now_v7();
        let institution = Institution {
            id,
            legal_name_ko: format!("{name} 주식회사"),
            legal_name_en: format!("{name} Co., Ltd."),
            // Any 10 digits with a valid check digit: tests need many, so derive one from the id.
            business_registration_number: valid_brn(id.as_u128()),
            corporate_registration_number: "1101111234569".into(),
            lei: None,
            institution_type: InstitutionType::Bank,
            address: "서울특별시 중구 세종대로 110".into(),
            contact_phone: "02-123-4567".into(),
            status: InstitutionStatus::Active,
            created_at: chrono::Utc::now(),
        };
        db::institutions::insert(&mut conn, &institution)
            .await
            .unwrap();
        id
    }

    /// An account with a verified email and a password; regulator staff come with MFA on.
    pub async fn create_account(
        &self,
        role: Role,
        institution: Option<Uuid>,
        institution_admin: bool,
    ) -> Account {
        self.create_account_of(role, institution, institution_admin, None)
            .await
    }

    /// A consultee of `body` (a code of `ConsultedBody`), with MFA on like other staff.
    pub async fn create_consultee(&self, body: &str) -> Account {
        self.create_account_of(Role::Consultee, None, false, Some(body))
            .await
    }

    async fn create_account_of(
        &self,
        role: Role,
        institution: Option<Uuid>,
        institution_admin: bool,
        body: Option<&str>,
    ) -> Account {
        // A consultee belongs to a body: the Bank of Korea unless another is named.
        let body = body.or((role == Role::Consultee).then_some("bank_of_korea"));
        let id = Uuid::now_v7();
        let email = format!(
            "{}-{}@test.stablereg.kr",
            role.as_str(),
            &id.simple().to_string()[20..]
        );
        let hash = hashing::hash(PASSWORD).await.unwrap();
        let mut conn = self.db().await;
        let user = NewUser {
            id,
            email: &email,
            display_name: &format!("Test {}", role.as_str()),
            role,
            institution_id: institution,
            is_institution_admin: institution_admin,
            is_authorised_signatory: false,
            password_hash: Some(&hash),
            email_verified_at: Some(chrono::Utc::now()),
            lang: "ko",
        };
        db::users::insert_with_body(&mut conn, &user, body)
            .await
            .unwrap();
        let totp = if role.is_official() {
            let secret = totp::new_secret();
            let sealed = self.totp_secrets().seal(id, &secret);
            db::users::enable_totp(&mut conn, id, &sealed, 0)
                .await
                .unwrap();
            Some(secret)
        } else {
            None
        };
        Account {
            id,
            email,
            password: PASSWORD.into(),
            institution,
            totp,
        }
    }

    /// A draft application of `institution`, started by `by`.
    pub async fn create_application(&self, institution: Uuid, by: Uuid) -> Uuid {
        let id = Uuid::now_v7();
        self.sql(&format!(
            "INSERT INTO applications (id, institution_id, created_by) VALUES ('{id}', '{institution}', '{by}')"
        ))
        .await;
        id
    }

    /// An issuer institution with its administrator.
    pub async fn create_issuer_admin(&self, name: &str) -> Account {
        let institution = self.create_institution(name).await;
        self.create_account(Role::Issuer, Some(institution), true)
            .await
    }

    /// The account's current TOTP code, as its authenticator app shows it. A code is accepted only
    /// once, so the last accepted step is forgotten first: a test may sign in twice within 30 s.
    pub async fn current_code(&self, account: &Account) -> String {
        self.sql(&format!(
            "UPDATE users SET totp_last_step = NULL WHERE id = '{}'",
            account.id
        ))
        .await;
        let secret = account.totp.as_deref().expect("an account with MFA");
        totp::code_at(secret, totp::now()).unwrap()
    }

    /// The newest mail queued for `to`, waiting a little for mail that is queued after the response
    /// (a password reset is).
    pub async fn last_mail_to(&self, to: &str) -> OutboxMail {
        for _ in 0..50 {
            let mut conn = self.db().await;
            let latest = db::outbox::latest(&mut conn, 100).await.unwrap();
            if let Some(mail) = latest.into_iter().find(|m| m.recipient == to) {
                return mail;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no mail to {to}")
    }

    /// The newest mail to `to` whose subject contains `subject`, waiting for it to be queued.
    pub async fn mail_to_about(&self, to: &str, subject: &str) -> OutboxMail {
        for _ in 0..50 {
            let mut conn = self.db().await;
            let latest = db::outbox::latest(&mut conn, 100).await.unwrap();
            if let Some(mail) = latest
                .into_iter()
                .find(|m| m.recipient == to && m.subject.contains(subject))
            {
                return mail;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no mail to {to} about {subject:?}")
    }

    pub async fn mails_to(&self, to: &str) -> usize {
        let mut conn = self.db().await;
        db::outbox::latest(&mut conn, 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.recipient == to)
            .count()
    }

    /// The audit actions recorded, oldest first.
    pub async fn audit_actions(&self) -> Vec<String> {
        let mut conn = self.db().await;
        let newest_first =
            db::audit_log::page(&mut conn, &db::audit_log::Filter::default(), i64::MAX)
                .await
                .unwrap();
        newest_first
            .into_iter()
            .rev()
            .map(|r| r.action.as_str().to_owned())
            .collect()
    }

    /// An account as the database holds it now.
    pub async fn user(&self, id: Uuid) -> stablereg::db::users::User {
        let mut conn = self.db().await;
        db::users::find(&mut conn, id)
            .await
            .unwrap()
            .expect("the account exists")
    }

    pub async fn user_by_email(&self, email: &str) -> stablereg::db::users::User {
        let mut conn = self.db().await;
        let email = stablereg::domain::EmailAddress::parse(email).expect("an email address");
        db::users::find_by_email(&mut conn, &email)
            .await
            .unwrap()
            .expect("the account exists")
    }
}

/// The value of the first `csrf_token` field in a page.
pub fn csrf_token(html: &str) -> Option<String> {
    let after = html.split(r#"name="csrf_token" value=""#).nth(1)?;
    Some(after.split('"').next()?.to_owned())
}

/// The path of the link in a mail that points back into the portal.
pub fn link_path(mail: &OutboxMail, app: &TestApp) -> String {
    let root = app.settings.url("/");
    mail.body_text
        .split_whitespace()
        .find(|w| w.starts_with(&root))
        .map(|w| w.replacen(&root, "/", 1))
        .unwrap_or_else(|| panic!("no portal link in: {}", mail.body_text))
}

pub fn location(res: &Response) -> String {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// A business registration number with a valid check digit, derived from `seed`.
pub fn valid_brn(seed: u128) -> String {
    let body: Vec<u32> = format!("{:09}", seed % 1_000_000_000)
        .chars()
        .map(|c| c.to_digit(10).unwrap())
        .collect();
    let weights = [1, 3, 7, 1, 3, 7, 1, 3, 5];
    let sum: u32 = body.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() + body[8] * 5 / 10;
    let check = (10 - sum % 10) % 10;
    format!(
        "{}{check}",
        body.iter()
            .map(|d| char::from_digit(*d, 10).unwrap())
            .collect::<String>()
    )
}

/// One browser: its own cookies (so its own session), and the things a person does with forms.
pub struct Visitor<'a> {
    app: &'a TestApp,
    pub client: reqwest::Client,
}

impl Visitor<'_> {
    /// The same browser (its cookies, so its session) talking to another instance of the portal.
    pub fn on<'b>(&self, app: &'b TestApp) -> Visitor<'b> {
        Visitor {
            app,
            client: self.client.clone(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        self.app.url(path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.app.url(path))
            .send()
            .await
            .expect("answered")
    }

    /// GETs a page and returns its body, asserting it answered 200.
    pub async fn page(&self, path: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.text().await.unwrap()
    }

    /// The CSRF token of this browser's session, from a page with a form.
    pub async fn token(&self, page_with_form: &str) -> String {
        csrf_token(&self.page(page_with_form).await)
            .unwrap_or_else(|| panic!("{page_with_form} has a CSRF token"))
    }

    /// POSTs a form with an explicit CSRF token.
    pub async fn post(&self, action: &str, token: &str, fields: &[(&str, &str)]) -> Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", token)];
        form.extend_from_slice(fields);
        self.client
            .post(self.app.url(action))
            .form(&form)
            .send()
            .await
            .expect("answered")
    }

    /// Opens `form_page` as a browser would, then posts `fields` with its CSRF token to `action`.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.token(form_page).await;
        self.post(action, &token, fields).await
    }

    /// The password step of signing in.
    pub async fn sign_in_password(&self, email: &str, password: &str) -> Response {
        self.submit(
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// Signs in all the way (with a current TOTP code for accounts that have MFA) and asserts it.
    pub async fn sign_in(&self, account: &Account) {
        let res = self
            .sign_in_password(&account.email, &account.password)
            .await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "password step for {}",
            account.email
        );
        if account.totp.is_some() {
            assert_eq!(location(&res), "/mfa");
            let code = self.app.current_code(account).await;
            let res = self.submit("/mfa", "/mfa", &[("code", &code)]).await;
            assert_eq!(
                res.status(),
                StatusCode::SEE_OTHER,
                "second factor for {}",
                account.email
            );
        }
        assert_eq!(
            self.get("/account").await.status(),
            StatusCode::OK,
            "{} is signed in",
            account.email
        );
    }
}
