//! A real S3-compatible server for a test: moto's server mode, which `make test-packages` installs
//! into `.tools/moto`, started on a free loopback port with its state in memory and stopped when the
//! test drops it. A missing server fails the test: nothing here is skipped.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use super::harness::free_port;

/// How long the server may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(60);

pub struct S3Server {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    child: Child,
    /// Held open while the server should run: the wrapper stops the server when it closes, so even a
    /// test process that is killed leaves no server behind.
    stdin: Option<ChildStdin>,
}

fn moto_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/moto")
}

impl S3Server {
    pub async fn start() -> S3Server {
        let dir = moto_dir();
        assert!(
            dir.join("moto/server.py").is_file(),
            "the S3 test server is missing from {}: run `make test-packages`",
            dir.display()
        );
        let port = free_port();
        let mut child = Command::new("sh")
            .args([
                "-c",
                "python3 -s -m moto.server -H 127.0.0.1 -p \"$0\" >/dev/null 2>&1 & \
                 server=$!; echo started; cat >/dev/null; kill $server; wait $server",
                &port.to_string(),
            ])
            .env("PYTHONPATH", &dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh runs");
        let mut started = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut started)
            .expect("the wrapper starts");
        let server = S3Server {
            endpoint: format!("http://127.0.0.1:{port}"),
            stdin: child.stdin.take(),
            child,
        };
        server.wait_until_up().await;
        server
    }

    async fn wait_until_up(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if client.get(&self.endpoint).send().await.is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the S3 test server did not answer on {} within {START_TIMEOUT:?}",
                self.endpoint
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Creates `bucket` (moto takes any credentials).
    pub async fn create_bucket(&self, bucket: &str) {
        let res = reqwest::Client::new()
            .put(format!("{}/{bucket}", self.endpoint))
            .send()
            .await
            .expect("the S3 server answers");
        assert!(res.status().is_success(), "bucket not created: {res:?}");
    }

    /// The settings that point the portal at `s3://bucket/prefix` on this server.
    pub fn env(&self, bucket: &str, prefix: &str) -> Vec<(&'static str, String)> {
        vec![
            ("STORAGE", format!("s3://{bucket}/{prefix}")),
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ACCESS_KEY_ID", "test-key-id".into()),
            ("AWS_SECRET_ACCESS_KEY", "test-secret".into()),
        ]
    }

    /// The object `key` under the bucket, fetched straight from the server (not through the portal).
    pub async fn object(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        let res = reqwest::Client::new()
            .get(format!("{}/{bucket}/{key}", self.endpoint))
            .send()
            .await
            .expect("the S3 server answers");
        match res.status().as_u16() {
            404 => None,
            200 => Some(res.bytes().await.expect("a body").to_vec()),
            other => panic!("GET {key}: status {other}"),
        }
    }

    /// Every key in `bucket`, as the server lists them.
    pub async fn keys(&self, bucket: &str) -> Vec<String> {
        let body = reqwest::Client::new()
            .get(format!("{}/{bucket}?list-type=2", self.endpoint))
            .send()
            .await
            .expect("the S3 server answers")
            .text()
            .await
            .expect("a listing");
        let mut keys: Vec<String> = body
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split_once("</Key>").map(|(k, _)| k.to_owned()))
            .collect();
        keys.sort();
        keys
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}
