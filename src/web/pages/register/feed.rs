//! GET /register/feed.atom: the register's changes (registrations, suspensions, reinstatements,
//! revocations), newest first, as an Atom feed (RFC 4287) for those who watch the register.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use super::PUBLIC_MAX_AGE;
use crate::db::register::NamedEvent;
use crate::error::AppResult;
use crate::services::register as service;
use crate::web::AppState;

/// `text` with the five characters XML gives meaning escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn rfc3339(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The English words of a status change (the feed is one document for every reader).
fn title_of(e: &NamedEvent) -> String {
    let what = match e.event.status {
        crate::domain::register::RegisterStatus::Registered => "registered",
        crate::domain::register::RegisterStatus::Suspended => "suspended",
        crate::domain::register::RegisterStatus::Revoked => "revoked",
    };
    format!(
        "{} ({}, {}): {what} from {}",
        e.legal_name_en, e.event.registration_number, e.ticker, e.event.effective_on
    )
}

fn entry_xml(base: &str, host: &str, e: &NamedEvent) -> String {
    let link = format!("{base}/register/{}", e.event.registration_number);
    let mut summary = format!(
        "{} / {}: {} {}",
        e.legal_name_ko,
        e.legal_name_en,
        e.event.status.as_str(),
        e.event.effective_on
    );
    if let Some(note) = &e.event.note {
        summary.push_str(". ");
        summary.push_str(note);
    }
    format!(
        "  <entry>\n    <id>tag:{host},2026:register-event:{seq}</id>\n    <title>{title}</title>\n    \
         <updated>{updated}</updated>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n    \
         <summary>{summary}</summary>\n  </entry>\n",
        seq = e.event.seq,
        title = escape(&title_of(e)),
        updated = rfc3339(&e.event.occurred_at),
        link = escape(&link),
        summary = escape(&summary),
    )
}

/// The feed's document for `events` (newest first).
pub fn atom(base: &str, host: &str, events: &[NamedEvent]) -> String {
    let updated = events.first().map_or_else(
        || "2026-01-01T00:00:00Z".to_owned(),
        |e| rfc3339(&e.event.occurred_at),
    );
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  \
         <id>tag:{host},2026:register</id>\n  <title>Public register of stablecoin issuers: changes</title>\n  \
         <updated>{updated}</updated>\n  <author><name>Financial Services Commission</name></author>\n  \
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{base}/register/feed.atom\"/>\n  \
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}/register\"/>\n",
        host = escape(host),
        base = escape(base),
    );
    for e in events {
        xml.push_str(&entry_xml(base, host, e));
    }
    xml.push_str("</feed>\n");
    xml
}

pub async fn feed(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let events = service::latest_events(&mut conn).await?;
    let base = state.settings.base_url.as_str().trim_end_matches('/');
    let host = state.settings.base_url.host_str().unwrap_or("localhost");
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, PUBLIC_MAX_AGE))
        .body(atom(base, host, &events)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            super::escape("A&B <c> \"d\" 'e'\u{1}"),
            "A&amp;B &lt;c&gt; &quot;d&quot; &apos;e&apos;"
        );
    }
}
