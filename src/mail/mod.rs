//! Mail: messages rendered in the recipient's language into the outbox (in the transaction of the
//! change that causes them), and the transports the worker delivers them through: SMTP, or `.eml`
//! files in a directory. What each mail says is in `messages`, one struct per mail.

pub mod messages;

use std::path::PathBuf;

use anyhow::Context;
use askama::Template;
use chrono::Utc;
use diesel_async::AsyncPgConnection;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncFileTransport, AsyncTransport, Tokio1Executor};
use uuid::Uuid;

use crate::config::Settings;
use crate::db::outbox::{self, OutboxMail};
use crate::i18n::Lang;

/// A mail that asks the recipient to follow one link (verify, reset, accept an invitation): the
/// shape of every mail the portal sends so far.
#[derive(Debug, Clone)]
pub struct LinkMail {
    pub lang: Lang,
    pub to: String,
    pub greeting: String,
    pub subject: String,
    pub paragraphs: Vec<String>,
    pub link: String,
    pub link_label: String,
    pub footnote: String,
}

impl LinkMail {
    /// The opening line of every mail: "<name>님, 안녕하세요" / "Dear <name>".
    pub fn greeting(lang: Lang, name: &str) -> String {
        lang.t_with("mail-greeting", &[("name", name.to_owned().into())])
    }

    /// The plain-text and HTML bodies, signed with the portal's name in the mail's language.
    pub fn render(&self) -> askama::Result<Bodies> {
        let portal = self.lang.t("portal-name");
        let text = LinkText {
            mail: self,
            portal: portal.clone(),
        }
        .render()?;
        let html = LinkHtml { mail: self, portal }.render()?;
        Ok(Bodies { text, html })
    }
}

/// The two bodies of a mail, as the outbox keeps them.
pub struct Bodies {
    pub text: String,
    pub html: String,
}

/// One kind of mail the portal sends: a struct holding the facts the mail needs, composed into
/// the words its recipient reads. `settings` gives the portal's address for links that do not
/// come with the facts (the sign-in page, a new reset request).
pub trait Message {
    fn compose(&self, settings: &Settings) -> LinkMail;
}

/// A mail already written out.
impl Message for LinkMail {
    fn compose(&self, _: &Settings) -> LinkMail {
        self.clone()
    }
}

#[derive(Template)]
#[template(path = "mail/link.txt")]
struct LinkText<'a> {
    mail: &'a LinkMail,
    portal: String,
}

#[derive(Template)]
#[template(path = "mail/link.html")]
struct LinkHtml<'a> {
    mail: &'a LinkMail,
    portal: String,
}

/// Renders `message` and puts it in the outbox. Call it inside the transaction of the change.
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    settings: &Settings,
    message: impl Message,
) -> anyhow::Result<()> {
    let mail = message.compose(settings);
    let bodies = mail.render()?;
    let id = Uuid::now_v7();
    let host = settings
        .base_url
        .host_str()
        .unwrap_or("stablereg.localhost");
    let row = OutboxMail {
        id,
        // Stable across retries, so a receiver that saw a mail once recognises a repeat.
        message_id: format!("<{id}@{host}>"),
        recipient: mail.to,
        subject: mail.subject,
        body_text: bodies.text,
        body_html: bodies.html,
        created_at: Utc::now(),
        attempts: 0,
        next_attempt_at: Utc::now(),
        sent_at: None,
        last_error: None,
        abandoned_at: None,
    };
    outbox::insert(conn, &row).await?;
    Ok(())
}

/// Why a mail was not delivered, which decides whether it is tried again.
#[derive(Debug)]
pub enum Undelivered {
    /// Worth another try later: the server is down, busy, or said so with a 4xx reply.
    Retry(anyhow::Error),
    /// Refused for good (no such mailbox, an address no server would take): never tried again.
    Never(anyhow::Error),
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl Transport {
    /// SMTP_URL when set (`smtp://` upgrades with STARTTLS when `?tls=required` is given or the
    /// server offers it, `smtps://` is TLS from the start), else `.eml` files under DATA_DIR/mail.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Transport> {
        match &settings.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .with_context(|| "SMTP_URL is not a usable SMTP URL")?
                    .timeout(Some(std::time::Duration::from_secs(10)))
                    .build();
                Ok(Transport::Smtp(transport))
            }
            None => {
                let dir = settings.mail_dir();
                make_private_dir(&dir)?;
                Ok(Transport::Files(
                    AsyncFileTransport::<Tokio1Executor>::new(&dir),
                    dir,
                ))
            }
        }
    }

    pub fn writes_files(&self) -> bool {
        matches!(self, Transport::Files(..))
    }

    pub async fn deliver(&self, from: &Mailbox, mail: &OutboxMail) -> Result<(), Undelivered> {
        let recipient = mail
            .recipient
            .parse()
            .map_err(|e| Undelivered::Never(anyhow::anyhow!("bad recipient address: {e}")))?;
        let message = lettre::Message::builder()
            .message_id(Some(mail.message_id.clone()))
            .from(from.clone())
            .to(recipient)
            .subject(&mail.subject)
            .multipart(MultiPart::alternative_plain_html(
                mail.body_text.clone(),
                mail.body_html.clone(),
            ))
            .map_err(|e| Undelivered::Never(e.into()))?;
        match self {
            Transport::Smtp(smtp) => match smtp.send(message).await {
                Ok(_) => Ok(()),
                Err(e) if refuses_the_recipient(&e) => Err(Undelivered::Never(e.into())),
                Err(e) => Err(Undelivered::Retry(e.into())),
            },
            Transport::Files(files, dir) => {
                let id = files
                    .send(message)
                    .await
                    .map_err(|e| Undelivered::Retry(e.into()))?;
                make_private_file(&dir.join(format!("{id}.eml"))).map_err(Undelivered::Retry)
            }
        }
    }
}

/// Mail files hold sign-in links: the folder is the portal's user's alone (0700), whatever the
/// umask, and so is an existing folder made before.
fn make_private_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("cannot make {} private", dir.display()))
}

/// Each mail file is readable by the portal's user alone (0600), whatever the umask.
fn make_private_file(path: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot make {} private", path.display()))
}

/// Whether the server refused the recipient's mailbox for good: a permanent reply with an enhanced
/// status 5.1.x (RFC 3463), except 5.1.7 and 5.1.8, which are about the sender. Trying again will
/// not change that. Any other refusal (a wrong SMTP password, a refused sender, relaying denied)
/// comes from the portal's own configuration: the mail waits, and goes once that is fixed.
fn refuses_the_recipient(e: &lettre::transport::smtp::Error) -> bool {
    let reply = e.to_string();
    e.is_permanent()
        && reply.split_whitespace().any(|word| {
            word.starts_with("5.1.") && !word.starts_with("5.1.7") && !word.starts_with("5.1.8")
        })
}
