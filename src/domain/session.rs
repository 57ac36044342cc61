//! How far signing in has got: the stages a session climbs through, stored with the session.

use super::code::coded;

coded! {
    /// A session starts anonymous and climbs; a new session token is issued at every climb.
    pub enum Stage {
        /// Nobody signed in; the session carries the CSRF token of the public forms.
        Anonymous => "anonymous",
        /// The password was right; the second factor (or its enrolment) is still to come.
        PasswordVerified => "password_verified",
        SignedIn => "signed_in",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_keep_their_stored_codes() {
        let codes: Vec<_> = Stage::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(codes, ["anonymous", "password_verified", "signed_in"]);
        assert!(
            "signed-in".parse::<Stage>().is_err(),
            "no fallback to anonymous"
        );
    }
}
