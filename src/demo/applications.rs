//! The demo's applications: the demo issuer's draft, half filled in, so that a person trying the
//! portal finds the task list with sections in every status; and one application of each other
//! demo institution in each state of the review, taken there through the portal's own services
//! (sections saved, PDFs uploaded, submitted, assigned, asked, consulted, proposed, decided), so
//! the audit log, clocks, snapshots, mails and register agree with one another.

use std::io::Write;

use chrono::{Duration, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use sha2::Digest;
use uuid::Uuid;

use super::answers::{self, Applicant, Reserve};
use super::pdf;
use crate::audit::{self, Action, Actor, AuditKey, Event, ObjectType};
use crate::cli::cli_actor;
use crate::config::Settings;
use crate::db;
use crate::db::applications::Application;
use crate::domain::Role;
use crate::domain::application::{DocumentKind, SectionKind};
use crate::domain::review::consultation::{ConsultedBody, Decision, ProposedOutcome};
use crate::domain::review::information_request::{ResponseDays, Target};
use crate::domain::review::state::ReviewState;
use crate::services::Context;
use crate::services::application::documents::{self, Received};
use crate::services::application::sections::{self, Saved};
use crate::services::application::submission::{self, Submitted, Withdrawn};
use crate::services::review::decisions::{self, ProposalText, StaffMember};
use crate::services::review::information_requests::{self as requests, NewItem, Outcome};
use crate::services::review::{Applied, assignment, clock, completeness, consultation};
use crate::storage::Storage;

/// The sections the demo draft has answered: the first four, the rest not started.
const DRAFT_SECTIONS: [SectionKind; 4] = [
    SectionKind::Institution,
    SectionKind::Management,
    SectionKind::Token,
    SectionKind::BusinessPlan,
];

/// A draft of `institution`, started by `by`, with the first sections answered.
pub async fn seed_draft(
    conn: &mut AsyncPgConnection,
    key: &AuditKey,
    institution: Uuid,
    by: Uuid,
    applicant: &Applicant,
) -> anyhow::Result<Uuid> {
    let id = db::applications::insert_draft(conn, Uuid::now_v7(), institution, by)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo institution already has an open application"))?;
    let started = Event::new(Action::ApplicationStarted, ObjectType::Application, id)
        .with(serde_json::json!({"institution_id": institution, "by": "demo"}));
    audit::record(conn, key, &cli_actor(), started).await?;
    for section in DRAFT_SECTIONS {
        let answers = answers::complete(section, applicant, Reserve::Sound);
        db::section_versions::insert(conn, id, section, 1, &serde_json::to_value(&answers)?, by)
            .await?;
        let saved = Event::new(Action::SectionSaved, ObjectType::Application, id)
            .with(serde_json::json!({"section": section.as_str(), "version": 1, "by": "demo"}));
        audit::record(conn, key, &cli_actor(), saved).await?;
    }
    Ok(id)
}

/// Where a demo institution's application is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Story {
    /// Submitted, complete with its documents and a sound attestation, waiting for a reviewer.
    Submitted,
    /// Asked for information (one field, one document) weeks ago; the answer is overdue.
    InformationOverdue,
    UnderAssessment,
    /// Under assessment and sent to the Bank of Korea, whose opinion is awaited.
    Consultation,
    /// Approval proposed by the demo reviewer, waiting for an approver.
    DecisionProposed,
    /// Approved by the demo approver on the reviewer's proposal: registered, with a letter.
    Approved,
    Rejected,
    Withdrawn,
    /// Submitted with an attestation whose reserve is short of the tokens (95% coverage).
    CoverageBreach,
}

impl Story {
    /// The state the story leaves the application in.
    pub fn state(self) -> ReviewState {
        match self {
            Story::Submitted | Story::CoverageBreach => ReviewState::Submitted,
            Story::InformationOverdue => ReviewState::InformationRequestedCompleteness,
            Story::UnderAssessment | Story::Consultation => ReviewState::UnderAssessment,
            Story::DecisionProposed => ReviewState::DecisionProposed,
            Story::Approved => ReviewState::Approved,
            Story::Rejected => ReviewState::Rejected,
            Story::Withdrawn => ReviewState::Withdrawn,
        }
    }
}

/// Someone acting in the demo, as the services' audit rows name them.
pub struct Person {
    pub id: Uuid,
    pub role: Role,
    pub actor: Actor,
}

impl Person {
    pub fn new(id: Uuid, role: Role, email: &str) -> Person {
        let actor = Actor {
            user_id: Some(id),
            email: Some(email.to_owned()),
            client_addr: None,
        };
        Person { id, role, actor }
    }

    fn staff(&self) -> StaffMember {
        StaffMember {
            id: self.id,
            role: self.role,
        }
    }
}

/// Who plays the regulator's parts, and what the services need besides.
pub struct Cast<'a> {
    pub settings: &'a Settings,
    pub key: &'a AuditKey,
    pub storage: &'a Storage,
    pub reviewer: Person,
    pub approver: Person,
    pub consultee: Person,
}

impl Cast<'_> {
    fn cx<'p>(&'p self, person: &'p Person) -> Context<'p> {
        Context {
            settings: self.settings,
            audit_key: self.key,
            actor: &person.actor,
        }
    }
}

/// Fails the demo with what went wrong when a service's outcome is not the one the story needs.
fn expect(done: bool, what: &str, applicant: &Applicant) -> anyhow::Result<()> {
    anyhow::ensure!(done, "demo: {what} failed for {}", applicant.name_en);
    Ok(())
}

/// Takes the application of `member`'s institution through `story`.
pub async fn seed_story(
    conn: &mut AsyncPgConnection,
    cast: &Cast<'_>,
    (member, institution): (&Person, Uuid),
    applicant: &Applicant,
    story: Story,
) -> anyhow::Result<Uuid> {
    let member_cx = cast.cx(member);
    let id = crate::services::application::start(conn, &member_cx, institution).await?;
    let reserve = match story {
        Story::CoverageBreach => Reserve::Short,
        _ => Reserve::Sound,
    };
    fill(conn, cast, member, id, applicant, reserve).await?;
    let submitted = submission::submit(conn, &member_cx, id, institution).await?;
    expect(
        matches!(submitted, Submitted::Done),
        "submission",
        applicant,
    )?;
    match story {
        Story::Submitted | Story::CoverageBreach => return Ok(id),
        Story::Withdrawn => {
            let reason = "이사회에서 토큰 출시 일정을 내년으로 미루기로 했습니다. \
                          The board postponed the token's launch to next year.";
            let withdrawn = submission::withdraw(conn, &member_cx, id, institution, reason).await?;
            expect(
                matches!(withdrawn, Withdrawn::Done),
                "withdrawal",
                applicant,
            )?;
            return Ok(id);
        }
        _ => {}
    }
    let reviewer_cx = cast.cx(&cast.reviewer);
    let taken = assignment::take(conn, &reviewer_cx, id).await?;
    expect(
        taken == assignment::Assigned::Done,
        "taking the case",
        applicant,
    )?;
    if story == Story::InformationOverdue {
        ask_overdue(conn, cast, id, applicant).await?;
        return Ok(id);
    }
    let confirmed = completeness::confirm(conn, &reviewer_cx, Role::Reviewer, id).await?;
    let assessed = Applied::Done(ReviewState::UnderAssessment);
    expect(confirmed == assessed, "confirming completeness", applicant)?;
    match story {
        Story::UnderAssessment => Ok(id),
        Story::Consultation => consult(conn, cast, id, applicant).await.map(|()| id),
        Story::DecisionProposed => propose(conn, cast, id, applicant, ProposedOutcome::Approve)
            .await
            .map(|()| id),
        Story::Approved => {
            propose(conn, cast, id, applicant, ProposedOutcome::Approve).await?;
            decide(conn, cast, id, applicant, Decision::Approved).await?;
            Ok(id)
        }
        Story::Rejected => {
            propose(conn, cast, id, applicant, ProposedOutcome::Reject).await?;
            decide(conn, cast, id, applicant, Decision::Rejected).await?;
            Ok(id)
        }
        _ => unreachable!("handled above"),
    }
}

async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> anyhow::Result<Application> {
    db::applications::find(conn, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo application {id} vanished"))
}

/// Every section saved as its member would, and every document uploaded as a small PDF.
async fn fill(
    conn: &mut AsyncPgConnection,
    cast: &Cast<'_>,
    member: &Person,
    id: Uuid,
    applicant: &Applicant,
    reserve: Reserve,
) -> anyhow::Result<()> {
    let cx = cast.cx(member);
    let application = find(conn, id).await?;
    for &section in SectionKind::ALL {
        if matches!(section, SectionKind::Documents | SectionKind::Declaration) {
            continue;
        }
        let answers = answers::complete(section, applicant, reserve);
        let saved = sections::save(conn, &cx, &application, section, 0, &answers).await?;
        expect(matches!(saved, Saved::Kept(1)), section.as_str(), applicant)?;
    }
    let directors: Vec<String> = sections::current(conn, id, SectionKind::Management)
        .await?
        .map(|v| crate::services::application::answers_of(&v.answers))
        .map(|a| a.rows("directors").iter().map(|r| r.id.clone()).collect())
        .unwrap_or_default();
    for &kind in DocumentKind::ALL {
        let subjects = match kind.per_director() {
            true => directors.clone(),
            false => vec![String::new()],
        };
        for subject in subjects {
            upload(conn, cast, member, &application, kind, &subject, applicant).await?;
        }
    }
    Ok(())
}

/// One document uploaded through the upload's own checks and storage.
async fn upload(
    conn: &mut AsyncPgConnection,
    cast: &Cast<'_>,
    member: &Person,
    application: &Application,
    kind: DocumentKind,
    subject: &str,
    applicant: &Applicant,
) -> anyhow::Result<()> {
    let cx = cast.cx(member);
    let prepared = documents::prepare(conn, &cx, application, kind, subject).await?;
    let Ok((subject, _room)) = prepared else {
        anyhow::bail!("demo: {} refused for {}", kind.as_str(), applicant.name_en);
    };
    let title = format!(
        "{} - {}",
        applicant.name_en,
        kind.as_str().replace('_', " ")
    );
    let bytes = pdf::one_page(&title);
    let mut file = tempfile::NamedTempFile::new()?;
    file.write_all(&bytes)?;
    file.flush()?;
    let received = Received {
        file,
        size: bytes.len() as u64,
        sha256: hex::encode(sha2::Sha256::digest(&bytes)),
        file_name: format!("{}.pdf", kind.as_str()),
    };
    let stored = documents::store(
        conn,
        &cx,
        cast.storage,
        application,
        (kind, &subject),
        received,
    )
    .await?;
    expect(stored.is_ok(), kind.as_str(), applicant)
}

/// An information request on one field and one document, sent by the demo reviewer and then moved
/// back in time so that its answer is overdue.
async fn ask_overdue(
    conn: &mut AsyncPgConnection,
    cast: &Cast<'_>,
    id: Uuid,
    applicant: &Applicant,
) -> anyhow::Result<()> {
    let target = |raw: &str| Target::parse(raw).ok_or_else(|| anyhow::anyhow!("no target {raw}"));
    let items = [
        NewItem {
            target: target("field:redemption:payout_days")?,
            question: "상환 대금을 이틀 안에 지급하는 근거(은행 영업시간, 지급 한도)를 설명해 \
                       주십시오. Please explain how redemptions are paid within two days."
                .into(),
        },
        NewItem {
            target: Target::Document(DocumentKind::LegalOpinion),
            question: "법률의견서에 서명 날짜가 없습니다. 서명된 판본을 올려 주십시오. \
                       The legal opinion is unsigned; please upload the signed version."
                .into(),
        },
    ];
    let reviewer_cx = cast.cx(&cast.reviewer);
    let days = ResponseDays::default();
    let staff = cast.reviewer.staff();
    let sent = requests::send(conn, &reviewer_cx, id, staff, &items, days).await?;
    expect(
        matches!(sent, Outcome::Done(_)),
        "the information request",
        applicant,
    )?;
    // The demo's one change outside the services: the submission and the request are moved back
    // (submitted 25 working days ago, asked 3 working days later, due 10 working days after that)
    // so the request shows as overdue. The clock events and dates move together; the audit log
    // and the submission's snapshot (never changed) keep the real times.
    let calendar = clock::calendar(conn).await?;
    let submitted_on = working_days_before(&calendar, clock::today(), 25);
    let sent_on = calendar.add_working_days(submitted_on, 3);
    let dates = db::demo::BackDated {
        submitted_at: Utc::now() - Duration::days((clock::today() - submitted_on).num_days()),
        submitted_on,
        sent_on,
        due_on: days.due(&calendar, sent_on),
    };
    db::demo::back_date_request(conn, id, &dates).await?;
    Ok(())
}

/// The working day `n` working days before `day`.
fn working_days_before(
    calendar: &crate::domain::calendar::Calendar,
    day: NaiveDate,
    n: u32,
) -> NaiveDate {
    let mut date = day;
    let mut left = n;
    while left > 0 {
        date = date.pred_opt().unwrap_or(date);
        if calendar.is_working_day(date) {
            left -= 1;
        }
    }
    date
}

/// The case as it stands now: the version a form would carry.
async fn version(conn: &mut AsyncPgConnection, id: Uuid) -> anyhow::Result<i32> {
    Ok(find(conn, id).await?.version)
}

/// The case sent to the Bank of Korea, whose demo consultee has yet to answer.
async fn consult(
    conn: &mut AsyncPgConnection,
    cast: &Cast<'_>,
    id: Uuid,
    applicant: &Applicant,
) -> anyhow::Result<()> {
    let request = consultation::Request {
        bodies: &[ConsultedBody::BankOfKorea],
        question: "이 토큰의 해외 송금 규모(월 200억 원)가 외환 수급과 지급결제에 미칠 영향에 대해 \
                   의견을 주십시오. Please give your opinion on the effect of the token's \
                   cross-border flows (20 billion won a month) on payments and foreign exchange.",
        days: 10,
    };
    let seen = version(conn, id).await?;
    let cx = cast.cx(&cast.reviewer);
    let sent = consultation::send(conn, &cx, id, seen, cast.reviewer.staff(), &request).await?;
    expect(
        matches!(sent, Applied::Done(_)),
        "the consultation",
        applicant,
    )
}

/// A proposal by the demo reviewer.
async fn propose(
    conn: &mut AsyncPgConnection,
    cast: &Cast<'_>,
    id: Uuid,
    applicant: &Applicant,
    outcome: ProposedOutcome,
) -> anyhow::Result<()> {
    let text = match outcome {
        ProposedOutcome::Approve => ProposalText {
            outcome,
            reasons: "자본, 준비자산, 상환 절차와 내부통제가 기준을 충족합니다. Capital, reserve, \
                      redemption and controls meet the requirements.",
            conditions: Some(
                "매월 준비자산 증명을 10영업일 안에 제출할 것. Submit each month's reserve \
                 attestation within 10 working days.",
            ),
        },
        ProposedOutcome::Reject => ProposalText {
            outcome,
            reasons: "준비자산의 수탁 구조가 고객 자산을 충분히 분리하지 못합니다. The custody of \
                      the reserve does not keep customers' assets apart well enough.",
            conditions: None,
        },
    };
    let seen = version(conn, id).await?;
    let cx = cast.cx(&cast.reviewer);
    let staff = cast.reviewer.staff();
    let applied = decisions::propose(conn, &cx, id, seen, staff, &text).await?;
    expect(
        applied == Applied::Done(ReviewState::DecisionProposed),
        "the proposal",
        applicant,
    )
}

/// The demo approver's decision on the reviewer's proposal (four eyes: never the proposer).
async fn decide(
    conn: &mut AsyncPgConnection,
    cast: &Cast<'_>,
    id: Uuid,
    applicant: &Applicant,
    decision: Decision,
) -> anyhow::Result<()> {
    let seen = version(conn, id).await?;
    let cx = cast.cx(&cast.approver);
    let staff = cast.approver.staff();
    let made = decisions::decide(conn, &cx, id, seen, staff, decision, None).await?;
    expect(
        matches!(made.applied, Applied::Done(_)),
        "the decision",
        applicant,
    )
}
