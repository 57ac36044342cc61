//! A small SMTP server for the tests: it speaks enough of RFC 5321 for a real client (lettre) to
//! deliver to it, and keeps every message it accepts. Mailboxes named `nobody-here@…` do not
//! exist (their RCPT gets 550 5.1.1), and senders named `blocked-sender@…` are refused (550 5.7.1).

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub struct SmtpServer {
    pub messages: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpServer {
    pub async fn start(port: u16) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("the SMTP port is free");
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, store.clone()));
            }
        });
        SmtpServer { messages, task }
    }

    pub fn received(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn session(stream: tokio::net::TcpStream, store: Arc<Mutex<Vec<String>>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    if write
        .write_all(b"220 test-smtp ESMTP ready\r\n")
        .await
        .is_err()
    {
        return;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("RCPT") && command.contains("NOBODY-HERE@") {
            // A mailbox this server has never had: a permanent refusal.
            b"550 5.1.1 No such mailbox\r\n"
        } else if command.starts_with("MAIL") && command.contains("BLOCKED-SENDER@") {
            // A sender this server will not relay for: the portal's configuration is wrong.
            b"550 5.7.1 Sender not allowed\r\n"
        } else if command.starts_with("EHLO") {
            b"250-test-smtp\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if command.starts_with("HELO")
            || command.starts_with("MAIL")
            || command.starts_with("RCPT")
            || command.starts_with("RSET")
            || command.starts_with("NOOP")
        {
            b"250 OK\r\n"
        } else if command == "DATA" {
            if write
                .write_all(b"354 end with <CRLF>.<CRLF>\r\n")
                .await
                .is_err()
            {
                return;
            }
            let mut message = String::new();
            while let Ok(Some(data)) = lines.next_line().await {
                let data = data.trim_end_matches('\r');
                if data == "." {
                    break;
                }
                message.push_str(data.strip_prefix('.').unwrap_or(data));
                message.push('\n');
            }
            store.lock().unwrap().push(message);
            b"250 OK queued\r\n"
        } else if command == "QUIT" {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"502 not implemented\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
