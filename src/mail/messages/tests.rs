//! Every mail in both languages, as its recipient reads it (the subject and both bodies), from
//! fixed facts: a change to any wording shows up here for review.

use insta::assert_snapshot;

use super::*;
use crate::config::Settings;
use crate::domain::Role;
use crate::mail::Message;

fn settings() -> Settings {
    Settings::from_lookup(|name| (name == "BASE_URL").then(|| "https://portal.example/".into()))
        .expect("test settings")
}

fn recipient(lang: Lang) -> Recipient<'static> {
    let name = match lang {
        Lang::Ko => "김지우",
        Lang::En => "Jiwoo Kim",
    };
    Recipient {
        email: "jiwoo.kim@hanbit.example",
        name,
        lang,
    }
}

fn institution(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "한빛은행 주식회사",
        Lang::En => "Hanbit Bank Co., Ltd.",
    }
}

fn inviter(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "박서연",
        Lang::En => "Seoyeon Park",
    }
}

/// The mail as the outbox keeps it: the recipient, the subject, the text body, the HTML body.
fn shown(message: &impl Message) -> String {
    let mail = message.compose(&settings());
    let bodies = mail.render().expect("the mail renders");
    format!(
        "To: {}\nSubject: {}\n\n{}\n---- HTML ----\n{}",
        mail.to, mail.subject, bodies.text, bodies.html
    )
}

fn snapshot(name: &str, lang: Lang, message: &impl Message) {
    assert_snapshot!(format!("{name}_{}", lang.code()), shown(message));
}

#[test]
fn verify_email() {
    for lang in Lang::ALL {
        let mail = VerifyEmail {
            to: recipient(lang),
            institution: institution(lang),
            link: "https://portal.example/verify-email/TOKEN",
        };
        snapshot("verify_email", lang, &mail);
    }
}

#[test]
fn password_reset() {
    for lang in Lang::ALL {
        let mail = PasswordReset {
            to: recipient(lang),
            link: "https://portal.example/password/reset/TOKEN",
        };
        snapshot("password_reset", lang, &mail);
    }
}

#[test]
fn address_in_use() {
    for lang in Lang::ALL {
        for (name, attempt) in [
            ("address_in_use_sign_up", AddressUse::SignUp),
            ("address_in_use_email_change", AddressUse::EmailChange),
        ] {
            let mail = AddressInUse {
                to: recipient(lang),
                attempt,
            };
            snapshot(name, lang, &mail);
        }
    }
}

#[test]
fn invitation() {
    for lang in Lang::ALL {
        for (name, invited_to) in [
            (
                "invitation_member",
                InvitedTo::Institution(institution(lang)),
            ),
            ("invitation_staff", InvitedTo::Staff(Role::Reviewer)),
        ] {
            let mail = Invitation {
                to: recipient(lang),
                inviter: inviter(lang),
                invited_to,
                link: "https://portal.example/invitation/TOKEN",
            };
            snapshot(name, lang, &mail);
        }
    }
}

#[test]
fn invitation_refused() {
    for lang in Lang::ALL {
        let mail = InvitationRefused {
            to: recipient(lang),
            inviter: inviter(lang),
        };
        snapshot("invitation_refused", lang, &mail);
    }
}

#[test]
fn confirm_new_address() {
    for lang in Lang::ALL {
        let mail = ConfirmNewAddress {
            to: Recipient {
                email: "jiwoo.kim@new.example",
                ..recipient(lang)
            },
            link: "https://portal.example/email/confirm/TOKEN",
        };
        snapshot("confirm_new_address", lang, &mail);
    }
}

#[test]
fn email_change_requested() {
    for lang in Lang::ALL {
        let mail = EmailChangeRequested {
            to: recipient(lang),
            new_email: "jiwoo.kim@new.example",
        };
        snapshot("email_change_requested", lang, &mail);
    }
}

#[test]
fn case_assigned() {
    for lang in Lang::ALL {
        let mail = CaseAssigned {
            to: recipient(lang),
            reference: "APP-2026-000123",
            institution: institution(lang),
            link: "https://portal.example/review/0190f1d2-0000-7000-8000-000000000001",
        };
        snapshot("case_assigned", lang, &mail);
    }
}

#[test]
fn completeness_confirmed() {
    for lang in Lang::ALL {
        let mail = CompletenessConfirmed {
            to: recipient(lang),
            reference: "APP-2026-000123",
            confirmed_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            deadline: chrono::NaiveDate::from_ymd_opt(2027, 3, 2).unwrap(),
            link: "https://portal.example/applications/0190f1d2-0000-7000-8000-000000000001",
        };
        snapshot("completeness_confirmed", lang, &mail);
    }
}

#[test]
fn application_received() {
    for lang in Lang::ALL {
        let mail = ApplicationReceived {
            to: recipient(lang),
            institution: institution(lang),
            reference: "APP-2026-000123",
            received_on: "2026-11-26",
            submitted_by: inviter(lang),
            link: "https://portal.example/applications/ID/submitted",
        };
        snapshot("application_received", lang, &mail);
    }
}

#[test]
fn consultation_requested() {
    for lang in Lang::ALL {
        let mail = ConsultationRequested {
            to: recipient(lang),
            reference: "APP-2026-000123",
            institution: institution(lang),
            due_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            path: "/consultations/0190f3c4-0000-7000-8000-000000000001",
        };
        snapshot("consultation_requested", lang, &mail);
    }
}

#[test]
fn information_requested() {
    for lang in Lang::ALL {
        let mail = InformationRequested {
            to: recipient(lang),
            institution: institution(lang),
            reference: "APP-2026-000123",
            items: 2,
            due_on: "2026-12-10",
            link: "https://portal.example/applications/ID/requests/RID",
        };
        snapshot("information_requested", lang, &mail);
    }
}

#[test]
fn decision_made() {
    for lang in Lang::ALL {
        let approved = DecisionMade {
            to: recipient(lang),
            reference: "APP-2026-000123",
            decided: Decided::Approved {
                registration_number: "KRSC-2026-0001",
            },
            path: "/applications/0190f3c4-0000-7000-8000-000000000002/letter",
        };
        snapshot("decision_approved", lang, &approved);
        let rejected = DecisionMade {
            decided: Decided::Rejected,
            ..approved
        };
        snapshot("decision_rejected", lang, &rejected);
    }
}

#[test]
fn information_answered() {
    for lang in Lang::ALL {
        for late in [false, true] {
            let mail = InformationAnswered {
                to: recipient(lang),
                institution: institution(lang),
                reference: "APP-2026-000123",
                late,
                link: "https://portal.example/review/ID/requests/RID",
            };
            let name = if late {
                "information_answered_late"
            } else {
                "information_answered"
            };
            snapshot(name, lang, &mail);
        }
    }
}
