//! The decision letter: a printable page in the applicant's language with the reference, the
//! registration number, the decision with its reasons and conditions, the approver's name, title
//! and date, and a QR code of the issuer's public register page, so anyone holding the letter can
//! check it. The issuer's members read their own at /applications/{id}/letter, staff at
//! /review/{id}/letter.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use qrcode::QrCode;
use qrcode::render::svg;
use uuid::Uuid;

use crate::config::Settings;
use crate::domain::review::consultation::Decision;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::services::application as applications;
use crate::services::review::{self, decisions::Letter};
use crate::web::extract::{IssuerMember, Staff};
use crate::web::reply::page;
use crate::web::{AppState, PageContext};

#[derive(Template)]
#[template(path = "review/letter.html")]
struct LetterPage {
    ctx: PageContext,
    letter: Letter,
    /// The letter's own language (the applicant's), whatever the page around it is in.
    lang: Lang,
    approved: bool,
    /// The decision's date in Seoul.
    decided_on: String,
    /// The public register page the QR code leads to, when the letter is an approval.
    register_url: Option<String>,
    /// The QR code of `register_url`, an SVG drawing made here from our own URL.
    qr_svg: Option<String>,
}

impl LetterPage {
    /// The applicant's legal name in the letter's language.
    fn addressee(&self) -> &str {
        self.letter.institution.name(self.lang)
    }
}

/// The public register page of a registration number.
pub fn register_url(settings: &Settings, number: &str) -> String {
    settings.url(&format!("/register/{number}"))
}

/// The QR code of `url` as an inline SVG image with its text alternative.
fn qr_svg(url: &str, label: &str) -> AppResult<String> {
    let code = QrCode::new(url.as_bytes()).map_err(|e| AppError::Internal(e.into()))?;
    let drawing = code
        .render::<svg::Color>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    // The XML prolog belongs to a file, not to an element inside a page.
    let element = drawing
        .find("<svg")
        .map_or(drawing.as_str(), |at| &drawing[at..]);
    let label = askama::filters::escape(label, askama::filters::Html)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?
        .to_string();
    Ok(element.replacen(
        "<svg ",
        &format!(r#"<svg role="img" aria-label="{label}" class="portal-qr" "#),
        1,
    ))
}

fn letter_page(ctx: PageContext, settings: &Settings, letter: Letter) -> AppResult<HttpResponse> {
    let lang = letter.lang;
    let approved = letter.proposal.decision == Some(Decision::Approved);
    let register_url = letter
        .proposal
        .registration_number
        .as_deref()
        .map(|n| register_url(settings, n));
    let qr_svg = match &register_url {
        Some(url) => Some(qr_svg(url, &lang.t("letter-qr-label"))?),
        None => None,
    };
    let decided_on = letter
        .proposal
        .decided_at
        .map(|at| crate::domain::calendar::seoul_date(at).to_string())
        .unwrap_or_default();
    let shown = LetterPage {
        ctx,
        letter,
        lang,
        approved,
        decided_on,
        register_url,
        qr_svg,
    };
    page(&shown, StatusCode::OK)
}

pub async fn for_issuer(
    ctx: PageContext,
    member: IssuerMember,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let case = applications::of_member(&mut conn, *id, member.institution).await?;
    let letter = review::decisions::letter(&mut conn, case).await?;
    letter_page(ctx, &state.settings, letter)
}

pub async fn for_staff(
    ctx: PageContext,
    _staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let case = review::case(&mut conn, *id).await?;
    let letter = review::decisions::letter(&mut conn, case).await?;
    letter_page(ctx, &state.settings, letter)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_qr_code_is_an_inline_image_with_words() {
        let svg = super::qr_svg(
            "https://portal.example/register/KRSC-2026-0001",
            "Check \"me\"",
        )
        .unwrap();
        assert!(
            svg.starts_with(
                r#"<svg role="img" aria-label="Check &#34;me&#34;" class="portal-qr" "#
            ) || svg.starts_with(
                r#"<svg role="img" aria-label="Check &quot;me&quot;" class="portal-qr" "#
            ),
            "{svg}"
        );
        assert!(!svg.contains("<?xml"));
        assert!(svg.ends_with("</svg>"));
    }
}
