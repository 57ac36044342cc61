//! The HTTP side: one module per area of the portal, the shared extractors and middleware, and the
//! route table that wires them together and says who may reach what.

use actix_web::HttpRequest;

use crate::audit::Actor;

pub mod access;
pub mod assets;
pub mod confirm;
pub mod extract;
pub mod forms;
pub mod kept_posts;
pub mod lang;
pub mod middleware;
pub mod notice;
pub mod pages;
pub mod reply;
pub mod session;

use pages::identity::{account, signup};
use pages::{admin, application, demo_mail, health, home, identity, institution::members};
use pages::{consultee, register, review};

pub use extract::PageContext;

/// What every handler may reach.
#[derive(Clone)]
pub struct AppState {
    pub settings: crate::config::Settings,
    pub pool: crate::db::Pool,
    pub assets: assets::AssetVersion,
    pub audit_key: crate::audit::AuditKey,
    pub totp_secrets: crate::auth::totp_secrets::TotpSecrets,
    pub transport: crate::mail::Transport,
    /// Whether `stablereg demo` loaded its data into the database (read at start-up).
    pub demo_data_loaded: bool,
    /// Where uploaded files are stored (STORAGE).
    pub storage: crate::storage::Storage,
    /// The register's CSV and JSON as last built by this instance, with their generation.
    /// Shared by every worker thread's copy of the state.
    pub register_downloads: std::sync::Arc<pages::register::downloads::Downloads>,
}

impl AppState {
    /// The demo mailbox and other conveniences for trying the portal exist only outside production,
    /// only while mail goes to files, and only on a machine trying demo data (loaded here, and
    /// reached on loopback) unless DEMO_MAILBOX switches them on.
    pub fn demo_enabled(&self) -> bool {
        let trying_demo = self.demo_data_loaded && self.settings.base_url_is_loopback();
        !self.settings.is_production()
            && self.transport.writes_files()
            && (self.settings.demo_mailbox || trying_demo)
    }

    /// What a service needs besides its connection, for `actor`.
    pub fn services<'a>(&'a self, actor: &'a Actor) -> crate::services::Context<'a> {
        crate::services::Context {
            settings: &self.settings,
            audit_key: &self.audit_key,
            actor,
        }
    }
}

/// The client's address: the TCP peer, or, with TRUST_FORWARDED_FOR on, the address the proxy in
/// front of us saw. That is the last entry of X-Forwarded-For (the one the proxy appended): earlier
/// entries, and the Forwarded header, come from the client and can say anything.
pub fn client_addr(req: &HttpRequest) -> String {
    let trust = req
        .app_data::<actix_web::web::Data<AppState>>()
        .is_some_and(|s| s.settings.trust_forwarded_for);
    let forwarded = trust
        .then(|| req.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|last| last.trim().parse::<std::net::IpAddr>().ok());
    match forwarded {
        Some(ip) => ip.to_string(),
        None => req
            .peer_addr()
            .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string()),
    }
}

/// Declares every route once: its method, path, who may reach it, and its handler. From this one
/// list come both the registrations and the `ROUTES` table that `access::enforce` consults.
macro_rules! route_table {
    ($( $method:ident $path:literal $access:ident => $handler:path ),* $(,)?) => {
        pub const ROUTES: &[access::RouteSpec] = &[
            $( access::RouteSpec { method: stringify!($method), path: $path, access: access::Access::$access } ),*
        ];

        pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
            $(
                cfg.service(
                    actix_web::web::resource($path)
                        .guard(actix_web::guard::Method(actix_web::http::Method::$method))
                        .route(actix_web::web::route().to($handler))
                        .wrap(actix_web::middleware::from_fn(access::enforce)),
                );
            )*
        }
    };
}

route_table! {
    GET  "/"                                   Anyone       => home::show,
    GET  "/healthz"                            Anyone       => health::healthz,
    GET  "/readyz"                             Anyone       => health::readyz,

    GET  "/signup"                             Anyone       => signup::form,
    POST "/signup"                             Anyone       => signup::submit,
    GET  "/verify-email/{token}"               Anyone       => signup::verify_form,
    POST "/verify-email/{token}"               Anyone       => signup::verify,

    GET  "/login"                              Anyone       => identity::login_form,
    POST "/login"                              Anyone       => identity::login,
    POST "/logout"                             Anyone       => identity::logout,
    GET  "/mfa"                                SecondFactor => identity::mfa_form,
    POST "/mfa"                                SecondFactor => identity::mfa,
    GET  "/mfa/enrol"                          MfaEnrolment => identity::enrol_form,
    POST "/mfa/enrol"                          MfaEnrolment => identity::enrol,
    GET  "/password/forgot"                    Anyone       => identity::forgot_form,
    POST "/password/forgot"                    Anyone       => identity::forgot,
    GET  "/password/reset/{token}"             Anyone       => identity::reset_form,
    POST "/password/reset/{token}"             Anyone       => identity::reset,
    GET  "/invitation/{token}"                 Anyone       => identity::invitation_form,
    POST "/invitation/{token}"                 Anyone       => identity::accept_invitation,

    GET  "/account"                            SignedIn     => account::show,
    GET  "/account/password"                   SignedIn     => account::password_form,
    POST "/account/password"                   SignedIn     => account::change_password,
    GET  "/account/email"                      SignedIn     => account::email_form,
    POST "/account/email"                      SignedIn     => account::change_email,
    POST "/account/mfa/reset"                  SignedIn     => account::reset_mfa,
    GET  "/account/deactivated"                Anyone       => account::deactivated,
    GET  "/email/confirm/{token}"              Anyone       => account::confirm_email_form,
    POST "/email/confirm/{token}"              Anyone       => account::confirm_email,

    GET  "/institution/members"                IssuerAdmin  => members::list,
    POST "/institution/members"                IssuerAdmin  => members::invite,
    POST "/institution/members/{id}/signatory" IssuerAdmin  => members::set_signatory,
    POST "/institution/members/{id}/deactivate" IssuerAdmin => members::deactivate,
    GET  "/institution/members/{id}/deactivate/confirm" IssuerAdmin => members::confirm_deactivate,

    GET  "/applications"                       IssuerMember => application::dashboard::list,
    POST "/applications"                       IssuerMember => application::dashboard::start,
    // Before any "/applications/{id}" route: that pattern would take the template's name as an id.
    GET  "/applications/attestation-template.csv" IssuerMember => application::attestation::template,
    GET  "/applications/{id}"                  IssuerMember => application::task_list::show,
    GET  "/applications/{id}/sections/{section}" IssuerMember => application::section::show,
    POST "/applications/{id}/sections/{section}" IssuerMember => application::section::save,
    GET  "/applications/{id}/attestation/import" IssuerMember => application::attestation::form,
    POST "/applications/{id}/attestation/import" IssuerMember => application::attestation::import,
    GET  "/applications/{id}/check"            IssuerMember => application::check::show,
    POST "/applications/{id}/submit"           IssuerMember => application::check::submit,
    GET  "/applications/{id}/submitted"        IssuerMember => application::check::submitted,
    GET  "/applications/{id}/withdraw"         IssuerMember => application::withdraw::form,
    POST "/applications/{id}/withdraw"         IssuerMember => application::withdraw::withdraw,
    GET  "/applications/{id}/letter"           IssuerMember => review::letter::for_issuer,

    GET  "/review/{id}/consultations"          Staff        => review::consultation::show,
    POST "/review/{id}/consultations"          Staff        => review::consultation::send,
    GET  "/review/{id}/decision"               Staff        => review::decisions::show,
    POST "/review/{id}/propose"                Staff        => review::decisions::propose,
    POST "/review/{id}/decide"                 Staff        => review::decisions::decide,
    GET  "/review/{id}/letter"                 Staff        => review::letter::for_staff,

    GET  "/consultations"                      Consultee    => consultee::list,
    GET  "/consultations/{id}"                 Consultee    => consultee::show,
    POST "/consultations/{id}/opinion"         Consultee    => consultee::opinion,

    GET  "/admin"                              Admin        => admin::users::list,
    GET  "/admin/users/new"                    Admin        => admin::users::invite_form,
    POST "/admin/users"                        Admin        => admin::users::invite,
    GET  "/admin/users/{id}"                   Admin        => admin::users::show,
    POST "/admin/users/{id}/role"              Admin        => admin::users::change_role,
    GET  "/admin/users/{id}/role/confirm"      Admin        => admin::users::confirm_role,
    POST "/admin/users/{id}/deactivate"        Admin        => admin::users::deactivate,
    GET  "/admin/users/{id}/deactivate/confirm" Admin       => admin::users::confirm_deactivate,
    POST "/admin/users/{id}/reactivate"        Admin        => admin::users::reactivate,
    POST "/admin/users/{id}/reset-mfa"         Admin        => admin::users::reset_mfa,
    GET  "/admin/users/{id}/reset-mfa/confirm" Admin        => admin::users::confirm_reset_mfa,
    POST "/admin/users/{id}/unlock"            Admin        => admin::users::unlock,
    GET  "/admin/institutions"                 Admin        => admin::institutions::list,
    GET  "/admin/institutions/{id}"            Admin        => admin::institutions::show,
    POST "/admin/institutions/{id}/status"     Admin        => admin::institutions::set_status,
    GET  "/admin/institutions/{id}/status/confirm" Admin    => admin::institutions::confirm_status,
    GET  "/admin/audit"                        Admin        => admin::audit::list,
    GET  "/admin/audit.csv"                    Admin        => admin::audit_csv::download,
    GET  "/admin/calendar"                     Admin        => admin::calendar::show,
    POST "/admin/calendar"                     Admin        => admin::calendar::add,
    GET  "/admin/calendar/remove"              Admin        => admin::calendar::confirm_remove,
    POST "/admin/calendar/remove"              Admin        => admin::calendar::remove,
    GET  "/admin/settings"                     Admin        => admin::settings::show,
    POST "/admin/settings"                     Admin        => admin::settings::save,

    // The public register. Before "/register/{number}": that pattern would take these names.
    GET  "/register"                           Anyone       => register::list,
    GET  "/register.csv"                       Anyone       => register::downloads::csv,
    GET  "/register.json"                      Anyone       => register::downloads::json,
    GET  "/register/lookup"                    Anyone       => register::lookup::page_or_json,
    GET  "/register/lookup.json"               Anyone       => register::lookup::json,
    GET  "/register/feed.atom"                 Anyone       => register::feed::feed,
    GET  "/register/{number}"                  Anyone       => register::show,
    GET  "/review/register/{number}/status"    Registrar    => register::status::form,
    POST "/review/register/{number}/status"    Registrar    => register::status::change,

    GET  "/applications/{id}/documents/{kind}" IssuerMember => application::documents::show,
    POST "/applications/{id}/documents/{kind}" IssuerMember => application::documents::upload,
    GET  "/applications/{id}/files/{document}" SignedIn     => application::documents::download,

    GET  "/review"                             Staff        => review::queue::list,
    GET  "/review/{id}"                        Staff        => review::case::show,
    GET  "/review/{id}/clock"                  Staff        => review::case::clock_log,
    GET  "/review/{id}/sections/{section}/compare" Staff    => review::compare::show,
    POST "/review/{id}/take"                   Staff        => review::actions::take,
    POST "/review/{id}/assign"                 Staff        => review::actions::assign,
    POST "/review/{id}/sections/{section}/outcome" Staff    => review::actions::outcome,
    POST "/review/{id}/notes"                  Staff        => review::actions::note,
    POST "/review/{id}/complete"               Staff        => review::actions::complete,
    GET  "/review/{id}/requests/new"           Staff        => review::information_requests::new,
    POST "/review/{id}/requests"               Staff        => review::information_requests::send,
    GET  "/review/{id}/requests/{request}"     Staff        => review::information_requests::show,
    POST "/review/{id}/requests/{request}/items/{item}/close" Staff     => review::information_requests::close,
    POST "/review/{id}/requests/{request}/items/{item}/ask-again" Staff     => review::information_requests::ask_again,
    GET  "/applications/{id}/requests/{request}" IssuerMember => application::information_requests::show,
    POST "/applications/{id}/requests/{request}/items/{item}" IssuerMember => application::information_requests::answer,
    POST "/applications/{id}/requests/{request}/send" IssuerMember => application::information_requests::send,

    GET  "/demo/mail"                          Demo         => demo_mail::list,
    GET  "/demo/mail/{id}"                     Demo         => demo_mail::show,
}

#[cfg(test)]
pub(crate) mod tests {
    use actix_web::test::TestRequest;

    pub(crate) fn app_state(trust: bool) -> actix_web::web::Data<super::AppState> {
        let mut settings = crate::config::Settings::from_lookup(|_| None).unwrap();
        settings.trust_forwarded_for = trust;
        let pool = crate::db::pool("postgres://nobody@localhost/none", 1).unwrap();
        actix_web::web::Data::new(super::AppState {
            settings: settings.clone(),
            pool,
            assets: super::assets::AssetVersion::of_dir(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("static")
                    .as_path(),
            )
            .unwrap(),
            audit_key: crate::audit::AuditKey::new("k"),
            totp_secrets: crate::auth::totp_secrets::TotpSecrets::new(
                &crate::audit::AuditKey::new("k"),
            ),
            transport: crate::mail::Transport::from_settings(&crate::config::Settings {
                data_dir: std::env::temp_dir(),
                ..settings
            })
            .unwrap(),
            demo_data_loaded: false,
            register_downloads: Default::default(),
            storage: crate::storage::Storage::directory(
                &std::env::temp_dir().join("stablereg-unit-files"),
            )
            .unwrap(),
        })
    }

    #[actix_web::test]
    async fn only_the_proxys_own_entry_is_believed() {
        let req = TestRequest::default()
            .peer_addr("10.0.0.5:4000".parse().unwrap())
            .insert_header(("x-forwarded-for", "6.6.6.6, 203.0.113.9"))
            .insert_header(("forwarded", "for=7.7.7.7"))
            .app_data(app_state(true))
            .to_http_request();
        assert_eq!(super::client_addr(&req), "203.0.113.9");
        let req = TestRequest::default()
            .peer_addr("10.0.0.5:4000".parse().unwrap())
            .insert_header(("x-forwarded-for", "6.6.6.6"))
            .app_data(app_state(false))
            .to_http_request();
        assert_eq!(
            super::client_addr(&req),
            "10.0.0.5",
            "not behind a trusted proxy: the peer"
        );
        let req = TestRequest::default()
            .peer_addr("10.0.0.5:4000".parse().unwrap())
            .insert_header(("x-forwarded-for", "not an address"))
            .app_data(app_state(true))
            .to_http_request();
        assert_eq!(
            super::client_addr(&req),
            "10.0.0.5",
            "garbage is not an address"
        );
    }
}
