//! Typed settings read once from the environment. Every setting here is documented in the README's
//! settings table; a bad value stops start-up with one line naming the setting.

use std::net::SocketAddr;
use std::path::PathBuf;

use url::Url;

/// Where the portal runs: `production` switches on the checks a real deployment needs and turns off
/// everything meant for trying the portal (demo data, the demo mailbox page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Where uploaded files live: a local directory, or an S3-compatible bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageLocation {
    Directory(PathBuf),
    S3 { bucket: String, prefix: String },
}

/// The standard AWS_* settings an S3-compatible STORAGE reads (endpoint, region, credentials), as
/// read through the same lookup as every other setting so tests can give their own.
pub const S3_SETTING_NAMES: [&str; 8] = [
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ALLOW_HTTP",
    "AWS_VIRTUAL_HOSTED_STYLE_REQUEST",
];

/// The AWS_* settings that were set, by name; printed without their values (two are secrets).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct S3Settings(pub Vec<(&'static str, String)>);

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| name))
            .finish()
    }
}

/// The shortest AUDIT_KEY production accepts (32 hex characters are 128 bits).
const MIN_AUDIT_KEY_LEN: usize = 32;

#[derive(Debug, Clone)]
pub struct Settings {
    pub environment: Environment,
    /// `None`: use the embedded PostgreSQL cluster under `data_dir`.
    pub database_url: Option<String>,
    pub database_pool_size: usize,
    pub bind: SocketAddr,
    pub base_url: Url,
    pub data_dir: PathBuf,
    pub static_dir: PathBuf,
    pub storage: StorageLocation,
    /// Endpoint, region and credentials of an S3 STORAGE (the standard AWS_* variables).
    pub s3: S3Settings,
    /// `None`: mail is written as `.eml` files under `data_dir/mail`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// `None`: a key is generated into `data_dir/audit.key` on first use.
    pub audit_key: Option<String>,
    pub log_format: LogFormat,
    pub workers: usize,
    /// Take the client address from X-Forwarded-For / Forwarded (only behind a proxy that sets them).
    pub trust_forwarded_for: bool,
    /// Serve the demo mailbox whatever the BASE_URL and the data (never in production).
    pub demo_mailbox: bool,
    /// The largest file one upload may be (UPLOAD_MAX_FILE_BYTES).
    pub upload_max_file_bytes: u64,
    /// The most the current documents of one application may add up to (UPLOAD_MAX_APPLICATION_BYTES).
    pub upload_max_application_bytes: u64,
    /// How old an unreferenced stored object or a temporary upload file must be before the worker
    /// sweeps it (SWEEP_GRACE_SECONDS): longer than any upload takes.
    pub sweep_grace: std::time::Duration,
}

/// Upload limits of SECURITY.md: 25 MiB a file, 200 MiB an application.
const DEFAULT_UPLOAD_MAX_FILE_BYTES: usize = 25 * 1024 * 1024;
const DEFAULT_UPLOAD_MAX_APPLICATION_BYTES: usize = 200 * 1024 * 1024;

/// A setting that could not be used, with the reason in words an operator can act on.
#[derive(Debug, thiserror::Error)]
#[error("setting {name}: {reason}")]
pub struct SettingError {
    pub name: &'static str,
    pub reason: String,
}

fn invalid(name: &'static str, reason: impl Into<String>) -> SettingError {
    SettingError {
        name,
        reason: reason.into(),
    }
}

impl Settings {
    /// Reads every setting from the process environment.
    pub fn from_env() -> Result<Self, SettingError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads every setting through `lookup`, so tests can supply their own environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingError> {
        let environment = match lookup("APP_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(invalid(
                    "APP_ENV",
                    format!("'{other}' is neither 'development' nor 'production'"),
                ));
            }
        };
        let bind: SocketAddr = lookup("BIND")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse()
            .map_err(|_| {
                invalid(
                    "BIND",
                    "expected an address and port such as 127.0.0.1:8080",
                )
            })?;
        let base_url = match lookup("BASE_URL") {
            Some(raw) => Url::parse(&raw)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                .ok_or_else(|| invalid("BASE_URL", format!("'{raw}' is not an http(s) URL")))?,
            None => Url::parse(&format!("http://{bind}/"))
                .map_err(|e| invalid("BASE_URL", e.to_string()))?,
        };
        let data_dir = absolute(PathBuf::from(
            lookup("DATA_DIR").unwrap_or_else(|| "var".into()),
        ))
        .map_err(|e| invalid("DATA_DIR", e))?;
        let static_dir = absolute(PathBuf::from(
            lookup("STATIC_DIR").unwrap_or_else(|| "static".into()),
        ))
        .map_err(|e| invalid("STATIC_DIR", e))?;
        let storage = parse_storage(lookup("STORAGE"), &data_dir)?;
        let database_url = lookup("DATABASE_URL");
        if let Some(url) = &database_url
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return Err(invalid("DATABASE_URL", "expected a postgres:// URL"));
        }
        let smtp_url = lookup("SMTP_URL");
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(invalid("SMTP_URL", "expected an smtp:// or smtps:// URL"));
        }
        let log_format = match lookup("LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(invalid(
                    "LOG_FORMAT",
                    format!("'{other}' is neither 'text' nor 'json'"),
                ));
            }
        };
        let settings = Settings {
            environment,
            database_url,
            database_pool_size: parse_count(&lookup, "DATABASE_POOL_SIZE", 16)?,
            bind,
            base_url,
            data_dir,
            static_dir,
            storage,
            s3: S3Settings(
                S3_SETTING_NAMES
                    .iter()
                    .filter_map(|name| lookup(name).map(|value| (*name, value)))
                    .collect(),
            ),
            smtp_url,
            mail_from: lookup("MAIL_FROM")
                .unwrap_or_else(|| "stablereg <no-reply@stablereg.localhost>".into()),
            audit_key: lookup("AUDIT_KEY"),
            log_format,
            workers: parse_count(&lookup, "WORKERS", default_workers())?,
            trust_forwarded_for: parse_bool(&lookup, "TRUST_FORWARDED_FOR")?,
            demo_mailbox: parse_bool(&lookup, "DEMO_MAILBOX")?,
            upload_max_file_bytes: parse_count(
                &lookup,
                "UPLOAD_MAX_FILE_BYTES",
                DEFAULT_UPLOAD_MAX_FILE_BYTES,
            )? as u64,
            upload_max_application_bytes: parse_count(
                &lookup,
                "UPLOAD_MAX_APPLICATION_BYTES",
                DEFAULT_UPLOAD_MAX_APPLICATION_BYTES,
            )? as u64,
            sweep_grace: std::time::Duration::from_secs(parse_count(
                &lookup,
                "SWEEP_GRACE_SECONDS",
                3600,
            )? as u64),
        };
        settings.check_production()?;
        Ok(settings)
    }

    /// A production deployment must not fall back to anything meant for a laptop.
    fn check_production(&self) -> Result<(), SettingError> {
        if self.environment != Environment::Production {
            return Ok(());
        }
        if self.base_url.scheme() != "https" {
            return Err(invalid(
                "BASE_URL",
                "must be https:// when APP_ENV=production",
            ));
        }
        if self.database_url.is_none() {
            return Err(invalid(
                "DATABASE_URL",
                "must be set when APP_ENV=production",
            ));
        }
        if self.smtp_url.is_none() {
            return Err(invalid("SMTP_URL", "must be set when APP_ENV=production"));
        }
        if self.demo_mailbox {
            return Err(invalid(
                "DEMO_MAILBOX",
                "must not be on when APP_ENV=production",
            ));
        }
        match &self.audit_key {
            None => Err(invalid("AUDIT_KEY", "must be set when APP_ENV=production")),
            // It keys the audit chain and seals the TOTP secrets: a short one could be guessed
            // offline from a copy of the database.
            Some(key) if key.len() < MIN_AUDIT_KEY_LEN => Err(invalid(
                "AUDIT_KEY",
                "must be at least 32 characters of random text when APP_ENV=production \
                 (for example the output of `openssl rand -hex 32`)",
            )),
            Some(_) => Ok(()),
        }
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Cookies get the `__Host-` prefix and `Secure` only when browsers reach us over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// Whether browsers reach us on this machine only (`localhost` or a loopback address).
    pub fn base_url_is_loopback(&self) -> bool {
        match self.base_url.host() {
            Some(url::Host::Domain(name)) => name == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    /// Where uploads are received into temporary files (`upload-*`) before they are stored.
    pub fn upload_dir(&self) -> PathBuf {
        self.data_dir.join("tmp")
    }

    /// The portal's address of `path` ("/login"), as mails and links give it: BASE_URL without its
    /// trailing slash, then the path. Joined as text, not by URL rules, so a BASE_URL with a path
    /// ("https://host/portal") keeps it.
    pub fn url(&self, path: &str) -> String {
        let base = self.base_url.as_str().trim_end_matches('/');
        format!("{base}/{}", path.trim_start_matches('/'))
    }
}

fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn parse_count(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: usize,
) -> Result<usize, SettingError> {
    match lookup(name) {
        None => Ok(default),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| invalid(name, format!("'{raw}' is not a positive whole number"))),
    }
}

fn parse_bool(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<bool, SettingError> {
    match lookup(name).as_deref() {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(other) => Err(invalid(
            name,
            format!("'{other}' is neither 'true' nor 'false'"),
        )),
    }
}

fn parse_storage(
    raw: Option<String>,
    data_dir: &std::path::Path,
) -> Result<StorageLocation, SettingError> {
    let Some(raw) = raw else {
        return Ok(StorageLocation::Directory(data_dir.join("files")));
    };
    if let Some(rest) = raw.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(invalid(
                "STORAGE",
                "s3:// needs a bucket name, as in s3://bucket/prefix",
            ));
        }
        return Ok(StorageLocation::S3 {
            bucket: bucket.into(),
            prefix: prefix.trim_end_matches('/').into(),
        });
    }
    let path = raw.strip_prefix("file://").unwrap_or(&raw);
    absolute(PathBuf::from(path))
        .map(StorageLocation::Directory)
        .map_err(|e| invalid("STORAGE", e))
}

fn absolute(path: PathBuf) -> Result<PathBuf, String> {
    std::path::absolute(&path).map_err(|e| format!("cannot resolve '{}': {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, SettingError> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| env.get(k).cloned())
    }

    #[test]
    fn defaults_suit_a_laptop() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.base_url.as_str(), "http://127.0.0.1:8080/");
        assert!(s.database_url.is_none());
        assert!(s.data_dir.ends_with("var"));
        assert_eq!(
            s.storage,
            StorageLocation::Directory(s.data_dir.join("files"))
        );
        assert_eq!(s.log_format, LogFormat::Text);
        assert!(!s.secure_cookies());
        assert_eq!(s.upload_max_file_bytes, 25 * 1024 * 1024);
        assert_eq!(s.upload_max_application_bytes, 200 * 1024 * 1024);
        assert_eq!(s.sweep_grace, std::time::Duration::from_secs(3600));
        assert_eq!(s.upload_dir(), s.data_dir.join("tmp"));
    }

    #[test]
    fn the_sweep_grace_is_a_positive_number_of_seconds() {
        let s = settings(&[("SWEEP_GRACE_SECONDS", "600")]).unwrap();
        assert_eq!(s.sweep_grace, std::time::Duration::from_secs(600));
        for bad in ["0", "-1", "an hour"] {
            let err = settings(&[("SWEEP_GRACE_SECONDS", bad)]).unwrap_err();
            assert_eq!(err.name, "SWEEP_GRACE_SECONDS");
        }
    }

    #[test]
    fn a_bad_value_names_its_setting() {
        assert_eq!(settings(&[("BIND", "localhost")]).unwrap_err().name, "BIND");
        assert_eq!(
            settings(&[("BASE_URL", "ftp://x")]).unwrap_err().name,
            "BASE_URL"
        );
        assert_eq!(
            settings(&[("LOG_FORMAT", "xml")]).unwrap_err().name,
            "LOG_FORMAT"
        );
        assert_eq!(
            settings(&[("DATABASE_URL", "mysql://x")]).unwrap_err().name,
            "DATABASE_URL"
        );
        assert_eq!(
            settings(&[("SMTP_URL", "http://x")]).unwrap_err().name,
            "SMTP_URL"
        );
        assert_eq!(settings(&[("WORKERS", "0")]).unwrap_err().name, "WORKERS");
        assert_eq!(
            settings(&[("UPLOAD_MAX_FILE_BYTES", "25M")])
                .unwrap_err()
                .name,
            "UPLOAD_MAX_FILE_BYTES"
        );
        assert_eq!(
            settings(&[("STORAGE", "s3://")]).unwrap_err().name,
            "STORAGE"
        );
        assert_eq!(
            settings(&[("APP_ENV", "staging")]).unwrap_err().name,
            "APP_ENV"
        );
    }

    #[test]
    fn production_refuses_laptop_fallbacks() {
        let err = settings(&[("APP_ENV", "production")]).unwrap_err();
        assert_eq!(err.name, "BASE_URL");
        let err = settings(&[
            ("APP_ENV", "production"),
            ("BASE_URL", "https://reg.example"),
        ])
        .unwrap_err();
        assert_eq!(err.name, "DATABASE_URL");
        let ok = settings(&[
            ("APP_ENV", "production"),
            ("BASE_URL", "https://reg.example"),
            ("DATABASE_URL", "postgres://u@db/x"),
            ("SMTP_URL", "smtp://mail:587"),
            ("AUDIT_KEY", "k"),
        ])
        .unwrap_err();
        assert_eq!(ok.name, "AUDIT_KEY", "a short key is refused");
        let ok = settings(&[
            ("APP_ENV", "production"),
            ("BASE_URL", "https://reg.example"),
            ("DATABASE_URL", "postgres://u@db/x"),
            ("SMTP_URL", "smtp://mail:587"),
            ("AUDIT_KEY", &"7f".repeat(32)),
        ])
        .unwrap();
        assert!(ok.secure_cookies());
    }

    #[test]
    fn urls_join_the_base_and_the_path_with_one_slash() {
        for base in ["https://reg.example", "https://reg.example/"] {
            let s = settings(&[("BASE_URL", base)]).unwrap();
            assert_eq!(s.url("/login"), "https://reg.example/login");
            assert_eq!(s.url("login"), "https://reg.example/login");
            assert_eq!(
                s.url("/verify-email/TOKEN"),
                "https://reg.example/verify-email/TOKEN"
            );
        }
        for base in ["https://reg.example/portal", "https://reg.example/portal/"] {
            let s = settings(&[("BASE_URL", base)]).unwrap();
            assert_eq!(s.url("/login"), "https://reg.example/portal/login");
        }
    }

    #[test]
    fn production_refuses_the_demo_mailbox() {
        let err = settings(&[
            ("APP_ENV", "production"),
            ("BASE_URL", "https://reg.example"),
            ("DATABASE_URL", "postgres://u@db/x"),
            ("SMTP_URL", "smtp://mail:587"),
            ("AUDIT_KEY", &"7f".repeat(32)),
            ("DEMO_MAILBOX", "true"),
        ])
        .unwrap_err();
        assert_eq!(err.name, "DEMO_MAILBOX");
    }

    #[test]
    fn loopback_base_urls_are_recognised() {
        for (url, loopback) in [
            ("http://127.0.0.1:8080", true),
            ("http://localhost:8080", true),
            ("http://[::1]:8080", true),
            ("https://127.0.0.1", true),
            ("http://10.0.0.5:8080", false),
            ("https://reg.example", false),
            ("http://localhost.reg.example", false),
        ] {
            let s = settings(&[("BASE_URL", url)]).unwrap();
            assert_eq!(s.base_url_is_loopback(), loopback, "{url}");
        }
    }

    #[test]
    fn s3_storage_splits_bucket_and_prefix() {
        let s = settings(&[("STORAGE", "s3://filings/prod/")]).unwrap();
        assert_eq!(
            s.storage,
            StorageLocation::S3 {
                bucket: "filings".into(),
                prefix: "prod".into()
            }
        );
    }

    #[test]
    fn s3_settings_are_the_standard_aws_names_and_never_print_their_values() {
        let s = settings(&[
            ("STORAGE", "s3://filings"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"),
            ("AWS_SECRET_ACCESS_KEY", "very-secret"),
            ("AWS_ALLOW_HTTP", "true"),
        ])
        .unwrap();
        assert_eq!(
            s.s3.0,
            vec![
                ("AWS_ENDPOINT_URL", "http://127.0.0.1:9000".to_string()),
                ("AWS_SECRET_ACCESS_KEY", "very-secret".to_string()),
                ("AWS_ALLOW_HTTP", "true".to_string()),
            ]
        );
        let printed = format!("{s:?}");
        assert!(printed.contains("AWS_SECRET_ACCESS_KEY"));
        assert!(!printed.contains("very-secret"), "{printed}");
    }
}
