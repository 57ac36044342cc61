//! Time-based one-time codes (RFC 6238: 30 s steps, 6 digits, one step of drift either way) and the
//! enrolment QR code, drawn on the server as SVG.

use totp_rs::{Algorithm, Secret, Totp};

/// What an authenticator app shows as the account's issuer.
const ISSUER: &str = "stablereg";

/// Secret bytes, base32-encoded as authenticator apps expect them typed.
pub fn secret_from_bytes(bytes: &[u8]) -> String {
    Secret::from(bytes.to_vec()).to_base32()
}

/// A new random secret, base32-encoded as authenticator apps expect it typed.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    Secret::from(bytes.to_vec()).to_base32()
}

fn totp(secret_base32: &str, account: &str) -> anyhow::Result<Totp> {
    let secret = Secret::try_from_base32(secret_base32)
        .map_err(|e| anyhow::anyhow!("bad TOTP secret: {e:?}"))?;
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        // The otpauth label separates issuer and account with ':', so one inside the account
        // would make the URL invalid; authenticator apps only show the label.
        .with_account_name(account.replace(':', "_"))
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build TOTP: {e:?}"))
}

/// The time step `code` belongs to, if it is valid at `unix_time`. The caller accepts it only when
/// the step is later than the last one it accepted, so each code works once.
pub fn matching_step(secret_base32: &str, code: &str, unix_time: u64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let totp = totp(secret_base32, "").ok()?;
    totp.check(&code, unix_time).map(|step| step as i64)
}

/// The code for `unix_time` (the demo and the tests compute codes as an authenticator app would).
pub fn code_at(secret_base32: &str, unix_time: u64) -> anyhow::Result<String> {
    Ok(totp(secret_base32, "")?.generate(unix_time).to_string())
}

/// The enrolment QR code as an SVG image, with the `otpauth://` URL in it.
pub fn qr_svg(secret_base32: &str, account: &str) -> anyhow::Result<String> {
    let url = totp(secret_base32, account)?
        .to_url()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let code = qrcode::QrCode::new(url.as_bytes())?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // The image goes inline into an HTML page, where the XML declaration the renderer puts first
    // is an error: what is inlined starts at `<svg`.
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    })
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_one_step_of_drift_only() {
        let secret = new_secret();
        let t = 1_800_000_000;
        let code = code_at(&secret, t).unwrap();
        assert_eq!(code.len(), 6);
        assert_eq!(matching_step(&secret, &code, t), Some((t / 30) as i64));
        assert_eq!(
            matching_step(&secret, &code, t + 30),
            Some((t / 30) as i64),
            "one step late is fine"
        );
        assert_eq!(
            matching_step(&secret, &code, t + 60),
            None,
            "two steps late is not"
        );
        assert_eq!(matching_step(&secret, "000000x", t), None);
    }

    #[test]
    fn the_qr_code_is_an_svg() {
        let svg = qr_svg(&new_secret(), "reviewer@fsc.example").unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }

    #[test]
    fn the_qr_code_has_no_xml_declaration_to_break_the_page_it_is_inlined_in() {
        let svg = qr_svg(&new_secret(), "reviewer@fsc.example").unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
    }

    #[test]
    fn a_colon_in_the_account_cannot_break_the_qr_code() {
        assert!(qr_svg(&new_secret(), "kim:lee@[IPv6:::1]").is_ok());
    }
}
