//! How many invitations the portal sends: per inviter and per institution in an hour and in a day,
//! and per recipient address in a day, so that an account (anyone can sign up) cannot make the portal
//! mail many people, or one person many times.

/// Invitations one person may send in an hour.
pub const PER_INVITER_PER_HOUR: i64 = 10;
/// Invitations one person may send in a day.
pub const PER_INVITER_PER_DAY: i64 = 30;
/// Invitations one institution's administrators may send together in an hour.
pub const PER_INSTITUTION_PER_HOUR: i64 = 20;
/// Invitations one institution's administrators may send together in a day.
pub const PER_INSTITUTION_PER_DAY: i64 = 50;
/// Invitations one address may receive in a day, from anyone.
pub const PER_ADDRESS_PER_DAY: i64 = 3;

/// Where an invitation stands, as its inviter sees it: the same for every address, whether or not it
/// had an account, so the list of invitations tells nothing about other institutions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationState {
    /// Its link may still be used.
    Waiting,
    /// Its owner set a password and is a member now.
    Accepted,
    /// Its link has run out unused.
    Expired,
}

impl InvitationState {
    /// Where an invitation sent `age` ago stands, given whether its account was accepted into the
    /// inviter's institution and how long its link works.
    pub fn of(accepted: bool, age: chrono::Duration, lifetime: chrono::Duration) -> Self {
        if accepted {
            InvitationState::Accepted
        } else if age < lifetime {
            InvitationState::Waiting
        } else {
            InvitationState::Expired
        }
    }

    /// The catalogue key of the state's name.
    pub fn label_key(self) -> &'static str {
        match self {
            InvitationState::Waiting => "invitation-waiting",
            InvitationState::Accepted => "invitation-accepted",
            InvitationState::Expired => "invitation-expired",
        }
    }
}

/// Invitations already sent in the windows the limits look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    pub by_inviter_last_hour: i64,
    pub by_inviter_last_day: i64,
    /// Zero for invitations that are not into an institution (the regulator's staff).
    pub by_institution_last_hour: i64,
    pub by_institution_last_day: i64,
    pub to_address_last_day: i64,
}

/// Which limit one more invitation would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Inviter,
    Institution,
    Address,
}

/// Whether one more invitation may be sent after those already `sent`.
pub fn may_send(sent: &Sent) -> Result<(), Limit> {
    if sent.by_inviter_last_hour >= PER_INVITER_PER_HOUR
        || sent.by_inviter_last_day >= PER_INVITER_PER_DAY
    {
        return Err(Limit::Inviter);
    }
    if sent.by_institution_last_hour >= PER_INSTITUTION_PER_HOUR
        || sent.by_institution_last_day >= PER_INSTITUTION_PER_DAY
    {
        return Err(Limit::Institution);
    }
    if sent.to_address_last_day >= PER_ADDRESS_PER_DAY {
        return Err(Limit::Address);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_waits_until_accepted_or_run_out() {
        let lifetime = chrono::Duration::hours(72);
        let hour = chrono::Duration::hours(1);
        assert_eq!(
            InvitationState::of(false, hour, lifetime),
            InvitationState::Waiting
        );
        assert_eq!(
            InvitationState::of(true, hour, lifetime),
            InvitationState::Accepted
        );
        assert_eq!(
            InvitationState::of(false, lifetime, lifetime),
            InvitationState::Expired
        );
        assert_eq!(
            InvitationState::of(true, lifetime * 2, lifetime),
            InvitationState::Accepted
        );
    }

    #[test]
    fn up_to_each_limit_is_allowed() {
        let sent = Sent {
            by_inviter_last_hour: PER_INVITER_PER_HOUR - 1,
            by_inviter_last_day: PER_INVITER_PER_DAY - 1,
            by_institution_last_hour: PER_INSTITUTION_PER_HOUR - 1,
            by_institution_last_day: PER_INSTITUTION_PER_DAY - 1,
            to_address_last_day: PER_ADDRESS_PER_DAY - 1,
        };
        assert_eq!(may_send(&sent), Ok(()));
        assert_eq!(may_send(&Sent::default()), Ok(()));
    }

    #[test]
    fn each_limit_holds() {
        let at = |f: fn(&mut Sent)| {
            let mut sent = Sent::default();
            f(&mut sent);
            may_send(&sent)
        };
        assert_eq!(
            at(|s| s.by_inviter_last_hour = PER_INVITER_PER_HOUR),
            Err(Limit::Inviter)
        );
        assert_eq!(
            at(|s| s.by_inviter_last_day = PER_INVITER_PER_DAY),
            Err(Limit::Inviter)
        );
        assert_eq!(
            at(|s| s.by_institution_last_hour = PER_INSTITUTION_PER_HOUR),
            Err(Limit::Institution)
        );
        assert_eq!(
            at(|s| s.by_institution_last_day = PER_INSTITUTION_PER_DAY),
            Err(Limit::Institution)
        );
        assert_eq!(
            at(|s| s.to_address_last_day = PER_ADDRESS_PER_DAY),
            Err(Limit::Address)
        );
    }
}
