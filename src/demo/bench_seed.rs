//! `stablereg bench-seed --applications N`: the data `make bench` measures against, on top of what
//! `stablereg demo` loaded. N applications of N institutions in every state, in the proportions of a
//! busy year (drafts, cases at each step of the review, decisions, withdrawals), each with its
//! sections, its submission, its clock, its information requests, consultations and proposals, the
//! approved ones on the public register with their deployments, a share assigned to the demo
//! reviewer, 64 issuer accounts with the demo password for the sign-in benchmark, and the demo
//! password for the issuers of the drafts, whose sections the section-save benchmark saves.
//!
//! Everything is written by a few `INSERT … SELECT generate_series` statements in one transaction:
//! seconds for 100,000 applications, where the services would take hours. The rows keep every
//! constraint of the schema (one open application per institution, gapless counters raised past the
//! numbers used, four eyes on decisions); they are not audited (bench data, never production: the
//! command refuses APP_ENV=production like `demo`).

use anyhow::{Context, bail};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};

use super::answers::{self, Reserve};
use crate::auth::hashing;
use crate::config::Settings;
use crate::db;
use crate::domain::application::SectionKind;

/// How many issuer accounts with a password the sign-in benchmark rotates among.
pub const SIGN_IN_ACCOUNTS: u32 = 64;

pub async fn seed(settings: &Settings, applications: u32) -> anyhow::Result<()> {
    if settings.is_production() {
        bail!("refusing to load bench data with APP_ENV=production");
    }
    if applications == 0 {
        bail!("--applications must be at least 1");
    }
    let url = settings.database_url.as_deref().context("no database")?;
    db::migrate(url).await?;
    let mut conn = AsyncPgConnection::establish(url).await?;
    if !super::loaded(&mut conn).await? {
        bail!("run `stablereg demo` first: the bench data is assigned to its reviewer");
    }
    let hash = hashing::hash(super::DEMO_PASSWORD).await?;
    let mut sections = Vec::new();
    for &kind in SectionKind::ALL {
        let answers = answers::complete(kind, &answers::HANBIT, Reserve::Sound);
        sections.push((kind.as_str(), serde_json::to_string(&answers)?));
    }
    let script = script(applications, &hash, &sections);
    let started = std::time::Instant::now();
    conn.transaction::<_, anyhow::Error, _>(async |conn| {
        conn.batch_execute(&script).await?;
        Ok(())
    })
    .await?;
    // Vacuumed as a database in service is: otherwise autovacuum comes to the freshly written
    // tables a minute later, in the middle of the measurements (a bench run had queue requests
    // stalled for 1.5 s), and index-only scans find no page marked all-visible.
    conn.batch_execute("VACUUM (ANALYZE)").await?;
    println!(
        "bench data: {applications} applications seeded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A text as an SQL literal (dollar-quoted with a tag no JSON of ours contains).
fn literal(text: &str) -> String {
    debug_assert!(!text.contains("$bench$"));
    format!("$bench${text}$bench$")
}

fn script(n: u32, hash: &str, sections: &[(&str, String)]) -> String {
    let answers_rows: Vec<String> = sections
        .iter()
        .enumerate()
        .map(|(i, (kind, json))| format!("({i}, '{kind}', {}::jsonb)", literal(json)))
        .collect();
    let all_versions: Vec<String> = sections
        .iter()
        .map(|(kind, _)| format!("\"{kind}\": 1"))
        .collect();
    format!(
        r#"
CREATE TEMP TABLE bench_answers (position int, section text, answers jsonb) ON COMMIT DROP;
INSERT INTO bench_answers VALUES {answers};

-- The plan: one row per application, its state by its number (per hundred: 10 drafts, 12 submitted,
-- 6 asked for information at completeness, 16 under assessment of which 6 out for consultation, 6
-- asked for information at assessment, 5 with a proposed decision, 5 approved, 16 rejected and 24
-- withdrawn), its dates spread over the last two years. Five approved in a hundred put 50 issuers
-- on the register at 1,000 applications: a full page of the public register, so that the bench's
-- ratio between the scales compares pages of the same length.
CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
SELECT i,
       md5('bench-institution-' || i)::uuid AS institution_id,
       md5('bench-issuer-' || i)::uuid AS issuer_id,
       md5('bench-application-' || i)::uuid AS id,
       CASE WHEN i % 100 < 10 THEN 'draft'
            WHEN i % 100 < 22 THEN 'submitted'
            WHEN i % 100 < 28 THEN 'information_requested_completeness'
            WHEN i % 100 < 44 THEN 'under_assessment'
            WHEN i % 100 < 50 THEN 'information_requested_assessment'
            WHEN i % 100 < 55 THEN 'decision_proposed'
            WHEN i % 100 < 60 THEN 'approved'
            WHEN i % 100 < 76 THEN 'rejected'
            ELSE 'withdrawn' END AS state,
       i % 100 BETWEEN 28 AND 33 AS consulted,
       -- Open cases go to the demo reviewer (one in four), eight bench reviewers, or nobody yet.
       CASE WHEN i % 100 < 10 THEN NULL
            WHEN i % 4 = 0 THEN (SELECT id FROM users WHERE email = 'reviewer@demo.stablereg.kr')
            WHEN i % 4 = 1 AND i % 100 < 22 THEN NULL
            ELSE md5('bench-reviewer-' || (i % 8))::uuid END AS assignee_id,
       -- Open cases were submitted in the last 90 days, closed ones over the two years before.
       CASE WHEN i % 100 < 55 THEN current_date - (i * 7 % 90)
            ELSE current_date - 90 - (i * 13 % 640) END AS submitted_on
  FROM generate_series(1, {n}) AS i;
ALTER TABLE bench_plan ADD COLUMN reference text;
UPDATE bench_plan p SET reference = numbered.reference
  FROM (SELECT id, 'APP-' || extract(year FROM submitted_on) || '-'
                 || lpad((coalesce((SELECT last FROM reference_counters c WHERE c.kind = 'APP' AND c.year = extract(year FROM submitted_on)), 0)
                          + row_number() OVER (PARTITION BY extract(year FROM submitted_on) ORDER BY submitted_on, i))::text, 6, '0') AS reference
          FROM bench_plan WHERE state <> 'draft') AS numbered
 WHERE p.id = numbered.id;
ALTER TABLE bench_plan ADD COLUMN registration_number text;
UPDATE bench_plan p SET registration_number = numbered.number
  FROM (SELECT id, 'KRSC-' || extract(year FROM submitted_on + 75) || '-'
                 || lpad((coalesce((SELECT last FROM reference_counters c WHERE c.kind = 'KRSC' AND c.year = extract(year FROM submitted_on + 75)), 0)
                          + row_number() OVER (PARTITION BY extract(year FROM submitted_on + 75) ORDER BY submitted_on, i))::text, 4, '0') AS number
          FROM bench_plan WHERE state = 'approved') AS numbered
 WHERE p.id = numbered.id;

-- Reviewers to share the cases with the demo reviewer (no password: nobody signs in as them).
INSERT INTO users (id, email, display_name, role, password_hash, email_verified_at, lang)
SELECT md5('bench-reviewer-' || r)::uuid, 'reviewer-' || r || '@bench.stablereg.kr',
       (ARRAY['정다은', '오세훈', '한지민', '서준호', '임수빈', '강민재', '윤서연', '조현우'])[r + 1] || ' Reviewer ' || r,
       'reviewer', NULL, now(), 'ko'
  FROM generate_series(0, 7) AS r;

INSERT INTO institutions (id, legal_name_ko, legal_name_en, business_registration_number,
                          corporate_registration_number, lei, institution_type, address, contact_phone,
                          status, created_at)
SELECT institution_id,
       (ARRAY['한빛', '새솔', '푸른', '가람', '누리', '다온', '미르', '바다', '한결', '온빛', '라온', '하늘'])[1 + i % 12]
         || (ARRAY['은행 주식회사', '페이 주식회사', '디지털자산 주식회사', '핀테크 주식회사', '캐피탈 주식회사'])[1 + i / 12 % 5]
         || ' ' || i,
       (ARRAY['Hanbit', 'Saesol', 'Pureun', 'Garam', 'Nuri', 'Daon', 'Mir', 'Bada', 'Hangyeol', 'Onbit', 'Raon', 'Haneul'])[1 + i % 12]
         || (ARRAY[' Bank', ' Pay', ' Digital Assets', ' Fintech', ' Capital'])[1 + i / 12 % 5]
         || ' ' || i || ' Co., Ltd.',
       base || ((10 - (d[1] + 3 * d[2] + 7 * d[3] + d[4] + 3 * d[5] + 7 * d[6] + d[7] + 3 * d[8] + 5 * d[9] + d[9] * 5 / 10) % 10) % 10),
       '110111' || lpad(i::text, 7, '0'),
       NULL,
       (ARRAY['bank', 'non_bank', 'fintech', 'other'])[1 + i / 12 % 5 % 4],
       '서울특별시 ' || (ARRAY['중구 세종대로', '영등포구 여의대로', '강남구 테헤란로', '종로구 종로', '마포구 월드컵북로'])[1 + i % 5] || ' ' || (1 + i % 300),
       '02-' || lpad((1000 + i % 9000)::text, 4, '0') || '-' || lpad((i % 10000)::text, 4, '0'),
       'active', now() - interval '2 years'
  FROM (SELECT p.*, (200000000 + i)::text AS base,
               ARRAY(SELECT substr((200000000 + i)::text, k, 1)::int FROM generate_series(1, 9) AS k) AS d
          FROM bench_plan p) AS numbered;

-- The issuers of the drafts sign in with the demo password (the section-save benchmark saves their
-- drafts); the others have no password.
INSERT INTO users (id, email, display_name, role, institution_id, is_institution_admin,
                   is_authorised_signatory, password_hash, email_verified_at, lang)
SELECT issuer_id, 'issuer-' || i || '@bench.stablereg.kr',
       (ARRAY['김', '이', '박', '최', '정', '강', '조', '윤'])[1 + i % 8] || (ARRAY['민준', '서연', '도윤', '하은', '지호', '수아'])[1 + i % 6],
       'issuer', institution_id, true, true, CASE WHEN state = 'draft' THEN {hash} END, now(),
       (ARRAY['ko', 'en'])[1 + i % 2]
  FROM bench_plan;
-- Members who sign in during the sign-in benchmark (the demo password, no second factor).
INSERT INTO users (id, email, display_name, role, institution_id, is_institution_admin,
                   is_authorised_signatory, password_hash, email_verified_at, lang)
SELECT md5('bench-sign-in-' || s)::uuid, 'signin-' || s || '@bench.stablereg.kr', 'Bench member ' || s,
       'issuer', p.institution_id, false, false, {hash}, now(), 'en'
  FROM generate_series(1, {accounts}) AS s
  JOIN bench_plan p ON p.i = 1 + (s - 1) % {n};

INSERT INTO applications (id, institution_id, state, reference, version, created_by, created_at,
                          submitted_at, closed_at, withdrawal_reason, assignee_id, due_on)
SELECT id, institution_id, state, reference, 3, issuer_id,
       (submitted_on - 20)::timestamptz,
       CASE WHEN state <> 'draft' THEN submitted_on + time '10:00' END,
       CASE WHEN state IN ('approved', 'rejected') THEN submitted_on + 75 + time '16:00'
            WHEN state = 'withdrawn' THEN submitted_on + 12 + time '09:00' END,
       CASE WHEN state = 'withdrawn' THEN 'The board decided to wait for the reserve audit.' END,
       CASE WHEN state IN ('approved', 'rejected', 'withdrawn', 'draft') THEN NULL ELSE assignee_id END,
       CASE WHEN state = 'submitted' THEN submitted_on + 14
            WHEN state IN ('under_assessment', 'decision_proposed') THEN submitted_on + 20 + (i % 61)
            END
  FROM bench_plan;

-- Drafts have their first four sections answered, everything else all of them, version 1.
INSERT INTO section_versions (application_id, section, version, answers, saved_by, saved_at)
SELECT p.id, a.section, 1, a.answers, p.issuer_id, (p.submitted_on - 10)::timestamptz
  FROM bench_plan p JOIN bench_answers a ON p.state <> 'draft' OR a.position < 4;
INSERT INTO submissions (application_id, round, submitted_by, submitted_at, sections, documents)
SELECT id, 1, issuer_id, submitted_on + time '10:00', '{{{versions}}}'::jsonb, '{{}}'
  FROM bench_plan WHERE state <> 'draft';

INSERT INTO clock_events (application_id, seq, phase, kind, on_date)
SELECT id, 1, 'completeness', 'started', submitted_on FROM bench_plan WHERE state <> 'draft'
UNION ALL
SELECT id, 2, 'completeness', 'stopped', submitted_on + 7 FROM bench_plan
 WHERE state NOT IN ('draft', 'submitted', 'withdrawn')
UNION ALL
SELECT id, 3, 'assessment', 'started', submitted_on + 7 FROM bench_plan
 WHERE state NOT IN ('draft', 'submitted', 'withdrawn', 'information_requested_completeness')
UNION ALL
SELECT id, 4, 'assessment', 'stopped', submitted_on + 30 FROM bench_plan
 WHERE state = 'information_requested_assessment';

INSERT INTO information_requests (id, application_id, phase, sent_by, sent_on, due_on, created_at)
SELECT md5('bench-request-' || i)::uuid, id,
       CASE WHEN state = 'information_requested_completeness' THEN 'completeness' ELSE 'assessment' END,
       coalesce(assignee_id, md5('bench-reviewer-0')::uuid),
       submitted_on + CASE WHEN state = 'information_requested_completeness' THEN 7 ELSE 30 END,
       submitted_on + CASE WHEN state = 'information_requested_completeness' THEN 21 ELSE 44 END,
       submitted_on + CASE WHEN state = 'information_requested_completeness' THEN 7 ELSE 30 END + time '11:00'
  FROM bench_plan WHERE state IN ('information_requested_completeness', 'information_requested_assessment');
INSERT INTO information_request_items (id, request_id, position, target, question)
SELECT md5('bench-item-' || i)::uuid, md5('bench-request-' || i)::uuid, 1, 'section:reserve_policy',
       'Please give the custodian of each reserve account and the share of the reserve it holds.'
  FROM bench_plan WHERE state IN ('information_requested_completeness', 'information_requested_assessment');

INSERT INTO consultations (id, application_id, body, question, due_on, sent_by, sent_at)
SELECT md5('bench-consultation-' || i)::uuid, id, 'bank_of_korea',
       'Does the reserve policy raise any concern for payment system stability?',
       submitted_on + 40, coalesce(assignee_id, md5('bench-reviewer-0')::uuid), submitted_on + 12 + time '14:00'
  FROM bench_plan WHERE consulted;

INSERT INTO decision_proposals (id, application_id, outcome, reasons, conditions, proposed_by, proposed_at,
                                decision, decision_reason, decided_by, decided_at, registration_number)
SELECT md5('bench-proposal-' || i)::uuid, id,
       CASE WHEN state = 'rejected' THEN 'reject' ELSE 'approve' END,
       CASE WHEN state = 'rejected' THEN 'The reserve is not held with an eligible custodian.'
            ELSE 'Every section is satisfactory and the reserve covers the tokens outstanding.' END,
       CASE WHEN state <> 'rejected' THEN 'Monthly attestation of the reserve.' END,
       md5('bench-reviewer-' || (i % 8))::uuid, submitted_on + 60 + time '15:00',
       CASE state WHEN 'approved' THEN 'approved' WHEN 'rejected' THEN 'rejected' END,
       NULL,
       CASE WHEN state IN ('approved', 'rejected') THEN (SELECT id FROM users WHERE email = 'approver@demo.stablereg.kr') END,
       CASE WHEN state IN ('approved', 'rejected') THEN submitted_on + 75 + time '16:00' END,
       registration_number
  FROM bench_plan WHERE state IN ('decision_proposed', 'approved', 'rejected');

INSERT INTO register_entries (registration_number, application_id, institution_id, legal_name_ko,
                              legal_name_en, lei, business_registration_number, address, website,
                              token_name, ticker, reference_currency, white_paper_url,
                              white_paper_version, registered_on, status, status_since, conditions,
                              latest_attestation_on, latest_coverage_bp, updated_at)
SELECT p.registration_number, p.id, p.institution_id, t.legal_name_ko, t.legal_name_en, NULL,
       t.business_registration_number, t.address, 'https://issuer' || p.i || '.example.kr',
       split_part(t.legal_name_en, ' ', 1) || ' Won ' || p.i,
       upper(substr(split_part(t.legal_name_en, ' ', 1), 1, 3)) || 'KRW' || p.i,
       'KRW', 'https://issuer' || p.i || '.example.kr/white-paper.pdf', '1.' || (p.i % 4),
       p.submitted_on + 75,
       CASE WHEN p.i % 20 = 0 THEN 'suspended' ELSE 'registered' END,
       CASE WHEN p.i % 20 = 0 THEN p.submitted_on + 200 ELSE p.submitted_on + 75 END,
       'Monthly attestation of the reserve.',
       p.submitted_on + 75 + 30 * (1 + p.i % 5), 10000 + p.i % 400, now()
  FROM bench_plan p JOIN institutions t ON t.id = p.institution_id
 WHERE p.state = 'approved';
INSERT INTO register_deployments (registration_number, chain, contract_address)
SELECT registration_number, 'ethereum', '0x' || md5('bench-contract-' || i) || substr(md5('bench-salt-' || i), 1, 8)
  FROM bench_plan WHERE state = 'approved'
UNION ALL
SELECT registration_number, 'polygon', '0x' || md5('bench-polygon-' || i) || substr(md5('bench-salt-' || i), 9, 8)
  FROM bench_plan WHERE state = 'approved' AND i % 3 = 0;
INSERT INTO register_events (registration_number, occurred_at, status, effective_on, note)
SELECT registration_number, submitted_on + 75 + time '16:00', 'registered', submitted_on + 75, NULL
  FROM bench_plan WHERE state = 'approved'
UNION ALL
SELECT registration_number, submitted_on + 200 + time '09:00', 'suspended', submitted_on + 200,
       'The monthly attestation was not filed.'
  FROM bench_plan WHERE state = 'approved' AND i % 20 = 0
ORDER BY 2;

-- The gapless counters continue after the numbers used here.
INSERT INTO reference_counters (kind, year, last)
SELECT 'APP', split_part(reference, '-', 2)::int, max(split_part(reference, '-', 3)::int)
  FROM applications WHERE reference IS NOT NULL GROUP BY 2
UNION ALL
SELECT 'KRSC', split_part(registration_number, '-', 2)::int, max(split_part(registration_number, '-', 3)::int)
  FROM decision_proposals WHERE registration_number IS NOT NULL GROUP BY 2
ON CONFLICT (kind, year) DO UPDATE SET last = greatest(reference_counters.last, excluded.last);
"#,
        answers = answers_rows.join(",\n  "),
        versions = all_versions.join(", "),
        hash = literal(hash),
        accounts = SIGN_IN_ACCOUNTS,
    )
}
