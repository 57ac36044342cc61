//! Reading the numbers people type (amounts, percentages) into exact integers of a smallest unit:
//! full-width digits normalised, thousands separators checked, never through a float.

/// Why typed text is not a number of the expected shape; the value types map it to their own
/// problems (and message keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberError {
    Empty,
    /// Not digits, or thousands separators out of place.
    Format,
    Negative,
    /// More decimals than the unit allows (any at all for won).
    Decimals,
    TooLarge,
}

/// The text with full-width digits, comma, full stop and minus (as a Korean IME types them)
/// turned into their ASCII forms, and surrounding blanks removed.
pub(crate) fn normalise(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '，' => ',',
            '．' => '.',
            '－' | '−' => '-',
            '％' => '%',
            _ => c,
        })
        .collect()
}

/// `raw` as an integer count of 10^-`decimals` units: "1,234.5" with 2 decimals is 123450.
/// Thousands separators are optional, but where present they must group the integer part by three.
pub(crate) fn parse_scaled(raw: &str, decimals: u32) -> Result<i64, NumberError> {
    let text = normalise(raw);
    if text.is_empty() {
        return Err(NumberError::Empty);
    }
    if text.starts_with('-') {
        return Err(NumberError::Negative);
    }
    let text = text.strip_prefix('+').unwrap_or(&text);
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let whole = whole_digits(whole)?;
    let fraction = match fraction {
        None => "",
        Some(f) if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) => {
            return Err(NumberError::Format);
        }
        Some(f) if f.len() > decimals as usize => return Err(NumberError::Decimals),
        Some(f) => f,
    };
    let scale = 10i64.pow(decimals);
    let whole: i64 = whole.parse().map_err(|_| NumberError::TooLarge)?;
    let mut minor: i64 = 0;
    for (i, digit) in fraction.chars().enumerate() {
        let value = i64::from(digit.to_digit(10).unwrap_or(0));
        minor += value * 10i64.pow(decimals - 1 - i as u32);
    }
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(minor))
        .ok_or(NumberError::TooLarge)
}

/// The digits of an integer part, with its thousands separators checked and removed.
fn whole_digits(whole: &str) -> Result<String, NumberError> {
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit() || c == ',') {
        return Err(NumberError::Format);
    }
    if whole.contains(',') {
        let mut groups = whole.split(',');
        let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
        if !first_ok || !groups.all(|g| g.len() == 3) {
            return Err(NumberError::Format);
        }
    }
    Ok(whole.replace(',', ""))
}

/// `value` with a comma between each group of three digits: 5000000000 → "5,000,000,000".
pub(crate) fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_separators_and_full_width_forms() {
        assert_eq!(parse_scaled("5,000,000,000", 0), Ok(5_000_000_000));
        assert_eq!(parse_scaled(" 5000000000 ", 0), Ok(5_000_000_000));
        assert_eq!(parse_scaled("５，０００", 0), Ok(5000));
        assert_eq!(parse_scaled("+12", 0), Ok(12));
        assert_eq!(parse_scaled("0", 0), Ok(0));
        assert_eq!(parse_scaled("50,00", 0), Err(NumberError::Format));
        assert_eq!(parse_scaled("1,0000", 0), Err(NumberError::Format));
        assert_eq!(parse_scaled(",100", 0), Err(NumberError::Format));
        assert_eq!(parse_scaled("1 000", 0), Err(NumberError::Format));
        assert_eq!(parse_scaled("12원", 0), Err(NumberError::Format));
        assert_eq!(parse_scaled("", 0), Err(NumberError::Empty));
        assert_eq!(parse_scaled("  ", 0), Err(NumberError::Empty));
        assert_eq!(parse_scaled("-5", 0), Err(NumberError::Negative));
        assert_eq!(parse_scaled("－5", 0), Err(NumberError::Negative));
        assert_eq!(
            parse_scaled("99999999999999999999", 0),
            Err(NumberError::TooLarge)
        );
        assert_eq!(parse_scaled("9,223,372,036,854,775,807", 0), Ok(i64::MAX));
    }

    #[test]
    fn decimals_are_scaled_exactly() {
        assert_eq!(parse_scaled("12.5", 0), Err(NumberError::Decimals));
        assert_eq!(parse_scaled("12.34", 2), Ok(1234));
        assert_eq!(parse_scaled("12.3", 2), Ok(1230));
        assert_eq!(parse_scaled("0.01", 2), Ok(1));
        assert_eq!(parse_scaled("1,234.56", 2), Ok(123_456));
        assert_eq!(parse_scaled("12.345", 2), Err(NumberError::Decimals));
        assert_eq!(parse_scaled("12.", 2), Err(NumberError::Format));
        assert_eq!(parse_scaled(".5", 2), Err(NumberError::Format));
        assert_eq!(parse_scaled("1.2.3", 2), Err(NumberError::Format));
        assert_eq!(
            parse_scaled("92233720368547758.08", 2),
            Err(NumberError::TooLarge)
        );
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(5_000_000_000), "5,000,000,000");
        assert_eq!(group_thousands(123_456), "123,456");
    }
}
