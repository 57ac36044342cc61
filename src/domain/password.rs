//! The password rules of NIST SP 800-63B as SECURITY.md states them: long enough, not too long to
//! hash, no composition rules, and not a common password or a word of the portal's own context.

/// Why a password was refused; each maps to a message in the catalogues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("shorter than {MIN_CHARS} characters")]
    TooShort,
    #[error("longer than {MAX_CHARS} characters")]
    TooLong,
    #[error("a commonly used password")]
    Common,
    #[error("built from the portal's or the institution's name")]
    ContextWord,
}

impl PasswordProblem {
    /// The catalogue key of the message that explains the problem.
    pub fn message_key(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "password-too-short",
            PasswordProblem::TooLong => "password-too-long",
            PasswordProblem::Common => "password-common",
            PasswordProblem::ContextWord => "password-context",
        }
    }
}

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 256;

/// Words an attacker would try first against this portal.
const PORTAL_WORDS: &[&str] = &[
    "stablereg",
    "stablecoin",
    "regulator",
    "registration",
    "issuer",
    "reserve",
    "attestation",
    "금융위원회",
    "금융감독원",
    "스테이블코인",
    "stable",
    "coin",
    "fsc",
    "fss",
];

/// Checks a new password. `context` holds words of the user's own context (their email's local
/// part, their institution's names), which are refused like the portal's words.
pub fn check(password: &str, context: &[&str]) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lowered = password.to_lowercase();
    if passwords::analyzer::is_common_password(password)
        || passwords::analyzer::is_common_password(&lowered)
    {
        return Err(PasswordProblem::Common);
    }
    if is_context_word(&lowered, context) {
        return Err(PasswordProblem::ContextWord);
    }
    Ok(())
}

/// Why a new password, typed twice, was refused: by the rules, or because the copies differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewPasswordProblem {
    Rules(PasswordProblem),
    Mismatch,
}

impl NewPasswordProblem {
    /// The form field the message stands beside.
    pub fn field(self) -> &'static str {
        match self {
            NewPasswordProblem::Rules(_) => "password",
            NewPasswordProblem::Mismatch => "confirm",
        }
    }

    pub fn message_key(self) -> &'static str {
        match self {
            NewPasswordProblem::Rules(problem) => problem.message_key(),
            NewPasswordProblem::Mismatch => "password-mismatch",
        }
    }
}

/// Checks a new password and its confirmation: the rules first, then that both copies agree.
pub fn check_new(
    password: &str,
    confirm: &str,
    context: &[&str],
) -> Result<(), NewPasswordProblem> {
    problems_of_new(password, confirm, context)
        .into_iter()
        .next()
        .map_or(Ok(()), Err)
}

/// Every problem of a new password and its confirmation, the rules' first: a form reports them
/// all in one round rather than the mismatch only once the password itself is fixed.
pub fn problems_of_new(password: &str, confirm: &str, context: &[&str]) -> Vec<NewPasswordProblem> {
    let mut problems = Vec::new();
    if let Err(problem) = check(password, context) {
        problems.push(NewPasswordProblem::Rules(problem));
    }
    if password != confirm {
        problems.push(NewPasswordProblem::Mismatch);
    }
    problems
}

/// A password is "built from" a context word when, once that word and digits and punctuation are
/// taken out, fewer than 6 characters of its own remain (so "Stablecoin2026!" is refused but a
/// long passphrase that happens to contain "coin" is not).
fn is_context_word(lowered: &str, context: &[&str]) -> bool {
    let words = PORTAL_WORDS.iter().copied().chain(context.iter().copied());
    words
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3)
        .any(|word| {
            if !lowered.contains(&word) {
                return false;
            }
            let rest = lowered.replace(&word, "");
            rest.chars().filter(|c| c.is_alphabetic()).count() < 6
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(check("abcdefghijk", &[]), Err(PasswordProblem::TooShort));
        assert_eq!(check("kettle-ruby-wh", &[]), Ok(()));
        assert_eq!(check(&("z".repeat(11) + "q"), &[]), Ok(()));
        assert_eq!(check(&"correct horse ".repeat(10)[..128], &[]), Ok(()));
        assert_eq!(
            check(&"x".repeat(MAX_CHARS + 1), &[]),
            Err(PasswordProblem::TooLong)
        );
        // Eleven characters of Hangul are still eleven, however many bytes they take.
        assert_eq!(
            check("가나다라마바사아자차카", &[]),
            Err(PasswordProblem::TooShort)
        );
    }

    #[test]
    fn a_new_password_meets_the_rules_before_its_copy_is_compared() {
        assert_eq!(
            check_new("short", "other", &[]),
            Err(NewPasswordProblem::Rules(PasswordProblem::TooShort))
        );
        assert_eq!(
            check_new("kettle-ruby-wh", "kettle-ruby-wx", &[]),
            Err(NewPasswordProblem::Mismatch)
        );
        assert_eq!(check_new("kettle-ruby-wh", "kettle-ruby-wh", &[]), Ok(()));
    }

    #[test]
    fn every_problem_of_a_new_password_is_found_at_once() {
        assert_eq!(
            problems_of_new("short", "other", &[]),
            vec![
                NewPasswordProblem::Rules(PasswordProblem::TooShort),
                NewPasswordProblem::Mismatch
            ]
        );
        assert_eq!(
            problems_of_new("kettle-ruby-wh", "kettle-ruby-wx", &[]),
            vec![NewPasswordProblem::Mismatch]
        );
        assert!(problems_of_new("kettle-ruby-wh", "kettle-ruby-wh", &[]).is_empty());
    }

    #[test]
    fn emoji_and_any_script_are_welcome() {
        assert_eq!(check("🦀🔐 무지개 다리 건너 🌈🌉", &[]), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused() {
        assert_eq!(check("123456789012", &[]), Err(PasswordProblem::Common));
        assert_eq!(check("qwertyuiop123", &[]), Err(PasswordProblem::Common));
        assert_eq!(check("PASSWORD1234", &[]), Err(PasswordProblem::Common));
    }

    #[test]
    fn the_portals_and_the_users_context_are_refused() {
        assert_eq!(
            check("Stablecoin2026!", &[]),
            Err(PasswordProblem::ContextWord)
        );
        assert_eq!(
            check("regulator#12345", &[]),
            Err(PasswordProblem::ContextWord)
        );
        assert_eq!(
            check("HanbitBank2026!!", &["hanbitbank"]),
            Err(PasswordProblem::ContextWord)
        );
        assert_eq!(
            check("a stablecoin is only as good as its reserves", &[]),
            Ok(())
        );
    }
}
