//! What the audit log says happened, and to what kind of object: one variant per action the portal
//! records, each stored as the code it has always had (the log is read back and filtered by it).

use crate::domain::code::coded;

coded! {
    pub enum Action {
        // Signing in and out.
        SignInPasswordAccepted => "sign_in.password_accepted",
        SignInSucceeded => "sign_in.succeeded",
        SignInFailed => "sign_in.failed",
        SignInRefused => "sign_in.refused",
        SignOut => "sign_out",
        AccountLocked => "account.locked",
        AccountUnlocked => "account.unlocked",
        ReauthenticationFailed => "reauthentication.failed",
        // The second factor.
        MfaEnrolled => "mfa.enrolled",
        MfaFailed => "mfa.failed",
        MfaRecoveryCodeUsed => "mfa.recovery_code_used",
        MfaRemoved => "mfa.removed",
        MfaResetByAdmin => "mfa.reset_by_admin",
        // Passwords and addresses.
        PasswordChanged => "password.changed",
        PasswordResetRequested => "password.reset_requested",
        PasswordReset => "password.reset",
        EmailVerified => "email.verified",
        EmailChangeRequested => "email.change_requested",
        EmailChanged => "email.changed",
        EmailChangeAddressInUse => "email_change.address_in_use",
        // Accounts.
        UserCreated => "user.created",
        UserInvited => "user.invited",
        UserInvitationRenewed => "user.invitation_renewed",
        UserInviteRefused => "user.invite_refused",
        InvitationAccepted => "invitation.accepted",
        UserRoleChanged => "user.role_changed",
        UserSignatoryChanged => "user.signatory_changed",
        UserLanguageChanged => "user.language_changed",
        UserDeactivated => "user.deactivated",
        UserReactivated => "user.reactivated",
        UserToldOfAddressUse => "user.told_of_address_use",
        // Institutions.
        InstitutionSignedUp => "institution.signed_up",
        InstitutionSignupLapsed => "institution.signup_lapsed",
        InstitutionStatusChanged => "institution.status_changed",
        SignupRefused => "signup.refused",
        // The registration application.
        ApplicationStarted => "application.started",
        SectionSaved => "application.section_saved",
        AttestationImported => "application.attestation_imported",
        DocumentUploaded => "document.uploaded",
        DocumentDownloaded => "document.downloaded",
        ApplicationSubmitted => "application.submitted",
        ApplicationWithdrawn => "application.withdrawn",
        RuleSettingsChanged => "rules.changed",
        // The regulator's review.
        CaseAssigned => "review.assigned",
        CompletenessConfirmed => "review.completeness_confirmed",
        InformationRequested => "review.information_requested",
        InformationAnswered => "review.information_answered",
        InformationItemClosed => "review.information_item_closed",
        InformationItemAnswered => "review.information_item_answered",
        ConsultationSent => "review.consultation_sent",
        OpinionRecorded => "review.opinion_recorded",
        DecisionProposed => "review.decision_proposed",
        ApplicationApproved => "review.approved",
        ApplicationRejected => "review.rejected",
        ProposalReturned => "review.proposal_returned",
        ReviewNoteAdded => "review.note_added",
        SectionOutcomeSet => "review.section_outcome_set",
        HolidayAdded => "calendar.holiday_added",
        HolidayRemoved => "calendar.holiday_removed",
        RegisterStatusChanged => "register.status_changed",
        // The log itself.
        AuditExported => "audit.exported",
    }
}

coded! {
    /// The kind of thing an action was done to; the row's object id says which one.
    pub enum ObjectType {
        User => "user",
        Institution => "institution",
        AuditLog => "audit_log",
        Application => "application",
        Document => "document",
        RuleSettings => "rule_settings",
        RegisterEntry => "register_entry",
        Holiday => "holiday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_as_itself() {
        for action in Action::ALL {
            assert_eq!(action.as_str().parse::<Action>(), Ok(*action));
        }
        assert_eq!(Action::ALL.len(), 61);
        assert!("user.exploded".parse::<Action>().is_err());
        assert_eq!(Action::SignOut.to_string(), "sign_out");
        assert_eq!(ObjectType::Institution.as_str(), "institution");
    }
}
