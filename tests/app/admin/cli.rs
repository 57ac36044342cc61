//! The `stablereg` command's account and demo tools, run as a user would run them.

use std::io::Write;
use std::process::{Command, Stdio};

use stablereg::auth::totp;

use crate::support::accounts::location;
use crate::support::harness::{TestApp, spawn_app};

fn stablereg(
    app: &TestApp,
    args: &[&str],
    stdin: &str,
    extra_env: &[(&str, &str)],
) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stablereg"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        // The app's own key: the CLI seals TOTP secrets and chains the audit log as the app does.
        .env(
            "AUDIT_KEY",
            app.settings
                .audit_key
                .as_deref()
                .expect("tests set AUDIT_KEY"),
        )
        .env("DATA_DIR", app.data_dir.path())
        .env("RUST_LOG", "error")
        .envs(extra_env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn the_first_admin_is_made_from_the_command_line_and_enrols_at_first_sign_in() {
    let app = spawn_app().await;
    let args = [
        "user",
        "create",
        "--role",
        "admin",
        "--email",
        "first@fsc.example",
        "--password-stdin",
    ];
    let (ok, out) = stablereg(&app, &args, "Yeouido-Spring-Blossom\n", &[]);
    assert!(ok, "{out}");
    let (ok, out) = stablereg(&app, &args, "Yeouido-Spring-Blossom\n", &[]);
    assert!(!ok && out.contains("exists already"), "{out}");
    let (ok, out) = stablereg(
        &app,
        &[
            "user",
            "create",
            "--role",
            "admin",
            "--email",
            "weak@fsc.example",
            "--password-stdin",
        ],
        "short\n",
        &[],
    );
    assert!(!ok && out.contains("password refused"), "{out}");
    let (ok, out) = stablereg(
        &app,
        &[
            "user",
            "create",
            "--role",
            "issuer",
            "--email",
            "x@fsc.example",
            "--password-stdin",
        ],
        "Yeouido-Spring-Blossom\n",
        &[],
    );
    assert!(!ok && out.contains("--role must be"), "{out}");

    let res = app
        .sign_in_password("first@fsc.example", "Yeouido-Spring-Blossom")
        .await;
    assert_eq!(location(&res), "/mfa/enrol");
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "user.created")
    );
}

#[tokio::test]
async fn demo_data_goes_into_an_empty_database_only_and_never_in_production() {
    let app = spawn_app().await;
    let (ok, out) = stablereg(&app, &["demo"], "", &[]);
    assert!(ok, "{out}");
    assert!(
        out.contains("admin@demo.stablereg.kr") && out.contains("TOTP secret"),
        "{out}"
    );
    assert!(out.contains(stablereg::demo::DEMO_PASSWORD));
    // The printed secret signs the demo admin in.
    let secret = out
        .lines()
        .find(|l| l.contains("admin@demo.stablereg.kr"))
        .and_then(|l| l.split("TOTP secret ").nth(1))
        .unwrap()
        .trim()
        .to_owned();
    let res = app
        .sign_in_password("admin@demo.stablereg.kr", stablereg::demo::DEMO_PASSWORD)
        .await;
    assert_eq!(location(&res), "/mfa");
    let code = totp::code_at(&secret, totp::now()).unwrap();
    let res = app.submit("/mfa", "/mfa", &[("code", &code)]).await;
    assert_eq!(location(&res), "/account");

    let (ok, out) = stablereg(&app, &["demo"], "", &[]);
    assert!(
        ok && out.contains("nothing was changed"),
        "a second run leaves the data alone: {out}"
    );
    let (ok, out) = stablereg(
        &app,
        &["demo"],
        "",
        &[
            ("APP_ENV", "production"),
            ("BASE_URL", "https://reg.example"),
            ("SMTP_URL", "smtp://mail.example:587"),
        ],
    );
    assert!(!ok && out.contains("refusing to load demo data"), "{out}");
}
