//! The embedded PostgreSQL cluster as `stablereg` runs it: created on first use, stopped with the
//! server, reused with its data, and not fooled by a stale pid file.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use stablereg::embedded_pg::{Durability, EmbeddedPostgres};

use crate::support::harness::{ScratchCluster, free_port};

/// A running `stablereg serve`, killed if the test ends before it was terminated.
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(data_dir: &std::path::Path, port: u16) -> Serving {
    Serving(
        Command::new(env!("CARGO_BIN_EXE_stablereg"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATA_DIR", data_dir)
            .env("BIND", format!("127.0.0.1:{port}"))
            .env("STATIC_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/static"))
            .env("WORKERS", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("stablereg serve starts"),
    )
}

async fn wait_ready(port: u16) {
    let started = Instant::now();
    let url = format!("http://127.0.0.1:{port}/readyz");
    while started.elapsed() < Duration::from_secs(60) {
        if reqwest::get(&url).await.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("stablereg serve did not become ready");
}

fn terminate(mut serving: Serving) {
    let child = &mut serving.0;
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .expect("SIGTERM is delivered");
    let status = child.wait().expect("serve exits");
    assert!(
        status.success(),
        "serve exits cleanly on SIGTERM: {status:?}"
    );
}

#[tokio::test]
async fn sigterm_stops_the_embedded_cluster_and_a_second_run_reuses_it() {
    let root = ScratchCluster::new("serve");
    let port = free_port();
    let first = serve(&root, port);
    wait_ready(port).await;
    let pg = EmbeddedPostgres::new(&root, Durability::Durable).unwrap();
    assert!(pg.is_ready(), "serve started the embedded cluster");

    // Leave a mark in the data to prove the second run sees the same cluster.
    let mut conn = AsyncPgConnection::establish(&pg.database_url())
        .await
        .unwrap();
    diesel::sql_query(
        "INSERT INTO public_holidays (day, name_en) VALUES ('2031-01-01', 'test mark')",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    drop(conn);

    terminate(first);
    assert!(!pg.is_ready(), "SIGTERM to serve stops its cluster");
    assert!(!pg.data_dir().join("postmaster.pid").exists());

    let second = serve(&root, port);
    wait_ready(port).await;
    let mut conn = AsyncPgConnection::establish(&pg.database_url())
        .await
        .unwrap();
    let marks = diesel::sql_query("SELECT day FROM public_holidays WHERE name_en = 'test mark'")
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(marks, 1, "the second run reused the cluster and its data");
    drop(conn);
    terminate(second);
    assert!(!pg.is_ready());
}

#[test]
fn a_stale_pid_file_does_not_stop_the_cluster_from_starting() {
    let root = ScratchCluster::new("stale");
    let mut pg = EmbeddedPostgres::new(&root, Durability::Disposable).unwrap();
    pg.ensure_running().unwrap();
    pg.stop().unwrap();
    // What a crash leaves behind, naming a process that is alive but is not PostgreSQL (this one).
    let pid_file = pg.data_dir().join("postmaster.pid");
    std::fs::write(
        &pid_file,
        format!("{}\n{}\n", std::process::id(), pg.data_dir().display()),
    )
    .unwrap();
    let mut again = EmbeddedPostgres::new(&root, Durability::Disposable).unwrap();
    again
        .ensure_running()
        .expect("starts despite the stale pid file");
    assert!(again.is_ready());
    assert!(again.started_here());
    // A second handle finds it running and leaves it to its starter.
    let mut other = EmbeddedPostgres::new(&root, Durability::Disposable).unwrap();
    other.ensure_running().unwrap();
    assert!(!other.started_here());
    other.stop_if_started_here().unwrap();
    assert!(again.is_ready());
    again.stop_if_started_here().unwrap();
    assert!(!again.is_ready());
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_stablereg"))
        .arg("migrate")
        .env("BIND", "not-an-address")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("BIND"), "{stderr}");
}
