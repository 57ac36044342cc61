//! The access-control matrix: every route of the route table, for every role, on own and other objects.
//!
//! Deny by default, proved from the outside: `EXPECTED` below is written by hand, independently of the
//! `Access` values in `stablereg::web::ROUTES`, and says what each kind of visitor gets on every route.
//! The test fails when a route is added to the table without a row here (or a row names a route that
//! is gone), then walks every route × actor × object over HTTP and compares what came back with the
//! table. All differences are listed at once.

use reqwest::StatusCode;
use stablereg::domain::Role;
use stablereg::web::ROUTES;
use uuid::Uuid;

use crate::review::decisions::{case_under_assessment, consultation, decided_case};
use crate::support::accounts::{Account, PASSWORD, location};
use crate::support::harness::{TestApp, TestConfig, spawn_app_with};

/// Who makes the requests. The two issuer actors belong to institution A; "own" objects are
/// institution A's, "other" objects institution B's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    /// Nobody signed in (with the anonymous session the public forms give, for their CSRF token).
    Anonymous,
    /// A reviewer whose password was accepted and whose TOTP code is still to come.
    PendingSecondFactor,
    /// Staff of institution A, not its administrator; no MFA.
    IssuerMember,
    /// The administrator of institution A; no MFA.
    IssuerAdmin,
    Reviewer,
    Approver,
    Admin,
    /// Staff of the Bank of Korea, a consulted body.
    Consultee,
}

/// The columns of `EXPECTED`, in order.
const ACTORS: [Actor; 8] = [
    Actor::Anonymous,
    Actor::PendingSecondFactor,
    Actor::IssuerMember,
    Actor::IssuerAdmin,
    Actor::Reviewer,
    Actor::Approver,
    Actor::Admin,
    Actor::Consultee,
];

/// What one actor gets on one route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cell {
    /// The handler answers: any status but 401, 403, 404 or 5xx, and no redirect to sign-in.
    Reach,
    /// Reached for an object of the actor's own institution; another institution's object is a 404.
    OwnInstitution,
    /// Not signed in (far enough): a page redirects 303 to `/login?next=<path>`, a form post is 403.
    SignIn,
    /// Signed in, but not allowed: 403.
    Forbidden,
    /// Signed in already, on a step of signing in: a page redirects 303 to `/account`, a post is 403.
    Home,
    /// As `SignIn`, but a post is kept for its member and answered 303 to sign in and come back
    /// (a section saved after the session ended).
    SignInKept,
    /// Signed in, and told the object does not exist, whoever's it is: 404 (a consultee asking
    /// for an applicant's file).
    Hidden,
}

const Y: Cell = Cell::Reach;
const OWN: Cell = Cell::OwnInstitution;
const IN: Cell = Cell::SignIn;
const NO: Cell = Cell::Forbidden;
const HOME: Cell = Cell::Home;
const KEPT: Cell = Cell::SignInKept;
const GONE: Cell = Cell::Hidden;

/// The expected table. Legend: `Y` reached, `OWN` reached on own institution's object and 404 on
/// another's, `IN` sent to sign in (GET 303 to /login, POST 403), `NO` refused with 403.
///
/// The second-factor steps: `/mfa` is only for a session whose password was accepted and whose
/// account has MFA; a fully signed-in user is past that step and is sent to their account (`HOME`). `/mfa/enrol` is for someone without MFA (at sign-in or signed in, here the issuer
/// actors); someone who already has MFA (every regulator here) is refused with 403.
/// The demo mailbox is open to everyone in tests (not production, mail written to files).
/// `POST /logout` comes last: it ends the actor's session.
#[rustfmt::skip]
const EXPECTED: &[(&str, &str, [Cell; 8])] = &[
    //                                               Anon Pend Memb IAdm Rev  Appr Admin Cons
    ("GET",  "/",                                    [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("GET",  "/healthz",                             [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("GET",  "/readyz",                              [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),

    ("GET",  "/signup",                              [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("POST", "/signup",                              [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("GET",  "/verify-email/{token}",                [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("POST", "/verify-email/{token}",                [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),

    ("GET",  "/login",                               [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("POST", "/login",                               [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("GET",  "/mfa",                                 [IN,  Y,   HOME,HOME,HOME,HOME,HOME, HOME]),
    ("POST", "/mfa",                                 [IN,  Y,   HOME,HOME,HOME,HOME,HOME, HOME]),
    ("GET",  "/mfa/enrol",                           [IN,  NO,  Y,   Y,   NO,  NO,  NO, NO ]),
    ("POST", "/mfa/enrol",                           [IN,  NO,  Y,   Y,   NO,  NO,  NO, NO ]),
    ("GET",  "/password/forgot",                     [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("POST", "/password/forgot",                     [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("GET",  "/password/reset/{token}",              [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("POST", "/password/reset/{token}",              [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("GET",  "/invitation/{token}",                  [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("POST", "/invitation/{token}",                  [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),

    ("GET",  "/account",                             [IN,  IN,  Y,   Y,   Y,   Y,   Y, Y  ]),
    ("GET",  "/account/password",                    [IN,  IN,  Y,   Y,   Y,   Y,   Y, Y  ]),
    ("POST", "/account/password",                    [IN,  IN,  Y,   Y,   Y,   Y,   Y, Y  ]),
    ("GET",  "/account/email",                       [IN,  IN,  Y,   Y,   Y,   Y,   Y, Y  ]),
    ("POST", "/account/email",                       [IN,  IN,  Y,   Y,   Y,   Y,   Y, Y  ]),
    ("POST", "/account/mfa/reset",                   [IN,  IN,  Y,   Y,   Y,   Y,   Y, Y  ]),
    ("GET",  "/account/deactivated",                 [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("GET",  "/email/confirm/{token}",               [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("POST", "/email/confirm/{token}",               [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),

    ("GET",  "/institution/members",                 [IN,  IN,  NO,  Y,   NO,  NO,  NO, NO ]),
    ("POST", "/institution/members",                 [IN,  IN,  NO,  Y,   NO,  NO,  NO, NO ]),
    ("POST", "/institution/members/{id}/signatory",  [IN,  IN,  NO,  OWN, NO,  NO,  NO, NO ]),
    ("POST", "/institution/members/{id}/deactivate", [IN,  IN,  NO,  OWN, NO,  NO,  NO, NO ]),
    ("GET",  "/institution/members/{id}/deactivate/confirm", [IN, IN, NO, OWN, NO, NO, NO, NO ]),

    ("GET",  "/applications",                        [IN,  IN,  Y,   Y,   NO,  NO,  NO, NO ]),
    ("POST", "/applications",                        [IN,  IN,  Y,   Y,   NO,  NO,  NO, NO ]),
    ("GET",  "/applications/{id}",                   [IN,  IN,  OWN, OWN, NO,  NO,  NO, NO ]),
    ("GET",  "/applications/{id}/sections/{section}", [IN, IN,  OWN, OWN, NO,  NO,  NO, NO ]),
    ("POST", "/applications/{id}/sections/{section}", [KEPT, KEPT, OWN, OWN, NO, NO, NO, NO ]),
    ("GET",  "/applications/attestation-template.csv", [IN, IN, Y,   Y,   NO,  NO,  NO, NO ]),
    ("GET",  "/applications/{id}/attestation/import", [IN, IN,  OWN, OWN, NO,  NO,  NO, NO ]),
    ("POST", "/applications/{id}/attestation/import", [IN, IN,  OWN, OWN, NO,  NO,  NO, NO ]),
    ("GET",  "/applications/{id}/check",             [IN,  IN,  OWN, OWN, NO,  NO,  NO, NO ]),
    ("POST", "/applications/{id}/submit",            [IN,  IN,  OWN, OWN, NO,  NO,  NO, NO ]),
    ("GET",  "/applications/{id}/submitted",         [IN,  IN,  OWN, OWN, NO,  NO,  NO, NO ]),
    ("GET",  "/applications/{id}/withdraw",          [IN,  IN,  OWN, OWN, NO,  NO,  NO, NO ]),
    ("POST", "/applications/{id}/withdraw",          [IN,  IN,  OWN, OWN, NO,  NO,  NO, NO ]),
    ("GET",  "/applications/{id}/letter",            [IN,  IN,  OWN, OWN, NO,  NO,  NO,  NO ]),

    ("GET",  "/admin",                               [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/users/new",                     [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("POST", "/admin/users",                         [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/users/{id}",                    [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("POST", "/admin/users/{id}/role",               [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/users/{id}/role/confirm",       [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("POST", "/admin/users/{id}/deactivate",         [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/users/{id}/deactivate/confirm", [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("POST", "/admin/users/{id}/reactivate",         [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("POST", "/admin/users/{id}/reset-mfa",          [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/users/{id}/reset-mfa/confirm",  [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("POST", "/admin/users/{id}/unlock",             [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/institutions",                  [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/institutions/{id}",             [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("POST", "/admin/institutions/{id}/status",      [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/institutions/{id}/status/confirm", [IN, IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/audit",                         [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/audit.csv",                     [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/calendar",                      [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("POST", "/admin/calendar",                      [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/calendar/remove",               [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("POST", "/admin/calendar/remove",               [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("GET",  "/admin/settings",                      [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),
    ("POST", "/admin/settings",                      [IN,  IN,  NO,  NO,  NO,  NO,  Y, NO ]),

    ("GET",  "/register",                            [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y ]),
    ("GET",  "/register.csv",                        [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y ]),
    ("GET",  "/register.json",                       [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y ]),
    ("GET",  "/register/lookup",                     [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y ]),
    ("GET",  "/register/lookup.json",                [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y ]),
    ("GET",  "/register/feed.atom",                  [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y ]),
    ("GET",  "/register/{number}",                   [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y ]),
    ("GET",  "/review/register/{number}/status",     [IN,  IN,  NO,  NO,  NO,  Y,   Y, NO ]),
    ("POST", "/review/register/{number}/status",     [IN,  IN,  NO,  NO,  NO,  Y,   Y, NO ]),

    ("GET",  "/applications/{id}/documents/{kind}",  [IN,  IN,  OWN, OWN, NO,  NO,  NO, NO ]),
    ("POST", "/applications/{id}/documents/{kind}",  [IN,  IN,  OWN, OWN, NO,  NO,  NO, NO ]),
    ("GET",  "/applications/{id}/files/{document}",  [IN,  IN,  OWN, OWN, Y,   Y,   Y, GONE]),
    // The review: reviewers and approvers only (any case but a draft, whoever applied). The
    // reviewer takes each case and confirms it complete; the approver then finds it taken (409)
    // and no longer awaiting completeness (409); an empty assignment or note is sent back (422).
    ("GET",  "/review",                              [IN,  IN,  NO,  NO,  Y,   Y,   NO, NO ]),
    ("GET",  "/review/{id}",                         [IN,  IN,  NO,  NO,  Y,   Y,   NO, NO ]),
    ("GET",  "/review/{id}/clock",                   [IN,  IN,  NO,  NO,  Y,   Y,   NO, NO ]),
    ("GET",  "/review/{id}/sections/{section}/compare", [IN, IN, NO, NO,  Y,   Y,   NO, NO ]),
    ("POST", "/review/{id}/take",                    [IN,  IN,  NO,  NO,  Y,   Y,   NO, NO ]),
    ("POST", "/review/{id}/assign",                  [IN,  IN,  NO,  NO,  NO,  Y,   NO, NO ]),
    ("POST", "/review/{id}/sections/{section}/outcome", [IN, IN, NO, NO,  Y,   Y,   NO, NO ]),
    ("POST", "/review/{id}/notes",                   [IN,  IN,  NO,  NO,  Y,   Y,   NO, NO ]),
    ("POST", "/review/{id}/complete",                [IN,  IN,  NO,  NO,  Y,   Y,   NO, NO ]),
    // Information requests: only the assigned staff may ask (the cases are another reviewer's:
    // 403); a request and item nobody made are 404 to whoever may reach them.
    ("GET",  "/review/{id}/requests/new",            [IN,  IN,  NO,  NO,  NO,  NO,  NO, NO ]),
    ("POST", "/review/{id}/requests",                [IN,  IN,  NO,  NO,  Y,   Y,   NO, NO ]),
    ("GET",  "/review/{id}/requests/{request}",      [IN,  IN,  NO,  NO,  GONE, GONE, NO, NO ]),
    ("POST", "/review/{id}/requests/{request}/items/{item}/close", [IN, IN, NO, NO, GONE, GONE, NO, NO ]),
    ("POST", "/review/{id}/requests/{request}/items/{item}/ask-again", [IN, IN, NO, NO, GONE, GONE, NO, NO ]),
    ("GET",  "/applications/{id}/requests/{request}", [IN, IN,  GONE, GONE, NO, NO, NO, NO ]),
    ("POST", "/applications/{id}/requests/{request}/items/{item}", [IN, IN, GONE, GONE, NO, NO, NO, NO ]),
    ("POST", "/applications/{id}/requests/{request}/send", [IN, IN, GONE, GONE, NO, NO, NO, NO ]),

    ("GET",  "/review/{id}/consultations",           [IN,  IN,  NO,  NO,  Y,   Y,   NO,  NO ]),
    ("POST", "/review/{id}/consultations",           [IN,  IN,  NO,  NO,  Y,   Y,   NO,  NO ]),
    ("GET",  "/review/{id}/decision",                [IN,  IN,  NO,  NO,  Y,   Y,   NO,  NO ]),
    ("POST", "/review/{id}/propose",                 [IN,  IN,  NO,  NO,  Y,   Y,   NO,  NO ]),
    ("POST", "/review/{id}/decide",                  [IN,  IN,  NO,  NO,  Y,   Y,   NO,  NO ]),
    ("GET",  "/review/{id}/letter",                  [IN,  IN,  NO,  NO,  Y,   Y,   NO,  NO ]),

    ("GET",  "/consultations",                       [IN,  IN,  NO,  NO,  NO,  NO,  NO,  Y  ]),
    ("GET",  "/consultations/{id}",                  [IN,  IN,  NO,  NO,  NO,  NO,  NO,  OWN]),
    ("POST", "/consultations/{id}/opinion",          [IN,  IN,  NO,  NO,  NO,  NO,  NO,  OWN]),

    ("GET",  "/demo/mail",                           [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
    ("GET",  "/demo/mail/{id}",                      [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),

    ("POST", "/logout",                              [Y,   Y,   Y,   Y,   Y,   Y,   Y, Y  ]),
];

/// Which object a path parameter is filled with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Object {
    /// The route has no object (or takes a mailed token, filled with a bogus one).
    NotApplicable,
    /// Institution A's (the issuer actors' own institution).
    Own,
    /// Institution B's.
    Other,
}

impl Object {
    fn label(self) -> &'static str {
        match self {
            Object::NotApplicable => "-",
            Object::Own => "own",
            Object::Other => "other",
        }
    }
}

/// What a request should get, once the object is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Reach,
    SignIn,
    Home,
    Forbidden,
    NotFound,
    Kept,
}

fn outcome(cell: Cell, object: Object) -> Outcome {
    match (cell, object) {
        (Cell::Reach, _) => Outcome::Reach,
        (Cell::OwnInstitution, Object::Other) => Outcome::NotFound,
        (Cell::OwnInstitution, _) => Outcome::Reach,
        (Cell::SignIn, _) => Outcome::SignIn,
        (Cell::Forbidden, _) => Outcome::Forbidden,
        (Cell::Home, _) => Outcome::Home,
        (Cell::SignInKept, _) => Outcome::Kept,
        (Cell::Hidden, _) => Outcome::NotFound,
    }
}

/// The objects the matrix points the routes at: for each, one of institution A and one of B.
struct Fixture {
    institutions: (Uuid, Uuid),
    /// Issuer members who are not actors, so deactivating them harms no later row.
    members: (Uuid, Uuid),
    /// Mails in the demo mailbox, to a member of A and to one of B.
    mails: (Uuid, Uuid),
    /// Draft applications of A and of B, each with one stored document.
    applications: (Uuid, Uuid),
    documents: (Uuid, Uuid),
    /// A decided (rejected) application of A and one of B, which have decision letters.
    decided: (Uuid, Uuid),
    /// Two cases under assessment (staff reach both).
    cases: (Uuid, Uuid),
    /// A consultation sent to the consultee's body and one sent to another body.
    consultations: (Uuid, Uuid),
    /// An issuer on the public register (public: no institution's own).
    register_number: String,
}

impl Fixture {
    fn pick(&self, pair: (Uuid, Uuid), object: Object) -> Uuid {
        match object {
            Object::Other => pair.1,
            _ => pair.0,
        }
    }
}

/// The objects a route is requested with.
fn objects(path: &str) -> &'static [Object] {
    if path.contains("{id}") {
        &[Object::Own, Object::Other]
    } else {
        &[Object::NotApplicable]
    }
}

/// The route pattern with its parameter filled in. A new kind of parameter needs a fixture here.
fn concrete(path: &str, object: Object, fx: &Fixture) -> String {
    if path.contains("{token}") {
        // A link token nobody was sent: the public pages answer 410 "link invalid".
        return path.replace("{token}", "no-such-link-token-0123456789abcdef");
    }
    if path.contains("{number}") {
        return path.replace("{number}", &fx.register_number);
    }
    if !path.contains('{') {
        return path.to_owned();
    }
    // An information request and item nobody made.
    let nobody = "00000000-0000-7000-8000-000000000000";
    let path = &path.replace("{request}", nobody).replace("{item}", nobody);
    if path.ends_with("/letter") {
        return path.replace("{id}", &fx.pick(fx.decided, object).to_string());
    }
    if path.starts_with("/applications/{id}/") {
        // A document page names its kind; a download names a document of that application; a
        // section page any section (they answer alike).
        return path
            .replace("{id}", &fx.pick(fx.applications, object).to_string())
            .replace("{section}", "institution")
            .replace("{kind}", "business_plan")
            .replace("{section}", "institution")
            .replace("{document}", &fx.pick(fx.documents, object).to_string());
    }
    let id = if path.starts_with("/admin/users/") || path.starts_with("/institution/members/") {
        fx.pick(fx.members, object)
    } else if path.starts_with("/admin/institutions/") {
        fx.pick(fx.institutions, object)
    } else if path.starts_with("/demo/mail/") {
        fx.pick(fx.mails, object)
    } else if path.starts_with("/applications/") {
        fx.pick(fx.applications, object)
    } else if path.starts_with("/review/") {
        fx.pick(fx.cases, object)
    } else if path.starts_with("/consultations/") {
        fx.pick(fx.consultations, object)
    } else {
        panic!("no fixture for the parameter of {path}: teach `concrete` which object it takes")
    };
    // A section of the application: any section answers alike.
    let path = path.replace("{section}", "institution");
    assert!(
        path.matches('{').count() == 1 && path.contains("{id}"),
        "{path}: teach `concrete` its parameters"
    );
    path.replace("{id}", &id.to_string())
}

/// One difference between the table and what the server did.
struct Mismatch {
    method: &'static str,
    path: String,
    actor: Actor,
    object: Object,
    expected: String,
    got: String,
}

fn describe_expected(method: &str, path: &str, expected: Outcome) -> String {
    match (expected, method) {
        (Outcome::Reach, _) => "reached".into(),
        (Outcome::SignIn, "GET") => format!("303 -> {}", sign_in_location(path)),
        (Outcome::Home, "GET") => "303 -> /account".into(),
        (Outcome::SignIn | Outcome::Home | Outcome::Forbidden, _) => "403".into(),
        (Outcome::NotFound, _) => "404".into(),
        (Outcome::Kept, "GET") => format!("303 -> {}", sign_in_location(path)),
        (Outcome::Kept, _) => format!("303 -> {}", sign_in_location(&format!("{path}?restored=1"))),
    }
}

fn sign_in_location(path: &str) -> String {
    format!(
        "/login?next={}",
        url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>()
    )
}

/// Whether the answer is what `expected` says.
fn is_as_expected(
    method: &str,
    path: &str,
    expected: Outcome,
    status: StatusCode,
    to: &str,
) -> bool {
    match expected {
        Outcome::Reach => {
            let refused = matches!(status.as_u16(), 401 | 403 | 404) || status.is_server_error();
            let sent_to_sign_in =
                method == "GET" && status.is_redirection() && to.starts_with("/login");
            !(refused || sent_to_sign_in)
        }
        Outcome::SignIn if method == "GET" => {
            status == StatusCode::SEE_OTHER && to == sign_in_location(path)
        }
        Outcome::Home if method == "GET" => status == StatusCode::SEE_OTHER && to == "/account",
        Outcome::SignIn | Outcome::Home | Outcome::Forbidden => status == StatusCode::FORBIDDEN,
        Outcome::NotFound => status == StatusCode::NOT_FOUND,
        Outcome::Kept if method == "GET" => {
            status == StatusCode::SEE_OTHER && to == sign_in_location(path)
        }
        Outcome::Kept => {
            status == StatusCode::SEE_OTHER && to == sign_in_location(&format!("{path}?restored=1"))
        }
    }
}

/// A client with a cookie jar of its own that follows no redirects, like `TestApp::client`, from
/// an address of its own: the actors' sign-ins and the matrix's posts to /login and /mfa would
/// otherwise pass the limit of attempts from one address.
fn fresh_client(column: usize) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let address = format!("10.0.0.{}", column + 1);
    headers.insert("x-forwarded-for", address.parse().expect("a header value"));
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("a client")
}

/// Puts a mail in the outbox (and so in the demo mailbox).
async fn queue_mail(app: &TestApp, to: &str) -> Uuid {
    let id = Uuid::now_v7();
    app.sql(&format!(
        "INSERT INTO outbox (id, message_id, recipient, subject, body_text, body_html) \
         VALUES ('{id}', '<{id}@test.stablereg.kr>', '{to}', 'Test', 'A test mail.', '<p>A test mail.</p>')"
    ))
    .await;
    id
}

/// Signs `actor` in on `app.client` (a fresh client) and returns the session's CSRF token and the
/// page that proves the session is still what it was.
async fn become_actor(app: &TestApp, actor: Actor, accounts: &Accounts) -> (String, &'static str) {
    let signed_in = |account: &Account| {
        let account = account.clone();
        async move {
            app.sign_in(&account).await;
            (app.token("/account").await, "/account")
        }
    };
    match actor {
        Actor::Anonymous => (app.token("/login").await, "/login"),
        Actor::PendingSecondFactor => {
            let account = &accounts.pending;
            let res = app.sign_in_password(&account.email, PASSWORD).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
            assert_eq!(
                location(&res),
                "/mfa",
                "the password step leads to the code"
            );
            (app.token("/mfa").await, "/mfa")
        }
        Actor::IssuerMember => signed_in(&accounts.member).await,
        Actor::IssuerAdmin => signed_in(&accounts.issuer_admin).await,
        Actor::Reviewer => signed_in(&accounts.reviewer).await,
        Actor::Approver => signed_in(&accounts.approver).await,
        Actor::Admin => signed_in(&accounts.admin).await,
        Actor::Consultee => signed_in(&accounts.consultee).await,
    }
}

struct Accounts {
    pending: Account,
    member: Account,
    issuer_admin: Account,
    reviewer: Account,
    approver: Account,
    admin: Account,
    consultee: Account,
}

fn listed(lines: &[String]) -> String {
    if lines.is_empty() {
        "  (none)".into()
    } else {
        lines.join("\n")
    }
}

/// Every route of the table has a row, and every row a route.
fn check_table_covers_routes() {
    let routes: Vec<(&str, &str)> = ROUTES.iter().map(|r| (r.method, r.path)).collect();
    let rows: Vec<(&str, &str)> = EXPECTED.iter().map(|(m, p, _)| (*m, *p)).collect();
    let missing: Vec<String> = routes
        .iter()
        .filter(|r| !rows.contains(r))
        .map(|(m, p)| format!("  {m} {p}"))
        .collect();
    let stale: Vec<String> = rows
        .iter()
        .filter(|r| !routes.contains(r))
        .map(|(m, p)| format!("  {m} {p}"))
        .collect();
    let duplicated: Vec<String> = rows
        .iter()
        .enumerate()
        .filter(|(i, r)| rows[..*i].contains(r))
        .map(|(_, (m, p))| format!("  {m} {p}"))
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty() && duplicated.is_empty(),
        "the expected access table and the route table differ.\n\
         routes without a row in EXPECTED (add one saying who may reach them):\n{}\n\
         rows in EXPECTED without a route:\n{}\n\
         rows in EXPECTED twice:\n{}",
        listed(&missing),
        listed(&stale),
        listed(&duplicated),
    );
    assert_eq!(
        EXPECTED.last().map(|(m, p, _)| (*m, *p)),
        Some(("POST", "/logout")),
        "POST /logout must stay the last row: it ends the actor's session"
    );
}

#[tokio::test]
async fn every_route_for_every_role_on_own_and_other_objects_matches_the_expected_table() {
    check_table_covers_routes();

    let mut config = TestConfig::default();
    config.env.insert("TRUST_FORWARDED_FOR", "true".into());
    let mut app = spawn_app_with(config).await;
    let institution_a = app.create_institution("Hanbit").await;
    let institution_b = app.create_institution("Dasom").await;
    let member_a = app
        .create_account(Role::Issuer, Some(institution_a), false)
        .await;
    let member_b = app
        .create_account(Role::Issuer, Some(institution_b), false)
        .await;
    // Institution B has an administrator of its own, like any real institution.
    app.create_account(Role::Issuer, Some(institution_b), true)
        .await;
    let applications = (
        app.create_application(institution_a, member_a.id).await,
        app.create_application(institution_b, member_b.id).await,
    );
    let pdf = crate::support::documents::pdf(0);
    let kind = stablereg::domain::application::DocumentKind::BusinessPlan;
    let documents = (
        app.store_document(applications.0, kind, member_a.id, &pdf)
            .await,
        app.store_document(applications.1, kind, member_b.id, &pdf)
            .await,
    );
    let staff = app.create_account(Role::Reviewer, None, false).await;
    let cases = (
        case_under_assessment(&app, staff.id).await,
        case_under_assessment(&app, staff.id).await,
    );
    let fixture = Fixture {
        decided: (
            decided_case(&app, institution_a, staff.id).await,
            decided_case(&app, institution_b, staff.id).await,
        ),
        consultations: (
            consultation(&app, cases.0, "bank_of_korea", staff.id).await,
            consultation(&app, cases.1, "fss", staff.id).await,
        ),
        cases,
        applications,
        documents,
        institutions: (institution_a, institution_b),
        members: (member_a.id, member_b.id),
        mails: (
            queue_mail(&app, &member_a.email).await,
            queue_mail(&app, &member_b.email).await,
        ),
        register_number: crate::register::fixture::publish(
            &app,
            "Mirae",
            "MKRW",
            "KRW",
            &[("ethereum", crate::register::fixture::EVM_ADDRESS)],
            1,
        )
        .await
        .number
        .to_string(),
    };
    let accounts = Accounts {
        pending: app.create_account(Role::Reviewer, None, false).await,
        member: app
            .create_account(Role::Issuer, Some(institution_a), false)
            .await,
        issuer_admin: app
            .create_account(Role::Issuer, Some(institution_a), true)
            .await,
        reviewer: app.create_account(Role::Reviewer, None, false).await,
        approver: app.create_account(Role::Approver, None, false).await,
        admin: app.create_account(Role::Admin, None, false).await,
        consultee: app.create_consultee("bank_of_korea").await,
    };

    let mut cases = 0;
    let mut mismatches = Vec::new();
    for (column, actor) in ACTORS.into_iter().enumerate() {
        // The support helpers drive `app.client`: each actor gets a client with a cookie jar of its own.
        app.client = fresh_client(column);
        let (token, home) = become_actor(&app, actor, &accounts).await;
        for (method, pattern, cells) in EXPECTED {
            if *pattern == "/logout" {
                // Before the session ends: is the actor still who it was? Otherwise the rows above
                // would have been judged for someone else.
                let status = app.get(home).await.status();
                if status != StatusCode::OK {
                    mismatches.push(Mismatch {
                        method: "GET",
                        path: home.to_owned(),
                        actor,
                        object: Object::NotApplicable,
                        expected: "200 (the session survived the matrix)".into(),
                        got: status.as_u16().to_string(),
                    });
                }
            }
            for &object in objects(pattern) {
                cases += 1;
                let path = concrete(pattern, object, &fixture);
                let res = match *method {
                    "GET" => app.get(&path).await,
                    "POST" => app.post(&path, &token, &[]).await,
                    other => panic!("the matrix does not know how to send {other} {pattern}"),
                };
                let status = res.status();
                let to = location(&res);
                let expected = outcome(cells[column], object);
                if !is_as_expected(method, &path, expected, status, &to) {
                    let got = match to.as_str() {
                        "" => status.as_u16().to_string(),
                        to => format!("{} -> {to}", status.as_u16()),
                    };
                    mismatches.push(Mismatch {
                        method,
                        path: path.clone(),
                        actor,
                        object,
                        expected: describe_expected(method, &path, expected),
                        got,
                    });
                }
            }
        }
    }
    println!(
        "access matrix: {} routes x {} actors, {cases} cases (route x actor x object)",
        EXPECTED.len(),
        ACTORS.len()
    );

    let report: Vec<String> = mismatches
        .iter()
        .map(|m| {
            format!(
                "  {:<4} {:<72} {:<19} {:<5}  expected {:<40} got {}",
                m.method,
                m.path,
                format!("{:?}", m.actor),
                m.object.label(),
                m.expected,
                m.got
            )
        })
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {cases} access cases differ from the expected table:\n{}",
        mismatches.len(),
        report.join("\n")
    );
}
