//! The shape of an application section's form, written once: a draft kept as typed and saved even
//! when invalid, a valid value made from it by `validate`, the section's status derived from
//! `validate` alone, and one GET and one POST handler for every section. A section supplies its
//! types, its checks and its page; where drafts live is a `DraftStore`, so the application's
//! versioned table plugs in without the handlers changing.

use std::future::Future;

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpResponse};
use askama::Template;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::AppResult;
use crate::web::PageContext;
use crate::web::extract::Form;
use crate::web::forms::Errors;
use crate::web::reply::{form_with_errors, page, redirect};

/// One section of a form that is filled in over time.
pub trait SectionForm: 'static {
    /// What the person typed, as typed (text, not numbers), so nothing is lost when it comes back
    /// with errors and an unfinished section can be saved.
    type Draft: Serialize + DeserializeOwned + Default + 'static;
    /// The section once every check passed: typed values that mean what they say.
    type Valid;
    /// The page that shows the section's form.
    type Page: Template;
    /// Where this request's draft is kept, found from the request (an application's id, say).
    type Store: DraftStore<Self::Draft> + FromRequest;

    /// Every check of the section: shape (`validator`) and meaning (domain types), as message keys.
    fn validate(draft: &Self::Draft) -> Result<Self::Valid, Errors>;

    /// The page with `draft` in its fields and `errors` beside them.
    fn page(ctx: PageContext, draft: Self::Draft, errors: Errors) -> Self::Page;

    /// Where to go once the section is saved and complete.
    fn next(store: &Self::Store) -> String;
}

/// Where the drafts of a section are kept.
pub trait DraftStore<D> {
    /// The saved draft, or `None` when the section was never saved.
    fn load(&self) -> impl Future<Output = AppResult<Option<D>>>;
    fn save(&self, draft: &D) -> impl Future<Output = AppResult<()>>;
}

/// How far a section is, derived from its draft and `validate`, never stored apart from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionStatus {
    NotStarted,
    InProgress,
    Completed,
}

/// The status of a section whose saved draft is `draft`.
pub fn status<S: SectionForm>(draft: Option<&S::Draft>) -> SectionStatus {
    match draft {
        None => SectionStatus::NotStarted,
        Some(draft) if S::validate(draft).is_ok() => SectionStatus::Completed,
        Some(_) => SectionStatus::InProgress,
    }
}

/// GET: the section's form with its saved draft (an empty one the first time).
pub async fn show<S: SectionForm>(ctx: PageContext, store: S::Store) -> AppResult<HttpResponse> {
    let draft = store.load().await?.unwrap_or_default();
    page(&S::page(ctx, draft, Errors::default()), StatusCode::OK)
}

/// POST: the draft is saved as typed, valid or not; a valid section goes on, an invalid one comes
/// back (422) with its errors and every value typed.
pub async fn submit<S: SectionForm>(
    ctx: PageContext,
    store: S::Store,
    Form(draft): Form<S::Draft>,
) -> AppResult<HttpResponse> {
    store.save(&draft).await?;
    match S::validate(&draft) {
        Ok(_) => Ok(redirect(&S::next(&store))),
        Err(errors) => form_with_errors(&S::page(ctx, draft, errors)),
    }
}

#[cfg(test)]
mod tests {
    //! A toy section (a required name, an amount in won, a date) driven over HTTP: the pattern the
    //! application's sections copy.

    use std::future::{Ready, ready};
    use std::sync::Mutex;

    use actix_web::dev::Payload;
    use actix_web::http::header;
    use actix_web::{App, HttpRequest, test, web};
    use serde::Deserialize;
    use validator::Validate;

    use super::*;
    use crate::domain::Stage;
    use crate::web::forms::required;
    use crate::web::session::{self, Session};

    #[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize, Validate)]
    #[serde(default)]
    struct ReserveDraft {
        #[validate(custom(function = "required"))]
        custodian: String,
        amount: String,
        as_of: String,
    }

    #[allow(dead_code)]
    struct Reserve {
        custodian: String,
        amount_krw: u64,
        as_of: chrono::NaiveDate,
    }

    #[derive(Template)]
    #[template(
        ext = "html",
        source = r#"{% import "partials/forms.html" as forms %}{% call forms::error_summary(ctx, errors, [("custodian", "field-custodian")]) %}{% endcall %}
{% call forms::input(ctx, errors, "custodian", "Custodian", value=draft.custodian) %}{% endcall %}
{% call forms::money(ctx, errors, "amount", "Amount", value=draft.amount) %}{% endcall %}
{% call forms::date(ctx, errors, "as_of", "As of", value=draft.as_of) %}{% endcall %}"#
    )]
    struct ReservePage {
        ctx: PageContext,
        draft: ReserveDraft,
        errors: Errors,
    }

    /// Drafts kept in memory, as the application's table will keep them.
    #[derive(Default)]
    struct Memory(Mutex<Option<ReserveDraft>>);

    struct MemoryStore(web::Data<Memory>);

    impl FromRequest for MemoryStore {
        type Error = actix_web::Error;
        type Future = Ready<Result<Self, Self::Error>>;

        fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
            let memory = req.app_data::<web::Data<Memory>>().cloned();
            ready(
                memory
                    .map(MemoryStore)
                    .ok_or_else(|| actix_web::error::ErrorInternalServerError("no store")),
            )
        }
    }

    impl DraftStore<ReserveDraft> for MemoryStore {
        async fn load(&self) -> AppResult<Option<ReserveDraft>> {
            Ok(self.0.0.lock().unwrap().clone())
        }

        async fn save(&self, draft: &ReserveDraft) -> AppResult<()> {
            *self.0.0.lock().unwrap() = Some(draft.clone());
            Ok(())
        }
    }

    struct ReserveSection;

    impl SectionForm for ReserveSection {
        type Draft = ReserveDraft;
        type Valid = Reserve;
        type Page = ReservePage;
        type Store = MemoryStore;

        fn validate(draft: &ReserveDraft) -> Result<Reserve, Errors> {
            let mut errors = draft
                .validate()
                .err()
                .map(|shape| Errors::from_shape(&shape, &["custodian"]))
                .unwrap_or_default();
            let amount = match draft.amount.trim() {
                "" => None,
                typed => typed.replace(',', "").parse::<u64>().ok(),
            };
            if amount.is_none() {
                errors.add("amount", "field-krw-invalid");
            }
            let as_of = chrono::NaiveDate::parse_from_str(draft.as_of.trim(), "%Y-%m-%d").ok();
            if as_of.is_none() {
                errors.add("as_of", "field-date-invalid");
            }
            match (amount, as_of) {
                (Some(amount_krw), Some(as_of)) if errors.is_empty() => Ok(Reserve {
                    custodian: draft.custodian.trim().to_owned(),
                    amount_krw,
                    as_of,
                }),
                _ => Err(errors),
            }
        }

        fn page(ctx: PageContext, draft: ReserveDraft, errors: Errors) -> ReservePage {
            ReservePage { ctx, draft, errors }
        }

        fn next(_: &MemoryStore) -> String {
            "/application/next-section".into()
        }
    }

    /// A signed-in session for every request, as the session middleware would find it.
    async fn with_session(
        req: actix_web::dev::ServiceRequest,
        next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
    ) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error>
    {
        let session = Session {
            id: uuid::Uuid::now_v7(),
            stage: Stage::Anonymous,
            csrf_token: "token".into(),
            user: None,
        };
        session::set_current(req.request(), session);
        next.call(req).await
    }

    fn post(body: &str) -> test::TestRequest {
        test::TestRequest::post()
            .uri("/section")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .insert_header((header::ACCEPT_LANGUAGE, "en"))
            .set_payload(format!("csrf_token=token&{body}"))
    }

    #[actix_web::test]
    async fn a_section_saves_its_draft_sends_it_back_with_errors_and_completes() {
        let memory = web::Data::new(Memory::default());
        let app = test::init_service(
            App::new()
                .app_data(crate::web::tests::app_state(false))
                .app_data(memory.clone())
                .wrap(actix_web::middleware::from_fn(with_session))
                .route("/section", web::get().to(show::<ReserveSection>))
                .route("/section", web::post().to(submit::<ReserveSection>)),
        )
        .await;
        let stored = || memory.0.lock().unwrap().clone();
        assert_eq!(
            status::<ReserveSection>(stored().as_ref()),
            SectionStatus::NotStarted
        );

        let req = test::TestRequest::get()
            .uri("/section")
            .insert_header((header::ACCEPT_LANGUAGE, "en"));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::OK);
        let html = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
        assert!(
            html.contains(r#"id="amount" name="amount" value="""#),
            "{html}"
        );
        assert!(html.contains(r#"inputmode="numeric""#));
        assert!(html.contains(r#"type="date" id="as_of""#));

        let bad = post("custodian=&amount=12%2C000&as_of=2025-02-30");
        let res = test::call_service(&app, bad.to_request()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
        assert!(html.contains("This field is required."), "{html}");
        assert!(html.contains("Enter a date as YYYY-MM-DD."));
        assert!(html.contains(r#"value="12,000""#), "the amount as typed");
        assert!(html.contains(r#"value="2025-02-30""#), "the date as typed");
        assert!(html.contains(r#"aria-describedby="as_of-error""#));
        assert!(!html.contains("amount-error"), "the amount is fine");
        assert_eq!(
            status::<ReserveSection>(stored().as_ref()),
            SectionStatus::InProgress
        );

        let good = post("custodian=Hanbit+Trust&amount=1%2C000%2C000&as_of=2025-02-28");
        let res = test::call_service(&app, good.to_request()).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            res.headers().get(header::LOCATION).unwrap(),
            "/application/next-section"
        );
        assert_eq!(stored().unwrap().custodian, "Hanbit Trust");
        assert_eq!(
            status::<ReserveSection>(stored().as_ref()),
            SectionStatus::Completed
        );

        let res = test::call_service(&app, post("custodian=x").to_request()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let missing = post("").set_payload("amount=1").to_request();
        let res = test::call_service(&app, missing).await;
        assert_eq!(
            res.status(),
            StatusCode::FORBIDDEN,
            "no CSRF token, no save"
        );
        assert_eq!(stored().unwrap().amount, "", "the last draft, as typed");
    }
}
