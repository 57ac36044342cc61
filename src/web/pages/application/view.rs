//! A section's declaration and answers turned into what a page shows: every field with its label,
//! input, value as typed and error, in the page's language. The form page, check your answers and
//! the regulator's read-only view are all drawn from this one view, so they always agree.

use std::collections::HashMap;

use crate::db::documents::Document;
use crate::domain::application::DocumentKind;
use crate::domain::application::form::{
    Answers, Field, FieldPath, Group, Item, Kind, Problem, Row, Section,
};
use crate::web::PageContext;

/// One field as the page shows it.
pub struct FieldView {
    /// The input's id (anchors and error links).
    pub id: String,
    /// The input's name as posted.
    pub name: String,
    pub label: String,
    pub hint: String,
    /// Which input: text, textarea, date, number, money, select, radios, checkboxes, confirm.
    pub input: &'static str,
    pub value: String,
    pub options: Vec<OptionView>,
    /// The answer in words, for reading (check your answers, the regulator's view).
    pub display: String,
    pub error: String,
    /// The regulator's open question about this field, if an information request asks one.
    pub question: String,
    pub required: bool,
    pub autocomplete: &'static str,
}

impl FieldView {
    /// The ids of what describes the input (hint, question, error), for aria-describedby.
    pub fn described_by(&self) -> String {
        let notes = [
            (&self.hint, "hint"),
            (&self.question, "question"),
            (&self.error, "error"),
        ];
        let ids: Vec<String> = notes
            .iter()
            .filter(|(text, _)| !text.is_empty())
            .map(|(_, note)| format!("{}-{note}", self.id))
            .collect();
        ids.join(" ")
    }
}

pub struct OptionView {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// A repeating group: its rows and whether one can be added or removed.
pub struct GroupView {
    pub name: String,
    pub label: String,
    pub hint: String,
    pub rows: Vec<RowView>,
    pub error: String,
    pub can_add: bool,
    pub can_remove: bool,
}

pub struct RowView {
    pub index: usize,
    pub id: String,
    pub heading: String,
    pub fields: Vec<FieldView>,
    /// The row's document (a director's CV), if the group asks for one.
    pub document: Option<DocumentView>,
}

/// A document slot: what is asked, what was uploaded, where to upload.
pub struct DocumentView {
    pub id: String,
    pub label: String,
    pub current: Option<Document>,
    pub upload_url: String,
    pub download_url: String,
    pub error: String,
}

pub enum ItemView {
    Field(FieldView),
    Group(GroupView),
    Document(DocumentView),
}

/// A problem in the summary at the top: the field's label, the message, the anchor.
pub struct SummaryItem {
    pub href: String,
    pub text: String,
}

/// Everything a page needs to show one section.
pub struct SectionView {
    pub items: Vec<ItemView>,
    pub summary: Vec<SummaryItem>,
}

impl SectionView {
    /// The view of `section` with `answers` and the `problems` to show beside their fields.
    pub fn new(
        ctx: &PageContext,
        application: uuid::Uuid,
        section: &Section,
        answers: &Answers,
        problems: &[Problem],
        documents: &[Document],
    ) -> SectionView {
        let messages = messages_by_id(ctx, answers, problems);
        let builder = Builder {
            ctx,
            application,
            answers,
            messages: &messages,
            documents,
        };
        let items = section
            .items
            .iter()
            .map(|item| builder.item(item))
            .collect();
        let summary = summary(ctx, section, answers, problems);
        SectionView { items, summary }
    }

    /// The answer in words of the field whose input has `id`; for a whole group, its row headings.
    pub fn display_of(&self, id: &str) -> String {
        for item in &self.items {
            match item {
                ItemView::Field(f) if f.id == id => return f.display.clone(),
                ItemView::Group(g) if g.name == id => {
                    return g
                        .rows
                        .iter()
                        .map(|r| r.fields.first().map_or("", |f| f.display.as_str()))
                        .collect::<Vec<_>>()
                        .join(", ");
                }
                ItemView::Group(g) => {
                    let found = g.rows.iter().flat_map(|r| &r.fields).find(|f| f.id == id);
                    if let Some(f) = found {
                        return f.display.clone();
                    }
                }
                _ => {}
            }
        }
        String::new()
    }

    /// Whether the section has no answer at all to show.
    pub fn is_blank(&self) -> bool {
        self.items.iter().all(|item| match item {
            ItemView::Field(f) => f.display.is_empty(),
            ItemView::Group(g) => g.rows.is_empty(),
            ItemView::Document(d) => d.current.is_none(),
        })
    }
}

fn messages_by_id(
    ctx: &PageContext,
    answers: &Answers,
    problems: &[Problem],
) -> HashMap<String, String> {
    let mut messages = HashMap::new();
    for problem in problems {
        messages
            .entry(problem.path.html_id(answers))
            .or_insert_with(|| message(ctx, problem));
    }
    messages
}

fn message(ctx: &PageContext, problem: &Problem) -> String {
    let args: Vec<_> = problem
        .args
        .iter()
        .map(|(name, value)| (*name, value.clone().into()))
        .collect();
    ctx.lang.t_with(problem.key, &args)
}

/// The summary of problems, each naming its field ("Shareholder 2, Share: ...").
fn summary(
    ctx: &PageContext,
    section: &Section,
    answers: &Answers,
    problems: &[Problem],
) -> Vec<SummaryItem> {
    problems
        .iter()
        .map(|problem| SummaryItem {
            href: format!("#{}", problem.path.html_id(answers)),
            text: format!(
                "{}: {}",
                label_of(ctx, section, answers, &problem.path),
                message(ctx, problem)
            ),
        })
        .collect()
}

/// The words naming a field wherever it is: its label, within its row for a group's field.
pub fn label_of(
    ctx: &PageContext,
    section: &Section,
    answers: &Answers,
    path: &FieldPath,
) -> String {
    match path {
        FieldPath::Field(name) => section
            .fields()
            .find(|f| f.name == name)
            .map(|f| ctx.t(f.label))
            .unwrap_or_default(),
        FieldPath::Group(name) => section
            .group(name)
            .map(|g| ctx.t(g.label))
            .unwrap_or_default(),
        FieldPath::Row { group, row, field } => {
            let Some(declared) = section.group(group) else {
                return String::new();
            };
            let index = answers.rows(group).iter().position(|r| &r.id == row);
            let heading = row_heading(ctx, declared, index.unwrap_or(0));
            let field = match declared.fields.iter().find(|f| f.name == field) {
                Some(f) => ctx.t(f.label),
                None => declared
                    .row_document
                    .map(|d| ctx.t(d.label_key()))
                    .unwrap_or_default(),
            };
            format!("{heading}, {field}")
        }
        FieldPath::Document(kind) => ctx.t(kind.label_key()),
    }
}

fn row_heading(ctx: &PageContext, group: &Group, index: usize) -> String {
    ctx.t1(group.row_label, "number", &(index + 1).to_string())
}

struct Builder<'a> {
    ctx: &'a PageContext,
    application: uuid::Uuid,
    answers: &'a Answers,
    messages: &'a HashMap<String, String>,
    documents: &'a [Document],
}

impl Builder<'_> {
    fn item(&self, item: &Item) -> ItemView {
        match item {
            Item::Field(field) => {
                let value = self.answers.value(field.name);
                let list = self.answers.list(field.name);
                ItemView::Field(self.field(
                    field,
                    field.name.into(),
                    field.name.into(),
                    value,
                    list,
                ))
            }
            Item::Group(group) => ItemView::Group(self.group(group)),
            Item::Document(kind) => ItemView::Document(self.document(*kind, None)),
        }
    }

    fn group(&self, group: &Group) -> GroupView {
        let rows = self.answers.rows(group.name);
        GroupView {
            name: group.name.into(),
            label: self.ctx.t(group.label),
            hint: group.hint.map(|h| self.ctx.t(h)).unwrap_or_default(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(index, row)| self.row(group, index, row))
                .collect(),
            error: self.error(group.name),
            can_add: rows.len() < group.max_rows,
            can_remove: rows.len() > group.min_rows.max(1) || rows.len() > 1,
        }
    }

    fn row(&self, group: &Group, index: usize, row: &Row) -> RowView {
        let fields = group
            .fields
            .iter()
            .map(|field| {
                let id = format!("{}-{index}-{}", group.name, field.name);
                let name = format!("{}.{index}.{}", group.name, field.name);
                self.field(field, id, name, row.value(field.name), &[])
            })
            .collect();
        RowView {
            index,
            id: row.id.clone(),
            heading: row_heading(self.ctx, group, index),
            fields,
            document: group
                .row_document
                .map(|kind| self.document(kind, Some((group.name, index, row.id.as_str())))),
        }
    }

    fn field(
        &self,
        field: &Field,
        id: String,
        name: String,
        value: &str,
        list: &[String],
    ) -> FieldView {
        let (input, options) = self.input(field.kind, value, list);
        let display = self.display(field.kind, value, &options);
        FieldView {
            error: self.error(&id),
            id,
            name,
            label: self.ctx.t(field.label),
            hint: field.hint.map(|h| self.ctx.t(h)).unwrap_or_default(),
            input,
            value: value.to_owned(),
            options,
            display,
            question: String::new(),
            required: field.required,
            autocomplete: autocomplete(field.kind),
        }
    }

    fn input(&self, kind: Kind, value: &str, list: &[String]) -> (&'static str, Vec<OptionView>) {
        let options = |opts: &[crate::domain::application::form::Opt]| {
            opts.iter()
                .map(|o| OptionView {
                    value: o.value.into(),
                    label: self.ctx.t(o.label),
                    checked: o.value == value || list.iter().any(|l| l == o.value),
                })
                .collect::<Vec<_>>()
        };
        let yes_no = || {
            [("yes", "yes"), ("no", "no")]
                .iter()
                .map(|(v, key)| OptionView {
                    value: (*v).into(),
                    label: self.ctx.t(key),
                    checked: *v == value,
                })
                .collect()
        };
        match kind {
            Kind::Paragraph(_) => ("textarea", Vec::new()),
            Kind::Date { .. } => ("date", Vec::new()),
            Kind::Krw => ("money", Vec::new()),
            Kind::Amount | Kind::Count | Kind::Percent => ("number", Vec::new()),
            // Long lists read better as a drop-down; short ones show every option at once.
            Kind::Choice(opts) if opts.len() > 5 => ("select", options(opts)),
            Kind::Choice(opts) => ("radios", options(opts)),
            Kind::Choices(opts) => ("checkboxes", options(opts)),
            Kind::YesNo => ("radios", yes_no()),
            Kind::Confirm => ("confirm", Vec::new()),
            Kind::Email => ("email", Vec::new()),
            Kind::Telephone => ("tel", Vec::new()),
            Kind::Url => ("url", Vec::new()),
            _ => ("text", Vec::new()),
        }
    }

    fn display(&self, kind: Kind, value: &str, options: &[OptionView]) -> String {
        match kind {
            Kind::Choice(_) | Kind::Choices(_) | Kind::YesNo => options
                .iter()
                .filter(|o| o.checked)
                .map(|o| o.label.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            Kind::Confirm if value == "yes" => self.ctx.t("application-confirmed"),
            Kind::Confirm => String::new(),
            Kind::Krw if !value.trim().is_empty() => {
                format!("{} {}", value.trim(), self.ctx.t("field-unit-krw"))
            }
            Kind::Percent if !value.trim().is_empty() => format!("{}%", value.trim()),
            _ => value.trim().to_owned(),
        }
    }

    fn document(&self, kind: DocumentKind, row: Option<(&str, usize, &str)>) -> DocumentView {
        let subject = row.map_or("", |(_, _, id)| id);
        let current = self
            .documents
            .iter()
            .find(|d| d.kind == kind && d.subject == subject)
            .cloned();
        let id = match row {
            Some((group, index, _)) => format!("{group}-{index}-document"),
            None => format!("document-{}", kind.as_str()),
        };
        let query = if subject.is_empty() {
            String::new()
        } else {
            format!("?subject={subject}")
        };
        DocumentView {
            error: self.error(&id),
            id,
            label: self.ctx.t(kind.label_key()),
            upload_url: format!(
                "/applications/{}/documents/{}{query}",
                self.application,
                kind.as_str()
            ),
            download_url: current
                .as_ref()
                .map(|d| format!("/applications/{}/files/{}", self.application, d.id))
                .unwrap_or_default(),
            current,
        }
    }

    fn error(&self, id: &str) -> String {
        self.messages.get(id).cloned().unwrap_or_default()
    }
}

fn autocomplete(kind: Kind) -> &'static str {
    match kind {
        Kind::Email => "email",
        Kind::Telephone => "tel",
        Kind::Url => "url",
        Kind::PersonName => "name",
        _ => "off",
    }
}
