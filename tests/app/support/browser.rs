//! A real Chromium driven through chromedriver (WebDriver), with axe-core for accessibility, a
//! phone's width for layout, and the Nu HTML Checker for the markup. Each test gets its own
//! chromedriver in its own process group, killed with everything it started when the test ends,
//! whether it passed or not.

use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::error::CmdError;
use fantoccini::key::Key;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use stablereg::i18n::Lang;

use crate::support::accounts::Account;
use crate::support::harness::{TestApp, free_port};
use crate::support::nu_checker::{self, Page};

/// The widths every page is checked at: a desktop's, and a phone's (390 CSS px, an iPhone 12 to 15;
/// headless Chromium's scrollbar takes 15 px of it, so pages are laid out in 375, an iPhone SE's).
const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 900);

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    /// The pages checked so far, as the server sent them, for the Nu HTML Checker at `close`.
    pages: Mutex<Vec<Page>>,
}

impl Browser {
    pub async fn start() -> Browser {
        use std::os::unix::process::CommandExt;
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver is installed (make test installs chromium-driver)");
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let caps = match caps {
            Value::Object(map) => map,
            _ => unreachable!(),
        };
        let started = Instant::now();
        let client = loop {
            let attempt =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(caps.clone())
                    .connect(&format!("http://127.0.0.1:{port}"))
                    .await;
            match attempt {
                Ok(client) => break client,
                Err(e) if started.elapsed() > Duration::from_secs(30) => {
                    panic!("no browser session: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        let browser = Browser {
            client,
            driver,
            _profile: profile,
            pages: Mutex::new(Vec::new()),
        };
        // The portal's pages are `no-store`, so Chromium keeps no copy of their source unless
        // DevTools watches the network from before they load.
        browser
            .cdp("Network.enable", json!({}))
            .await
            .expect("DevTools watches the network");
        browser
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("the page loads");
    }

    /// Checks the page shown now as every page is checked: at a desktop's and at a phone's width,
    /// axe-core finds no violation and the page does not scroll sideways; its HTML, as the server
    /// sent it, is kept for the Nu HTML Checker, which runs over all of them at `close`.
    /// With SCREENSHOT_DIR set, a picture of the whole page at each width is saved there too.
    pub async fn check_page(&self) {
        // Pages are numbered in the order they were checked: a path seen twice (a form and its
        // answer) is two pictures.
        static CHECKED: AtomicU32 = AtomicU32::new(0);
        let n = CHECKED.fetch_add(1, Ordering::SeqCst);
        self.keep_source().await;
        for size in [DESKTOP, PHONE] {
            self.resize(size).await;
            self.assert_accessible().await;
            self.assert_fits().await;
            self.save_screenshot(n, size).await;
        }
        self.resize(DESKTOP).await;
    }

    /// Saves the whole page, `<n>-<lang>-<path>-<width>.png`, when SCREENSHOT_DIR names a folder.
    async fn save_screenshot(&self, n: u32, (width, height): (u32, u32)) {
        let Some(dir) = std::env::var_os("SCREENSHOT_DIR") else {
            return;
        };
        let page = self
            .client
            .execute(
                "return { lang: document.documentElement.lang, path: location.pathname,
                          height: document.documentElement.scrollHeight };",
                vec![],
            )
            .await
            .expect("script runs");
        let tall = page["height"].as_u64().unwrap_or(0) as u32;
        self.resize((width, height.max(tall))).await;
        let png = self.client.screenshot().await.expect("a screenshot");
        self.resize((width, height)).await;
        let path = page["path"].as_str().unwrap_or("/");
        let slug: String = path
            .trim_matches('/')
            .chars()
            .take(40)
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let name = format!(
            "{n:03}-{}-{}-{width}.png",
            page["lang"].as_str().unwrap_or(""),
            if slug.is_empty() { "home" } else { &slug }
        );
        std::fs::write(std::path::Path::new(&dir).join(name), png)
            .expect("the screenshot is saved");
    }

    async fn resize(&self, (width, height): (u32, u32)) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("the window resizes");
    }

    /// Fails when the page is wider than the window, so that a reader would scroll sideways.
    pub async fn assert_fits(&self) {
        let widths = self
            .client
            .execute(
                "const root = document.documentElement;
                 const wide = [...document.body.querySelectorAll('*')]
                    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
                    .filter(el => !el.closest('.sr-only, .blind, [hidden]'))
                    .slice(0, 5)
                    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                        + (el.className && typeof el.className === 'string'
                            ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
                 return { scroll: root.scrollWidth, client: root.clientWidth, window: innerWidth, wide };",
                vec![],
            )
            .await
            .expect("script runs");
        let url = self.url().await;
        assert!(
            widths["scroll"].as_u64() <= widths["client"].as_u64(),
            "{url} scrolls sideways at {} px: {widths}",
            widths["window"]
        );
    }

    /// Keeps the current page's HTML as the server sent it. The DOM (WebDriver's page source) is
    /// not it: the parser has already dropped or repaired what the checker must see, so the
    /// original is read from DevTools, which has it for a POST's answer too.
    async fn keep_source(&self) {
        let tree = self
            .cdp("Page.getFrameTree", json!({}))
            .await
            .expect("DevTools answers");
        let frame = &tree["frameTree"]["frame"];
        let url = frame["url"].as_str().unwrap_or_default().to_owned();
        // A navigation's request id is its loader's id.
        let content = self
            .cdp(
                "Network.getResponseBody",
                json!({ "requestId": frame["loaderId"] }),
            )
            .await
            .unwrap_or_else(|e| panic!("DevTools has the source of {url}: {e}"));
        let html = content["body"].as_str().unwrap_or_default().to_owned();
        self.pages.lock().unwrap().push(Page { url, html });
    }

    /// A Chrome DevTools Protocol command, through chromedriver's own endpoint for them.
    pub async fn cdp(&self, cmd: &'static str, params: Value) -> Result<Value, CmdError> {
        self.client.issue_cmd(Cdp { cmd, params }).await
    }

    async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    /// Runs axe-core in the page and fails on any violation, listing them.
    pub async fn assert_accessible(&self) {
        static AXE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let axe = AXE.get_or_init(|| {
            std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/node_modules/axe-core/axe.min.js"
            ))
            .expect("axe-core is installed by npm ci")
        });
        self.client
            .execute(axe, vec![])
            .await
            .expect("axe-core loads");
        let violations = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                    .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => n.target.join(' ')) }))))
                    .catch(e => done([{ id: 'axe-error', help: String(e), nodes: [] }]));",
                vec![],
            )
            .await
            .expect("axe-core runs");
        let url = self.url().await;
        let width = self.client.execute("return innerWidth", vec![]).await;
        let url = format!("{url} at {} px", width.unwrap_or_default());
        let list = violations.as_array().cloned().unwrap_or_default();
        assert!(
            list.is_empty(),
            "axe-core violations on {url}:\n{}",
            serde_json::to_string_pretty(&list).unwrap()
        );
    }

    /// A computed style property of the first element matching `selector`.
    pub async fn computed_style(&self, selector: &str, property: &str) -> String {
        let value = self
            .client
            .execute(
                "const el = document.querySelector(arguments[0]);
                 return el ? getComputedStyle(el).getPropertyValue(arguments[1]) : null;",
                vec![json!(selector), json!(property)],
            )
            .await
            .expect("script runs");
        value
            .as_str()
            .unwrap_or_else(|| panic!("no element {selector}"))
            .to_owned()
    }

    pub async fn text_of(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .expect("element exists")
            .text()
            .await
            .unwrap()
    }

    /// The id of the element that has focus.
    pub async fn focused_id(&self) -> String {
        let v = self
            .client
            .execute(
                "return document.activeElement && document.activeElement.id",
                vec![],
            )
            .await
            .unwrap();
        v.as_str().unwrap_or("").to_owned()
    }

    /// Presses a key as a keyboard user would, wherever the focus is.
    pub async fn press(&self, key: Key) {
        let key = char::from(key);
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client
            .perform_actions(actions)
            .await
            .expect("the key is pressed");
    }

    /// Runs the Nu HTML Checker over every page checked, then ends the browser session.
    pub async fn close(self) {
        let pages = std::mem::take(&mut *self.pages.lock().unwrap());
        let _ = self.client.clone().close().await;
        nu_checker::assert_valid(&pages).await;
    }

    /// Clicks the element `css` finds, brought into view at once first: KRDS sets
    /// `scroll-behavior: smooth`, so the scroll WebDriver makes before a click would still be under
    /// way when the click lands.
    pub async fn click(&self, css: &str) {
        let element = match self.client.find(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => panic!("{} has no {css}: {e}", self.current_path().await),
        };
        self.scroll_to(&element).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("{css} can be clicked: {e}"));
    }

    async fn scroll_to(&self, element: &fantoccini::elements::Element) {
        self.client
            .execute(
                "arguments[0].scrollIntoView({ block: 'center', behavior: 'instant' });",
                vec![serde_json::to_value(element).unwrap()],
            )
            .await
            .expect("the page scrolls");
    }

    /// Types `value` into the field with id `id`, as a person would, replacing what it held.
    pub async fn fill(&self, id: &str, value: &str) {
        let field = match self.client.find(Locator::Id(id)).await {
            Ok(field) => field,
            Err(e) => panic!("{} has no field #{id}: {e}", self.current_path().await),
        };
        self.scroll_to(&field).await;
        field.clear().await.expect("the field can be cleared");
        field.send_keys(value).await.expect("the field takes keys");
    }

    /// The path (and query) the browser is on.
    pub async fn current_path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_owned(),
            })
            .unwrap_or_default()
    }

    /// The text of the page's h1, or nothing while there is none.
    pub async fn heading(&self) -> String {
        match self.client.find(Locator::Css("h1")).await {
            Ok(h1) => h1.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Waits (up to 15 s) until `ready` holds.
    pub async fn wait_for<F, Fut>(&self, what: &str, ready: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let started = Instant::now();
        while !ready().await {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "waited in vain for {what}; the browser is on {}",
                self.current_path().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits (up to 15 s) until the browser is on `path` and its page has loaded.
    pub async fn wait_for_path(&self, path: &str) {
        self.wait_for(path, || async {
            let on_path = self
                .client
                .current_url()
                .await
                .is_ok_and(|u| u.path() == path);
            let loaded = self
                .client
                .execute("return document.readyState", vec![])
                .await
                .is_ok_and(|state| state == "complete");
            on_path && loaded
        })
        .await;
    }

    /// Waits until the page's h1 reads `h1`.
    pub async fn wait_for_heading(&self, h1: &str) {
        self.wait_for(h1, || async { self.heading().await == h1 })
            .await;
    }

    /// `account` signs in on `app` in `lang`, with a current code when it has TOTP, as a person
    /// at their own computer would: the browser keeps nothing of whoever used it before.
    pub async fn sign_in(&self, app: &TestApp, account: &Account, lang: Lang) {
        self.client.delete_all_cookies().await.unwrap();
        self.goto(&app.url(&format!("/login?lang={}", lang.code())))
            .await;
        self.fill("email", &account.email).await;
        self.fill("password", &account.password).await;
        self.click("main form[action='/login'] button[type='submit']")
            .await;
        if account.totp.is_some() {
            self.wait_for_heading(&lang.t("mfa-title")).await;
            self.fill("code", &app.current_code(account).await).await;
            self.click("main form[action='/mfa'] button[type='submit']")
                .await;
        }
        self.wait_for_heading(&lang.t("account-title")).await;
    }
}

/// chromedriver's `goog/cdp/execute`: one DevTools command, answered with its result.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let group = nix::unistd::Pid::from_raw(self.driver.id() as i32);
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        let _ = self.driver.wait();
    }
}
