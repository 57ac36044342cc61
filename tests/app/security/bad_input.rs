//! Bad input never breaks the portal (SECURITY.md, reliability): every form of the route table,
//! posted by the kind of visitor it is for with a valid CSRF token and arbitrary fields and values,
//! and every page, opened with an arbitrary query, answers below 500, and the server stays up.
//!
//! The inputs come from proptest strategies, sampled with a seed that is printed with any failure;
//! `BAD_INPUT_SEED=<n>` replays a run and `BAD_INPUT_CASES=<n>` changes how many inputs each route gets.
//! Field names are every `name="…"` of the pages the portal renders, so a new form's fields are
//! covered as soon as its page is in the route table.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use reqwest::StatusCode;
use stablereg::domain::Role;
use stablereg::web::ROUTES;
use stablereg::web::access::Access;

use crate::support::accounts::{Account, Visitor, csrf_token, link_path, location, valid_brn};
use crate::support::harness::{TestApp, spawn_app};

/// Values chosen because they have broken web forms before: empty and blank, NUL, numbers out of
/// range, impossible dates, markup, SQL, path tricks, bidi overrides, emoji, decomposed Hangul, and
/// the values the portal's own choice fields expect.
const EDGE_CASES: &[&str] = &[
    "",
    " ",
    "\0",
    "0",
    "-1",
    "1e309",
    "99999999999999999999999999",
    "2026-02-30",
    "9999-12-31",
    "0000-00-00",
    "00000000-0000-0000-0000-000000000000",
    "ko",
    "en",
    "admin",
    "reviewer",
    "approver",
    "issuer",
    "active",
    "suspended",
    "true",
    "on",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "%00",
    "../../etc/passwd",
    "\u{202E}gnp.exe",
    "🏦💸",
    "\u{1100}\u{1161}\u{11A8}",
    "\r\n\r\n",
    "a@b",
    "someone@example.com",
    "1248100998",
    "124-81-00998",
];

/// A field's value: up to 90 000 characters in a form, a few hundred in a query (a URL has to fit in
/// a request line).
fn value(long: bool) -> impl Strategy<Value = String> {
    let longest = if long { 3 } else { 0 };
    prop_oneof![
        3 => "[ -~]{0,40}",
        3 => any::<String>(),
        3 => proptest::sample::select(EDGE_CASES).prop_map(str::to_owned),
        1 => "\\PC{0,200}",
        1 => (0usize..=longest).prop_map(|n| "가".repeat(n * 30_000)),
    ]
}

/// Form fields picked (repeats allowed) from the pages' names and a few unknown ones.
fn fields(names: Vec<String>, long: bool) -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        9 => proptest::sample::select(names),
        1 => "[a-z_]{1,12}",
    ];
    proptest::collection::vec((name, value(long)), 0..12)
}

/// A request body that may not even be a form.
fn raw_body() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..400)
}

/// A query string: well-formed pairs, or anything at all.
fn query(names: Vec<String>) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => fields(names, false).prop_map(|pairs| serde_urlencoded::to_string(pairs).unwrap()),
        1 => "[ -~]{0,60}".prop_map(|q| q.replace(['#', ' '], "")),
    ]
}

/// The forms the portal renders (each GET route opened by the visitor it is for): each form's
/// fields by its action, with the values the page offers for them (choices, hidden values), and
/// every name seen, plus the query parameters pages read.
struct Fields {
    all: Vec<String>,
    by_action: BTreeMap<String, Vec<Field>>,
    /// The actions of forms that send a file (multipart/form-data).
    multipart: BTreeSet<String>,
}

struct Field {
    name: String,
    offered: Vec<String>,
}

async fn rendered_fields(world: &World<'_>) -> Fields {
    let mut all = BTreeSet::from(["lang", "next", "notice", "page"].map(str::to_owned));
    let mut by_action: BTreeMap<String, Vec<Field>> = BTreeMap::new();
    let mut multipart = BTreeSet::new();
    for route in routes("GET") {
        let visitor = world.visitor_for(route.access);
        let page = world.path(route.path);
        let html = visitor.get(&page).await.text().await.unwrap();
        for form in html.split("<form").skip(1) {
            let form = form.split("</form>").next().unwrap_or_default();
            let tag = form.split('>').next().unwrap_or_default();
            // A form without an action posts to its own page (the mailed-link pages do).
            let action = attribute(tag, "action").unwrap_or_else(|| page.clone());
            if attribute(tag, "enctype").as_deref() == Some("multipart/form-data") {
                multipart.insert(action.clone());
            }
            let fields = by_action.entry(action).or_default();
            for (name, offered) in form_fields(form) {
                all.insert(name.clone());
                match fields.iter_mut().find(|f| f.name == name) {
                    Some(field) => field.offered.extend(offered),
                    None => fields.push(Field { name, offered }),
                }
            }
        }
    }
    for expected in ["email", "password", "legal_name_ko", "code", "role"] {
        assert!(
            all.contains(expected),
            "{expected} is among the fields found: {all:?}"
        );
    }
    Fields {
        all: all.into_iter().collect(),
        by_action,
        multipart,
    }
}

/// The named fields of one form, each with the non-empty values the markup gives it (an input's
/// `value`, a select's options).
fn form_fields(form: &str) -> Vec<(String, Vec<String>)> {
    let mut fields: Vec<(String, Vec<String>)> = Vec::new();
    let mut select: Option<String> = None;
    for tag in form.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let kind = tag.split_whitespace().next().unwrap_or_default();
        let value = attribute(tag, "value").filter(|v| !v.is_empty());
        let name = match kind {
            "input" | "select" | "textarea" | "button" => attribute(tag, "name"),
            "option" => select.clone(),
            "/select" => {
                select = None;
                continue;
            }
            _ => continue,
        };
        let Some(name) = name.filter(|n| n != "csrf_token") else {
            continue;
        };
        if kind == "select" {
            select = Some(name.clone());
        }
        let index = match fields.iter().position(|(n, _)| *n == name) {
            Some(index) => index,
            None => {
                fields.push((name, Vec::new()));
                fields.len() - 1
            }
        };
        fields[index].1.extend(value);
    }
    fields
}

/// The value of the first `name="…"` attribute in `html`.
fn attribute(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(html[start..].chars().take_while(|c| *c != '"').collect())
}

/// The proptest runner: a random seed unless `BAD_INPUT_SEED` gives one.
fn runner() -> (TestRunner, u64) {
    let seed = std::env::var("BAD_INPUT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| uuid::Uuid::new_v4().as_u64_pair().0);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    (TestRunner::new_with_rng(Config::default(), rng), seed)
}

fn sample<S: Strategy>(runner: &mut TestRunner, strategy: &S) -> S::Value {
    strategy
        .new_tree(runner)
        .expect("a value is generated")
        .current()
}

fn cases() -> usize {
    std::env::var("BAD_INPUT_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(24)
}

/// The visitors, each in the state its routes are for, and the objects the routes' paths name.
struct World<'a> {
    anonymous: Visitor<'a>,
    second_factor: Visitor<'a>,
    issuer_admin: Visitor<'a>,
    admin: Visitor<'a>,
    /// An approver assigned the case below, signed in.
    approver: Visitor<'a>,
    /// A consultee of the body the case was sent to, signed in.
    consultee: Visitor<'a>,
    colleague: Account,
    /// The staff account the admin routes act on (not the reviewer, whose session is in use).
    staff_member: Account,
    other_institution: uuid::Uuid,
    /// The issuer admin's draft application and a stored document of it.
    application: uuid::Uuid,
    document: uuid::Uuid,
    /// A case under assessment, assigned to the approver, with a consultation of the
    /// consultee's body.
    case: uuid::Uuid,
    consultation: uuid::Uuid,
    /// Real links from real mails, so the token routes get past the token lookup to the form.
    verify_link: String,
    reset_link: String,
    invitation_link: String,
    email_confirm_link: String,
    mail: uuid::Uuid,
    /// An issuer on the public register.
    register_number: String,
}

impl<'a> World<'a> {
    async fn build(app: &'a TestApp) -> World<'a> {
        let institution = app.create_institution("한빛").await;
        let owner = app
            .create_account(Role::Issuer, Some(institution), true)
            .await;
        let colleague = app
            .create_account(Role::Issuer, Some(institution), false)
            .await;
        let reviewer = app.create_account(Role::Reviewer, None, false).await;
        let staff_member = app.create_account(Role::Approver, None, false).await;
        let staff = app.create_account(Role::Admin, None, false).await;
        let other_institution = app.create_institution("가온").await;
        let application = app.create_application(institution, owner.id).await;
        let kind = stablereg::domain::application::DocumentKind::BusinessPlan;
        let pdf = crate::support::documents::pdf(0);
        let document = app.store_document(application, kind, owner.id, &pdf).await;

        let anonymous = app.visitor();
        let second_factor = app.visitor();
        let res = second_factor
            .sign_in_password(&reviewer.email, &reviewer.password)
            .await;
        assert_eq!(location(&res), "/mfa");
        let issuer_admin = app.visitor();
        issuer_admin.sign_in(&owner).await;
        let admin = app.visitor();
        admin.sign_in(&staff).await;
        let approver_account = app.create_account(Role::Approver, None, false).await;
        let approver = app.visitor();
        approver.sign_in(&approver_account).await;
        let consultee_account = app.create_consultee("fss").await;
        let consultee = app.visitor();
        consultee.sign_in(&consultee_account).await;
        let case = crate::review::decisions::case_under_assessment(app, approver_account.id).await;
        // Its institution section (saved with the case) is submitted, so the workspace renders
        // its outcome buttons.
        app.sql(&format!(
            "INSERT INTO submissions (application_id, round, submitted_by, sections, documents) \
             VALUES ('{case}', 1, '{}', '{{\"institution\": 1}}', '{{}}')",
            owner.id
        ))
        .await;
        let consultation =
            crate::review::decisions::consultation(app, case, "fss", approver_account.id).await;

        let brn = valid_brn(7_654_321);
        let signup = [
            ("legal_name_ko", "가온페이 주식회사"),
            ("legal_name_en", "Gaon Pay Inc."),
            ("business_registration_number", brn.as_str()),
            ("corporate_registration_number", "110111-1234569"),
            ("lei", ""),
            ("institution_type", "fintech"),
            ("address", "서울특별시 강남구 테헤란로 1"),
            ("contact_phone", "02-555-0101"),
            ("name", "이서연"),
            ("email", "fuzz-signup@gaonpay.kr"),
            ("password", "Namsan-Tower-Evening-Walk-77"),
            ("confirm", "Namsan-Tower-Evening-Walk-77"),
        ];
        let res = anonymous.submit("/signup", "/signup", &signup).await;
        assert_eq!(res.status(), StatusCode::OK, "the sign-up went through");
        let verify_link = link_path(&app.last_mail_to("fuzz-signup@gaonpay.kr").await, app);

        let res = anonymous
            .submit(
                "/password/forgot",
                "/password/forgot",
                &[("email", &colleague.email)],
            )
            .await;
        assert!(res.status().is_redirection() || res.status().is_success());
        let reset_link = link_path(&app.last_mail_to(&colleague.email).await, app);

        let invited = "fuzz-invited@fsc.example";
        let res = admin
            .submit(
                "/admin/users/new",
                "/admin/users",
                &[
                    ("name", "초대받은 사람"),
                    ("email", invited),
                    ("role", "reviewer"),
                    ("lang", "ko"),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "the invitation went out"
        );
        let invitation_link = link_path(&app.last_mail_to(invited).await, app);

        let moved = "fuzz-moved@hanbit.example";
        let res = issuer_admin
            .submit(
                "/account/email",
                "/account/email",
                &[("email", moved), ("current_password", &owner.password)],
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "the change of email began"
        );
        let confirm = app.last_mail_to(moved).await;
        let email_confirm_link = link_path(&confirm, app);
        let register_number = crate::register::fixture::publish(
            app,
            "Mirae",
            "MKRW",
            "KRW",
            &[("ethereum", crate::register::fixture::EVM_ADDRESS)],
            1,
        )
        .await
        .number
        .to_string();

        World {
            anonymous,
            second_factor,
            issuer_admin,
            admin,
            approver,
            consultee,
            colleague,
            staff_member,
            other_institution,
            application,
            document,
            case,
            consultation,
            verify_link,
            reset_link,
            invitation_link,
            email_confirm_link,
            mail: confirm.id,
            register_number,
        }
    }

    /// The visitor a route is for.
    fn visitor_for(&self, access: Access) -> &Visitor<'a> {
        match access {
            Access::Anyone | Access::Demo => &self.anonymous,
            Access::SecondFactor => &self.second_factor,
            Access::MfaEnrolment
            | Access::SignedIn
            | Access::IssuerMember
            | Access::IssuerAdmin => &self.issuer_admin,
            Access::Regulator | Access::Admin | Access::Registrar => &self.admin,
            Access::Staff => &self.approver,
            Access::Consultee => &self.consultee,
        }
    }

    /// The route's path with its parameters filled by objects that exist and that the visitor may reach.
    fn path(&self, route: &str) -> String {
        if route.contains("{number}") {
            return route.replace("{number}", &self.register_number);
        }
        if let Some(token_route) = route.strip_suffix("/{token}") {
            let link = match token_route {
                "/verify-email" => &self.verify_link,
                "/password/reset" => &self.reset_link,
                "/invitation" => &self.invitation_link,
                "/email/confirm" => &self.email_confirm_link,
                other => panic!("no link for the token route {other}: add one to World"),
            };
            return link.split('?').next().unwrap().to_owned();
        }
        // An information request and item nobody made (the draft is no case for staff either).
        let nobody = "00000000-0000-7000-8000-000000000000";
        let route = &route.replace("{request}", nobody).replace("{item}", nobody);
        if route.starts_with("/applications/{id}/") || route.starts_with("/review/{id}/") {
            return route
                .replace("{id}", &self.application.to_string())
                .replace("{kind}", "business_plan")
                .replace("{document}", &self.document.to_string());
        }
        let id = if route.starts_with("/institution/members/") {
            self.colleague.id
        } else if route.starts_with("/admin/users/") {
            self.staff_member.id
        } else if route.starts_with("/admin/institutions/") {
            self.other_institution
        } else if route.starts_with("/demo/mail/") {
            self.mail
        } else if route.starts_with("/applications/") {
            self.application
        } else if route.starts_with("/review/") {
            self.case
        } else if route.starts_with("/consultations/") {
            self.consultation
        } else {
            assert!(
                !route.contains('{'),
                "no object for {route}: add one to World"
            );
            return route.to_owned();
        };
        // Every section takes the same kind of post; the institution's has every kind of field.
        route
            .replace("{section}", "institution")
            .replace("{id}", &id.to_string())
    }

    /// Whether every visitor is still where the cases left them: signed in, or between the steps.
    async fn assert_visitors_intact(&self, after: &str) {
        for (who, visitor, page) in [
            ("the issuer admin", &self.issuer_admin, "/account"),
            ("the admin", &self.admin, "/account"),
            ("the approver", &self.approver, "/account"),
            ("the consultee", &self.consultee, "/account"),
            (
                "the visitor between password and code",
                &self.second_factor,
                "/mfa",
            ),
        ] {
            let status = visitor.get(page).await.status();
            assert_eq!(
                status,
                StatusCode::OK,
                "{who} lost their session after {after}"
            );
        }
    }
}

/// The CSRF token of the visitor's session, from a page of theirs with a form.
async fn token_of(visitor: &Visitor<'_>, access: Access) -> String {
    let page = match access {
        Access::Anyone | Access::Demo => "/login",
        Access::SecondFactor => "/mfa",
        _ => "/account/password",
    };
    csrf_token(&visitor.page(page).await).expect("a CSRF token")
}

/// Every route but `/logout`, whose cases would end the sessions the other routes need.
fn routes(method: &str) -> impl Iterator<Item = &'static stablereg::web::access::RouteSpec> {
    ROUTES
        .iter()
        .filter(move |r| r.method == method && r.path != "/logout")
}

fn refuse_5xx(status: StatusCode, seed: u64, what: &str) {
    let shown: String = what.chars().take(600).collect();
    assert!(
        status.as_u16() < 500,
        "{status} for {shown} (replay with BAD_INPUT_SEED={seed})"
    );
}

/// Most cases send every field of the route's form (as rendered) with arbitrary values, so the
/// handler's own checks run; others send fields picked from every form, or bytes that are not a
/// form at all.
#[tokio::test]
async fn arbitrary_form_fields_never_give_a_5xx() {
    let app = spawn_app().await;
    let world = World::build(&app).await;
    let fields_seen = rendered_fields(&world).await;
    let (mut runner, seed) = runner();
    let any_fields = fields(fields_seen.all.clone(), true);
    let any_value = value(true);
    let posts: Vec<_> = routes("POST").collect();
    assert!(posts.len() > 20, "every form of the route table is here");
    for route in posts {
        let visitor = world.visitor_for(route.access);
        let token = token_of(visitor, route.access).await;
        let path = world.path(route.path);
        let own_fields = fields_seen
            .by_action
            .get(&path)
            .map_or(&[][..], Vec::as_slice);
        let mut handled = 0;
        for case in 0..cases() {
            let mut form = vec![("csrf_token".to_owned(), token.clone())];
            let body = match case % 6 {
                5 => {
                    let mut body = format!("csrf_token={token}&").into_bytes();
                    body.extend(sample(&mut runner, &raw_body()));
                    body
                }
                4 => {
                    form.extend(sample(&mut runner, &any_fields));
                    serde_urlencoded::to_string(&form).unwrap().into_bytes()
                }
                _ => {
                    // Half the time a value the page offers (so choices pass and the handler
                    // goes further), else anything.
                    for field in own_fields {
                        let offered =
                            !field.offered.is_empty() && sample(&mut runner, &any::<bool>());
                        let value = if offered {
                            sample(
                                &mut runner,
                                &proptest::sample::select(field.offered.clone()),
                            )
                        } else {
                            sample(&mut runner, &any_value)
                        };
                        form.push((field.name.clone(), value));
                    }
                    serde_urlencoded::to_string(&form).unwrap().into_bytes()
                }
            };
            let is_multipart = fields_seen.multipart.contains(&path);
            let (content_type, body) = if is_multipart && case % 6 != 5 {
                // A file form: the same fields as parts, then a file of arbitrary bytes (half the
                // time starting as a PDF does, so the parse runs).
                let pairs: Vec<(String, String)> =
                    serde_urlencoded::from_bytes(&body).unwrap_or_default();
                let pairs: Vec<(&str, &str)> = pairs
                    .iter()
                    .filter(|(name, _)| name != "file")
                    .map(|(n, v)| (n.as_str(), v.as_str()))
                    .collect();
                let mut file = sample(&mut runner, &raw_body());
                if sample(&mut runner, &any::<bool>()) {
                    file.splice(0..0, b"%PDF-1.7\n".iter().copied());
                }
                let name = sample(&mut runner, &"[ -~]{0,40}");
                let body = crate::support::documents::multipart(&pairs, Some((&name, &file)));
                (crate::support::documents::multipart_type(), body)
            } else if is_multipart {
                (crate::support::documents::multipart_type(), body)
            } else {
                ("application/x-www-form-urlencoded".to_owned(), body)
            };
            let res = visitor
                .client
                .post(visitor.url(&path))
                .header("content-type", content_type)
                .body(body.clone())
                .send()
                .await
                .unwrap_or_else(|e| {
                    panic!("POST {path} got no answer: {e} (replay with BAD_INPUT_SEED={seed})")
                });
            let what = format!("POST {path} with {:?}", String::from_utf8_lossy(&body));
            refuse_5xx(res.status(), seed, &what);
            let refused_before_the_handler = [
                StatusCode::BAD_REQUEST,
                StatusCode::FORBIDDEN,
                StatusCode::PAYLOAD_TOO_LARGE,
            ];
            if !refused_before_the_handler.contains(&res.status()) {
                handled += 1;
            }
        }
        assert!(
            handled > 0,
            "POST {path}: no case got past the form's parsing (seed {seed})"
        );
        world.assert_visitors_intact(&format!("POST {path}")).await;
    }
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn arbitrary_queries_never_give_a_5xx() {
    let app = spawn_app().await;
    let world = World::build(&app).await;
    let (mut runner, seed) = runner();
    let queries = query(rendered_fields(&world).await.all);
    for route in routes("GET") {
        let visitor = world.visitor_for(route.access);
        let path = world.path(route.path);
        for _ in 0..cases() {
            let url = format!("{path}?{}", sample(&mut runner, &queries));
            let res = visitor.get(&url).await;
            refuse_5xx(res.status(), seed, &format!("GET {url}"));
        }
    }
    world.assert_visitors_intact("the queries").await;
}
