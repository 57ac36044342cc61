//! Issue 9's journey as a new user takes it, in a real Chromium, once in Korean and once in English:
//! an issuer's administrator (an authorised signatory) signs in, starts an application from the
//! dashboard, opens each section from the task list and types every answer of the demo's complete
//! set (`stablereg::demo::answers`, walked through the sections' declarations, so the journey and the
//! demo agree), adds rows with the "add" button, uploads each document through the file input with
//! the script's progress bar showing, imports reserve lines from a CSV file short of the tokens
//! outstanding, sees the coverage breach in words, fixes it with a corrected file, checks the answers
//! (and how they print), submits with the declaration, sees the confirmation with its reference and
//! reads the acknowledgement in the demo mailbox. Every page visited is checked at both widths
//! (axe-core, no sideways scrolling) and by the Nu HTML Checker. It waits for pages, never sleeps.

use fantoccini::Locator;
use serde_json::{Value, json};
use stablereg::demo::answers::{HANBIT, Reserve, complete};
use stablereg::domain::Role;
use stablereg::domain::application::form::{Answers, Field, Item, Kind};
use stablereg::domain::application::sections::section;
use stablereg::domain::application::{DocumentKind, SectionKind};
use stablereg::domain::attestation::import::COLUMNS;
use stablereg::i18n::Lang;

use crate::support::accounts::PASSWORD;
use crate::support::browser::Browser;
use crate::support::documents::pdf;
use crate::support::harness::spawn_app;

#[tokio::test]
async fn a_new_issuer_files_checks_and_submits_an_application_in_korean() {
    journey(Lang::Ko).await;
}

#[tokio::test]
async fn a_new_issuer_files_checks_and_submits_an_application_in_english() {
    journey(Lang::En).await;
}

/// The sections with a form of their own, in the task list's order (the declaration is made on
/// check your answers).
fn form_sections() -> impl Iterator<Item = SectionKind> {
    SectionKind::ALL
        .iter()
        .copied()
        .filter(|kind| *kind != SectionKind::Declaration)
}

struct Journey<'a> {
    b: &'a Browser,
    lang: Lang,
    /// The task list's path, `/applications/{id}`.
    task_list: String,
    files: tempfile::TempDir,
}

async fn journey(lang: Lang) {
    let app = spawn_app().await;
    let institution = app.create_institution(HANBIT.name_en).await;
    let member = app
        .create_account(Role::Issuer, Some(institution), true)
        .await;
    app.sql(&format!(
        "UPDATE users SET is_authorised_signatory = true, lang = '{}' WHERE id = '{}'",
        lang.code(),
        member.id
    ))
    .await;
    let b = Browser::start().await;
    let mut j = Journey {
        b: &b,
        lang,
        task_list: String::new(),
        files: tempfile::tempdir().expect("a folder for the files"),
    };

    // Signed in, the member starts from the dashboard.
    b.goto(&app.url(&format!("/login?lang={}", lang.code())))
        .await;
    j.arrive("/login", "login-title").await;
    b.check_page().await;
    b.fill("email", &member.email).await;
    b.fill("password", PASSWORD).await;
    b.click("main form[action='/login'] button[type='submit']")
        .await;
    j.arrive("/account", "account-title").await;
    b.check_page().await;
    b.click(".portal-nav a[href='/applications']").await;
    j.arrive("/applications", "applications-title").await;
    b.check_page().await;
    b.click("main form[action='/applications'] button[type='submit']")
        .await;
    b.wait_for_heading(&lang.t("task-list-title")).await;
    j.task_list = b.current_path().await;
    assert!(j.task_list.starts_with("/applications/"), "{}", j.task_list);
    b.check_page().await;
    for kind in form_sections() {
        let expected = match kind {
            SectionKind::Attestation => "progress-cannot-start",
            _ => "progress-not-started",
        };
        assert_eq!(j.status(kind).await, lang.t(expected), "{kind:?}");
    }

    // Each section opened from the task list, answered, saved; the task list says it is done.
    for kind in form_sections() {
        j.open(kind).await;
        match kind {
            SectionKind::Management => j.management().await,
            SectionKind::Attestation => j.attestation().await,
            _ => {
                j.upload_documents(kind).await;
                j.answer(kind, &answers(kind), &[]).await;
                j.save_and_continue(kind).await;
            }
        }
        j.back_to_task_list().await;
        assert_eq!(
            j.status(kind).await,
            lang.t("progress-completed"),
            "{kind:?}"
        );
    }

    // Check your answers: every section, nothing flagged, printable; then the declaration.
    b.click(&format!("main a[href='{}/check']", j.task_list))
        .await;
    j.arrive(&format!("{}/check", j.task_list), "check-title")
        .await;
    b.check_page().await;
    j.every_section_is_shown().await;
    j.prints_cleanly().await;
    b.click("label[for='declaration']").await;
    b.click(".portal-declaration button[type='submit']").await;
    j.arrive(&format!("{}/submitted", j.task_list), "submitted-title")
        .await;
    let reference = b.text_of(".portal-reference").await;
    assert!(is_reference(&reference), "{reference:?}");
    b.check_page().await;

    // The acknowledgement, in the member's language, with the reference.
    b.click(".portal-nav a[href='/demo/mail']").await;
    j.arrive("/demo/mail", "demo-mail-title").await;
    b.check_page().await;
    let xpath = format!(
        "//table//tr[td[normalize-space()='{}']]//a[starts-with(@href, '/demo/mail/')]",
        member.email
    );
    b.client
        .find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("the mailbox lists a mail to {}: {e}", member.email))
        .click()
        .await
        .expect("the mail opens");
    b.wait_for_heading(&lang.t("mail-submitted-subject")).await;
    assert!(b.current_path().await.starts_with("/demo/mail/"));
    assert!(b.text_of(".portal-mail").await.contains(&reference));
    b.check_page().await;
    b.close().await;
}

/// The demo's complete answers of `kind`, the reserve sound.
fn answers(kind: SectionKind) -> Answers {
    complete(kind, &HANBIT, Reserve::Sound)
}

/// `APP-YYYY-NNNNNN`.
fn is_reference(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), ["APP", year, number]
        if year.len() == 4 && number.len() == 6
            && year.chars().chain(number.chars()).all(|c| c.is_ascii_digit()))
}

impl Journey<'_> {
    fn section_path(&self, kind: SectionKind) -> String {
        format!("{}/sections/{}", self.task_list, kind.as_str())
    }

    /// Waits until the browser is on `path` (its query aside), loaded, with the heading `h1_key`
    /// reads in this language.
    async fn arrive(&self, path: &str, h1_key: &str) {
        let h1 = self.lang.t(h1_key);
        self.b
            .wait_for(&format!("{path} with the heading {h1:?}"), || async {
                let on_path = self
                    .b
                    .client
                    .current_url()
                    .await
                    .is_ok_and(|u| u.path() == path);
                on_path && self.b.heading().await == h1 && self.loaded().await
            })
            .await;
    }

    async fn loaded(&self) -> bool {
        self.b
            .client
            .execute("return document.readyState", vec![])
            .await
            .is_ok_and(|state| state == "complete")
    }

    /// The status the task list shows for `kind`.
    async fn status(&self, kind: SectionKind) -> String {
        // By its title: a section that cannot start yet has no link.
        let xpath = format!(
            "//li[contains(@class, 'portal-task')]\
             [.//span[contains(@class, 'portal-task-title')][normalize-space()='{}']]\
             //span[contains(@class, 'portal-task-status')]",
            self.lang.t(kind.title_key())
        );
        self.b
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("the task list has no line for {kind:?}: {e}"))
            .text()
            .await
            .unwrap()
    }

    /// Opens `kind` from the task list.
    async fn open(&self, kind: SectionKind) {
        let path = self.section_path(kind);
        self.b
            .click(&format!(".portal-task-title a[href='{path}']"))
            .await;
        self.arrive(&path, kind.title_key()).await;
        self.b.check_page().await;
    }

    async fn back_to_task_list(&self) {
        self.b
            .click(&format!("main a[href='{}']", self.task_list))
            .await;
        self.arrive(&self.task_list, "task-list-title").await;
        self.b.check_page().await;
    }

    /// Presses "Save and continue" and arrives at the next section (check your answers after the
    /// attestation), or fails with the error summary the page showed instead.
    async fn save_and_continue(&self, kind: SectionKind) {
        let next = form_sections().skip_while(|k| *k != kind).nth(1);
        let (path, h1) = match next {
            Some(next) => (self.section_path(next), next.title_key()),
            None => (format!("{}/check", self.task_list), "check-title"),
        };
        self.b
            .click(".portal-actions button[value='continue']")
            .await;
        let h1 = self.lang.t(h1);
        self.b
            .wait_for(&format!("{kind:?} saved and {path}"), || async {
                if let Ok(summary) = self
                    .b
                    .client
                    .find(Locator::Css(".portal-error-summary"))
                    .await
                {
                    panic!(
                        "{kind:?} was sent back: {}",
                        summary.text().await.unwrap_or_default()
                    );
                }
                let on_path = self
                    .b
                    .client
                    .current_url()
                    .await
                    .is_ok_and(|u| u.path() == path);
                on_path && self.b.heading().await == h1 && self.loaded().await
            })
            .await;
        // The next section is checked when it is opened from the task list: the same page.
    }

    /// Types every answer of `answers` into the section's page, as its declaration lays it out:
    /// first the rows each group needs (added with its button, no script needed), then each field.
    /// Groups named in `skip` are left as they are.
    async fn answer(&self, kind: SectionKind, answers: &Answers, skip: &[&str]) {
        let declared = section(kind);
        for group in declared.groups().filter(|g| !skip.contains(&g.name)) {
            let first = group.fields[0].name;
            for index in 1..answers.rows(group.name).len() {
                let id = format!("{}-{index}-{first}", group.name);
                if self.b.client.find(Locator::Id(&id)).await.is_ok() {
                    continue;
                }
                self.b
                    .click(&format!("button[value='add:{}']", group.name))
                    .await;
                self.b
                    .wait_for(&format!("the row #{id}"), || async {
                        self.b.client.find(Locator::Id(&id)).await.is_ok() && self.loaded().await
                    })
                    .await;
                self.b.check_page().await;
            }
        }
        for item in declared.items {
            match item {
                Item::Field(field) => {
                    let (value, list) = (answers.value(field.name), answers.list(field.name));
                    self.type_answer(field, field.name, value, list).await;
                }
                Item::Group(group) if !skip.contains(&group.name) => {
                    for (index, row) in answers.rows(group.name).iter().enumerate() {
                        for field in group.fields {
                            let id = format!("{}-{index}-{}", group.name, field.name);
                            self.type_answer(field, &id, row.value(field.name), &[])
                                .await;
                        }
                    }
                }
                Item::Group(_) | Item::Document(_) => {}
            }
        }
    }

    /// Gives one answer as a person would: typed into a box, picked from a list, or a label clicked
    /// (KRDS draws its own radio buttons and check boxes over the inputs).
    async fn type_answer(&self, field: &Field, id: &str, value: &str, list: &[String]) {
        let b = self.b;
        match field.kind {
            Kind::Choices(_) => {
                for value in list {
                    b.click(&format!("label[for='{id}_{value}']")).await;
                }
            }
            Kind::Confirm if value == "yes" => b.click(&format!("label[for='{id}']")).await,
            Kind::Confirm => {}
            _ if value.is_empty() => {}
            Kind::Choice(_) | Kind::YesNo => {
                let element = b
                    .client
                    .find(Locator::Id(id))
                    .await
                    .unwrap_or_else(|e| panic!("no #{id}: {e}"));
                if element.tag_name().await.unwrap() == "select" {
                    b.click(&format!("select[id='{id}'] option[value='{value}']"))
                        .await;
                } else {
                    b.click(&format!("label[for='{id}_{value}']")).await;
                }
            }
            Kind::Date { .. } => self.type_date(id, value).await,
            _ => b.fill(id, value).await,
        }
    }

    /// Types a date into a date input in the order the browser's locale lays its parts out.
    async fn type_date(&self, id: &str, iso: &str) {
        let order = self
            .b
            .client
            .execute(
                "return new Intl.DateTimeFormat(navigator.language,
                        { year: 'numeric', month: '2-digit', day: '2-digit' })
                    .formatToParts(new Date(2001, 1, 3))
                    .filter(p => p.type !== 'literal').map(p => p.type);",
                vec![],
            )
            .await
            .expect("script runs");
        let mut parts = iso.split('-');
        let (year, month, day) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let keys: String = order
            .as_array()
            .expect("the parts of a date")
            .iter()
            .map(|part| match part.as_str() {
                Some("year") => year,
                Some("month") => month,
                _ => day,
            })
            .collect();
        self.b.fill(id, &keys).await;
        let typed = self
            .b
            .client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(typed.as_deref(), Some(iso), "#{id} took the date");
    }

    /// Uploads every document the section asks for once (not per row).
    async fn upload_documents(&self, kind: SectionKind) {
        for item in section(kind).items {
            if let Item::Document(document) = item {
                let slot = format!("document-{}", document.as_str());
                self.upload(
                    kind,
                    &slot,
                    *document,
                    &format!("{}.pdf", document.as_str()),
                )
                .await;
            }
        }
    }

    /// From the section page, follows the slot's link, chooses a PDF in the file input and sends
    /// it with the script on: the progress bar shows, then the section page lists the file.
    async fn upload(&self, kind: SectionKind, slot: &str, document: DocumentKind, name: &str) {
        let b = self.b;
        b.click(&format!("[id='{slot}'] a")).await;
        let page = format!("{}/documents/{}", self.task_list, document.as_str());
        let label = self.lang.t(document.label_key());
        b.wait_for(&format!("the upload page {page}"), || async {
            b.client.current_url().await.is_ok_and(|u| u.path() == page)
                && b.heading().await.starts_with(&label)
                && self.loaded().await
        })
        .await;
        b.check_page().await;

        let file = self.files.path().join(name);
        std::fs::write(&file, pdf(40_000)).expect("the PDF is written");
        b.client
            .find(Locator::Id("file"))
            .await
            .expect("a file input")
            .send_keys(file.to_str().expect("a UTF-8 path"))
            .await
            .expect("the file is chosen");
        watch_the_progress_bar(b).await;
        b.click("form.portal-upload button[type='submit']").await;
        let section = self.section_path(kind);
        b.wait_for(&format!("{name} sent and {section}"), || async {
            b.client
                .current_url()
                .await
                .is_ok_and(|u| u.path() == section)
                && self.loaded().await
                && b.text_of(&format!("[id='{slot}']")).await.contains(name)
        })
        .await;
        let seen = b
            .client
            .execute("return sessionStorage.getItem('progress-seen');", vec![])
            .await
            .expect("script runs");
        let seen: Value = serde_json::from_str(seen.as_str().unwrap_or("null")).unwrap();
        assert_eq!(
            seen,
            json!({ "shown": true, "percent": 100 }),
            "the progress bar showed and filled"
        );
        b.check_page().await;
    }

    /// The management section: the directors typed in, "Save and continue" answered with the CVs
    /// still missing, each CV uploaded from its director's row, then saved again.
    async fn management(&self) {
        let kind = SectionKind::Management;
        let answers = answers(kind);
        self.answer(kind, &answers, &[]).await;
        self.b
            .click(".portal-actions button[value='continue']")
            .await;
        self.b
            .wait_for("the missing CVs", || async {
                self.b
                    .client
                    .find(Locator::Css(".portal-error-summary"))
                    .await
                    .is_ok()
                    && self.loaded().await
            })
            .await;
        let summary = self.b.text_of(".portal-error-summary").await;
        assert!(
            summary.contains(&self.lang.t("document-director_cv")),
            "{summary}"
        );
        self.b.check_page().await;
        for index in 0..answers.rows("directors").len() {
            let slot = format!("directors-{index}-document");
            self.upload(
                kind,
                &slot,
                DocumentKind::DirectorCv,
                &format!("cv-{index}.pdf"),
            )
            .await;
        }
        self.save_and_continue(kind).await;
    }

    /// The attestation: the report uploaded and the header and supply typed, saved for later; the
    /// reserve lines imported from a file that falls short of the tokens outstanding, the breach
    /// read in words; a corrected file imported, the breach gone; saved and on to the check.
    async fn attestation(&self) {
        let kind = SectionKind::Attestation;
        self.upload_documents(kind).await;
        self.answer(kind, &answers(kind), &["reserve_lines"]).await;
        self.b.click(".portal-actions button[value='later']").await;
        self.arrive(&self.task_list, "task-list-title").await;
        self.b.check_page().await;
        assert_eq!(self.status(kind).await, self.lang.t("progress-in-progress"));
        self.open(kind).await;

        let short = self.csv("short.csv", Reserve::Short);
        self.import(&short).await;
        let breach = self.b.text_of(".portal-finding.is-breached").await;
        assert!(
            breach.contains(&self.lang.t("findings-breached"))
                && breach.contains(&self.lang.t("check-coverage-title"))
                && breach.contains("95"),
            "{breach}"
        );
        self.b.check_page().await;

        let sound = self.csv("sound.csv", Reserve::Sound);
        self.import(&sound).await;
        assert!(
            self.b
                .client
                .find(Locator::Css(".portal-finding.is-breached"))
                .await
                .is_err(),
            "no check is breached any more"
        );
        let passed = self.b.text_of("#findings-heading ~ .portal-findings").await;
        assert!(
            passed.contains(&self.lang.t("check-coverage-title")),
            "{passed}"
        );
        self.b.check_page().await;
        self.save_and_continue(kind).await;
    }

    /// The demo's reserve lines as a CSV file, in the columns the import page documents.
    fn csv(&self, name: &str, reserve: Reserve) -> std::path::PathBuf {
        let answers = complete(SectionKind::Attestation, &HANBIT, reserve);
        let fields = [
            "asset_class",
            "custodian",
            "custodian_kind",
            "segregated",
            "isin",
            "amount",
            "maturity_days",
        ];
        let mut text = COLUMNS.join(",");
        for row in answers.rows("reserve_lines") {
            let line: Vec<String> = fields
                .iter()
                .map(|f| row.value(f).replace(',', ""))
                .collect();
            text.push('\n');
            text.push_str(&line.join(","));
        }
        text.push('\n');
        let path = self.files.path().join(name);
        std::fs::write(&path, text).expect("the file is written");
        path
    }

    /// From the attestation's page, imports `file` and comes back to the page.
    async fn import(&self, file: &std::path::Path) {
        let b = self.b;
        let page = format!("{}/attestation/import", self.task_list);
        b.click(&format!("main a[href='{page}']")).await;
        self.arrive(&page, "import-title").await;
        b.check_page().await;
        b.client
            .find(Locator::Id("file"))
            .await
            .expect("a file input")
            .send_keys(file.to_str().expect("a UTF-8 path"))
            .await
            .expect("the file is chosen");
        b.click("main form[enctype='multipart/form-data'] button")
            .await;
        self.arrive(
            &self.section_path(SectionKind::Attestation),
            "section-attestation-title",
        )
        .await;
    }

    /// Check your answers lists every section with a form, in order, with what was typed.
    async fn every_section_is_shown(&self) {
        let mut shown = Vec::new();
        for h2 in self
            .b
            .client
            .find_all(Locator::Css(".portal-check-section > h2"))
            .await
            .unwrap()
        {
            shown.push(h2.text().await.unwrap());
        }
        let titles: Vec<String> = form_sections()
            .map(|kind| self.lang.t(kind.title_key()))
            .collect();
        assert_eq!(shown, titles);
        let page = self.b.text_of("main").await;
        for typed in [HANBIT.name_ko, HANBIT.name_en, HANBIT.contract, "Singapore"] {
            assert!(page.contains(typed), "check your answers shows {typed}");
        }
        assert!(
            self.b
                .client
                .find(Locator::Css(".portal-check-warnings"))
                .await
                .is_err(),
            "nothing is flagged"
        );
    }

    /// Printed (Chromium's print media emulated), the page keeps the answers and drops the
    /// header, the footer, the "change" links and the declaration's form.
    async fn prints_cleanly(&self) {
        let b = self.b;
        b.cdp("Emulation.setEmulatedMedia", json!({ "media": "print" }))
            .await
            .expect("print media emulated");
        for hidden in [
            ".portal-header",
            ".portal-footer",
            ".portal-change",
            ".portal-declaration",
        ] {
            assert_eq!(
                b.computed_style(hidden, "display").await,
                "none",
                "{hidden} printed"
            );
        }
        for shown in ["h1", ".portal-check-section", ".portal-answer"] {
            assert_ne!(
                b.computed_style(shown, "display").await,
                "none",
                "{shown} not printed"
            );
        }
        b.cdp("Emulation.setEmulatedMedia", json!({ "media": "" }))
            .await
            .expect("screen media again");
        assert_ne!(
            b.computed_style(".portal-declaration", "display").await,
            "none"
        );
    }
}

/// Notes, in the tab's session storage (which outlives the page the upload leaves), that the
/// upload form's progress bar was shown and how far it went.
async fn watch_the_progress_bar(b: &Browser) {
    b.client
        .execute(
            "const box = document.querySelector('form.portal-upload .portal-progress');
             const bar = box.querySelector('progress');
             sessionStorage.removeItem('progress-seen');
             new MutationObserver(() => {
               if (box.hidden) return;
               const seen = JSON.parse(sessionStorage.getItem('progress-seen') || '{\"percent\":0}');
               seen.shown = true;
               seen.percent = Math.max(seen.percent, Number(bar.value));
               sessionStorage.setItem('progress-seen', JSON.stringify(seen));
             }).observe(box, { attributes: true, subtree: true });",
            vec![],
        )
        .await
        .expect("script runs");
}
