//! The audit log in words: each action's name (for the filter) and the sentence that tells of it,
//! as catalogue keys written out per variant, so a new action cannot be added without both.

use super::{Action, ObjectType};

impl Action {
    /// The catalogue key of the action's short name ("Account deactivated"), for the filter.
    pub fn label_key(self) -> &'static str {
        match self {
            Action::SignInPasswordAccepted => "audit-action-sign-in-password-accepted",
            Action::SignInSucceeded => "audit-action-sign-in-succeeded",
            Action::SignInFailed => "audit-action-sign-in-failed",
            Action::SignInRefused => "audit-action-sign-in-refused",
            Action::SignOut => "audit-action-sign-out",
            Action::AccountLocked => "audit-action-account-locked",
            Action::AccountUnlocked => "audit-action-account-unlocked",
            Action::ReauthenticationFailed => "audit-action-reauthentication-failed",
            Action::MfaEnrolled => "audit-action-mfa-enrolled",
            Action::MfaFailed => "audit-action-mfa-failed",
            Action::MfaRecoveryCodeUsed => "audit-action-mfa-recovery-code-used",
            Action::MfaRemoved => "audit-action-mfa-removed",
            Action::MfaResetByAdmin => "audit-action-mfa-reset-by-admin",
            Action::PasswordChanged => "audit-action-password-changed",
            Action::PasswordResetRequested => "audit-action-password-reset-requested",
            Action::PasswordReset => "audit-action-password-reset",
            Action::EmailVerified => "audit-action-email-verified",
            Action::EmailChangeRequested => "audit-action-email-change-requested",
            Action::EmailChanged => "audit-action-email-changed",
            Action::EmailChangeAddressInUse => "audit-action-email-change-address-in-use",
            Action::UserCreated => "audit-action-user-created",
            Action::UserInvited => "audit-action-user-invited",
            Action::UserInvitationRenewed => "audit-action-user-invitation-renewed",
            Action::UserInviteRefused => "audit-action-user-invite-refused",
            Action::InvitationAccepted => "audit-action-invitation-accepted",
            Action::UserRoleChanged => "audit-action-user-role-changed",
            Action::UserSignatoryChanged => "audit-action-user-signatory-changed",
            Action::UserLanguageChanged => "audit-action-user-language-changed",
            Action::UserDeactivated => "audit-action-user-deactivated",
            Action::UserReactivated => "audit-action-user-reactivated",
            Action::UserToldOfAddressUse => "audit-action-user-told-of-address-use",
            Action::InstitutionSignedUp => "audit-action-institution-signed-up",
            Action::InstitutionSignupLapsed => "audit-action-institution-signup-lapsed",
            Action::InstitutionStatusChanged => "audit-action-institution-status-changed",
            Action::SignupRefused => "audit-action-signup-refused",
            Action::ApplicationStarted => "audit-action-application-started",
            Action::SectionSaved => "audit-action-section-saved",
            Action::AttestationImported => "audit-action-attestation-imported",
            Action::DocumentUploaded => "audit-action-document-uploaded",
            Action::DocumentDownloaded => "audit-action-document-downloaded",
            Action::ApplicationSubmitted => "audit-action-application-submitted",
            Action::ApplicationWithdrawn => "audit-action-application-withdrawn",
            Action::RuleSettingsChanged => "audit-action-rules-changed",
            Action::AuditExported => "audit-action-audit-exported",
        }
    }

    /// The catalogue key of the sentence that tells of it, with `$actor` and `$object`.
    pub fn sentence_key(self) -> &'static str {
        match self {
            Action::SignInPasswordAccepted => "audit-sentence-sign-in-password-accepted",
            Action::SignInSucceeded => "audit-sentence-sign-in-succeeded",
            Action::SignInFailed => "audit-sentence-sign-in-failed",
            Action::SignInRefused => "audit-sentence-sign-in-refused",
            Action::SignOut => "audit-sentence-sign-out",
            Action::AccountLocked => "audit-sentence-account-locked",
            Action::AccountUnlocked => "audit-sentence-account-unlocked",
            Action::ReauthenticationFailed => "audit-sentence-reauthentication-failed",
            Action::MfaEnrolled => "audit-sentence-mfa-enrolled",
            Action::MfaFailed => "audit-sentence-mfa-failed",
            Action::MfaRecoveryCodeUsed => "audit-sentence-mfa-recovery-code-used",
            Action::MfaRemoved => "audit-sentence-mfa-removed",
            Action::MfaResetByAdmin => "audit-sentence-mfa-reset-by-admin",
            Action::PasswordChanged => "audit-sentence-password-changed",
            Action::PasswordResetRequested => "audit-sentence-password-reset-requested",
            Action::PasswordReset => "audit-sentence-password-reset",
            Action::EmailVerified => "audit-sentence-email-verified",
            Action::EmailChangeRequested => "audit-sentence-email-change-requested",
            Action::EmailChanged => "audit-sentence-email-changed",
            Action::EmailChangeAddressInUse => "audit-sentence-email-change-address-in-use",
            Action::UserCreated => "audit-sentence-user-created",
            Action::UserInvited => "audit-sentence-user-invited",
            Action::UserInvitationRenewed => "audit-sentence-user-invitation-renewed",
            Action::UserInviteRefused => "audit-sentence-user-invite-refused",
            Action::InvitationAccepted => "audit-sentence-invitation-accepted",
            Action::UserRoleChanged => "audit-sentence-user-role-changed",
            Action::UserSignatoryChanged => "audit-sentence-user-signatory-changed",
            Action::UserLanguageChanged => "audit-sentence-user-language-changed",
            Action::UserDeactivated => "audit-sentence-user-deactivated",
            Action::UserReactivated => "audit-sentence-user-reactivated",
            Action::UserToldOfAddressUse => "audit-sentence-user-told-of-address-use",
            Action::InstitutionSignedUp => "audit-sentence-institution-signed-up",
            Action::InstitutionSignupLapsed => "audit-sentence-institution-signup-lapsed",
            Action::InstitutionStatusChanged => "audit-sentence-institution-status-changed",
            Action::SignupRefused => "audit-sentence-signup-refused",
            Action::ApplicationStarted => "audit-sentence-application-started",
            Action::SectionSaved => "audit-sentence-section-saved",
            Action::AttestationImported => "audit-sentence-attestation-imported",
            Action::DocumentUploaded => "audit-sentence-document-uploaded",
            Action::DocumentDownloaded => "audit-sentence-document-downloaded",
            Action::ApplicationSubmitted => "audit-sentence-application-submitted",
            Action::ApplicationWithdrawn => "audit-sentence-application-withdrawn",
            Action::RuleSettingsChanged => "audit-sentence-rules-changed",
            Action::AuditExported => "audit-sentence-audit-exported",
        }
    }
}

impl ObjectType {
    /// The catalogue key of the kind's name, for an object the portal no longer holds.
    pub fn label_key(self) -> &'static str {
        match self {
            ObjectType::User => "audit-object-user",
            ObjectType::Institution => "audit-object-institution",
            ObjectType::AuditLog => "audit-object-audit-log",
            ObjectType::Application => "audit-object-application",
            ObjectType::Document => "audit-object-document",
            ObjectType::RuleSettings => "audit-object-rule-settings",
        }
    }
}
