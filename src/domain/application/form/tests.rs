//! The declaration-driven form: reading a post, the checks of each kind, rows and their ids.

use super::*;
use crate::domain::application::sections::section;

fn post(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn keys(problems: &[Problem]) -> Vec<(String, &'static str)> {
    let answers = Answers::default();
    problems
        .iter()
        .map(|p| (p.path.html_id(&answers), p.key))
        .collect()
}

#[test]
fn a_blank_section_lists_every_required_answer_and_group() {
    let token = section(SectionKind::Token);
    let answers = token.read(&[]);
    let problems = keys(&token.problems(&answers));
    assert!(problems.contains(&("token_name".into(), "field-required")));
    assert!(problems.contains(&("reference_currency".into(), "field-choose-one")));
    assert!(problems.contains(&("no_rewards".into(), "field-confirm")));
    assert!(problems.contains(&("deployments".into(), "application-group-too-few")));
}

#[test]
fn rows_keep_their_ids_order_and_only_declared_fields() {
    let institution = section(SectionKind::Institution);
    let id = "0123456789abcdef0123456789abcdef";
    let answers = institution.read(&post(&[
        ("shareholders.1.name", "Second"),
        ("shareholders.0.id", id),
        ("shareholders.0.name", "First"),
        ("shareholders.0.share", "60"),
        ("shareholders.0.evil", "x"),
        ("shareholders.1.id", "../../etc"),
        ("shareholders.999.name", "beyond the limit"),
        ("unknown", "y"),
    ]));
    let rows = answers.rows("shareholders");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].id, id);
    assert_eq!(rows[0].value("name"), "First");
    assert!(!rows[0].values.contains_key("evil"));
    assert_eq!(rows[1].value("name"), "Second");
    assert_eq!(
        rows[1].id.len(),
        32,
        "a posted id that is not ours is replaced"
    );
    assert_ne!(rows[1].id, "../../etc");
    assert!(!answers.values.contains_key("unknown"));
}

#[test]
fn shares_over_a_hundred_percent_are_a_problem_of_the_group() {
    let institution = section(SectionKind::Institution);
    let answers = institution.read(&post(&[
        ("shareholders.0.name", "A Bank"),
        ("shareholders.0.share", "60"),
        ("shareholders.0.is_bank", "yes"),
        ("shareholders.1.name", "B"),
        ("shareholders.1.share", "50.5"),
        ("shareholders.1.is_bank", "no"),
    ]));
    let problems = institution.problems(&answers);
    assert!(
        problems
            .iter()
            .any(|p| p.path == FieldPath::Group("shareholders".into())
                && p.key == "share-total-over-hundred")
    );
}

#[test]
fn each_kind_refuses_what_it_does_not_mean() {
    let institution = section(SectionKind::Institution);
    let answers = institution.read(&post(&[
        ("business_registration_number", "124-81-00999"),
        ("corporate_registration_number", "110111-1234569"),
        ("website", "javascript:alert(1)"),
        ("incorporated_on", "2099-01-01"),
        ("legal_name_ko", &"가".repeat(201)),
        ("legal_name_en", "two\nlines"),
        ("institution_type", "bank"),
        ("legal_form", "nonsense"),
    ]));
    let problems = keys(&institution.problems(&answers));
    let at = |id: &str| {
        problems
            .iter()
            .filter(|(f, _)| f == id)
            .map(|(_, k)| *k)
            .collect::<Vec<_>>()
    };
    assert_eq!(at("business_registration_number"), ["signup-brn-check"]);
    assert!(at("corporate_registration_number").is_empty());
    assert_eq!(at("website"), ["field-url-invalid"]);
    assert_eq!(at("incorporated_on"), ["field-date-future"]);
    assert_eq!(at("legal_name_ko"), ["field-too-long"]);
    assert_eq!(at("legal_name_en"), ["field-one-line"]);
    assert!(at("institution_type").is_empty());
    assert_eq!(at("legal_form"), ["field-choose-one"]);
    assert!(at("lei").is_empty(), "the LEI is optional");
}

#[test]
fn a_contract_address_is_checked_on_its_rows_chain() {
    let token = section(SectionKind::Token);
    let evm_lower = "0x52908400098527886e0f7030069857d2e4169ee7";
    let answers = token.read(&post(&[
        ("deployments.0.chain", "ethereum"),
        ("deployments.0.contract_address", evm_lower),
        ("deployments.1.chain", "tron"),
        ("deployments.1.contract_address", evm_lower),
        ("deployments.2.chain", "ethereum"),
        (
            "deployments.2.contract_address",
            "0x52908400098527886E0F7030069857D2E4169ee7",
        ),
    ]));
    let problems = token.problems(&answers);
    let on_row = |index: usize| {
        let id = answers.rows("deployments")[index].id.clone();
        problems
            .iter()
            .filter(|p| matches!(&p.path, FieldPath::Row { row, field, .. } if *row == id && field == "contract_address"))
            .map(|p| p.key)
            .collect::<Vec<_>>()
    };
    assert!(
        on_row(0).is_empty(),
        "an all-lower-case EVM address has no checksum to check"
    );
    assert_eq!(on_row(1), ["address-tron-format"]);
    assert_eq!(on_row(2), ["address-evm-checksum"]);
}

#[test]
fn choices_keep_only_offered_options_and_documents_are_listed_when_missing() {
    let plan = section(SectionKind::BusinessPlan);
    let answers = plan.read(&post(&[
        ("use_cases", "settlement"),
        ("use_cases", "gambling"),
        ("use_cases", "settlement"),
    ]));
    assert_eq!(answers.list("use_cases"), ["settlement"]);

    let management = section(SectionKind::Management);
    let answers = management.read(&post(&[("directors.0.name", "김하나")]));
    let id = answers.rows("directors")[0].id.clone();
    let missing = management.missing_documents(&answers, |_, _| false);
    assert_eq!(missing.len(), 1);
    assert!(matches!(&missing[0].path, FieldPath::Row { row, .. } if *row == id));
    let uploaded = management.missing_documents(&answers, |_, row| row == Some(id.as_str()));
    assert!(uploaded.is_empty());
    let documents = section(SectionKind::Documents);
    assert_eq!(
        documents
            .missing_documents(&Answers::default(), |_, _| false)
            .len(),
        5
    );
}

#[test]
fn long_text_is_cut_at_the_global_bound_when_read() {
    let risk = section(SectionKind::Risk);
    let long = "a".repeat(MAX_TEXT + 50);
    let answers = risk.read(&post(&[("travel_rule", &long)]));
    assert_eq!(answers.value("travel_rule").len(), MAX_TEXT);
}

#[test]
fn differences_name_changed_fields_rows_and_reordered_groups() {
    let institution = section(SectionKind::Institution);
    let id = "0123456789abcdef0123456789abcdef";
    let before = institution.read(&post(&[
        ("legal_name_en", "Hana"),
        ("shareholders.0.id", id),
        ("shareholders.0.share", "60"),
    ]));
    let mut after = before.clone();
    assert!(differences(institution, &before, &after).is_empty());
    after
        .values
        .insert("legal_name_en".into(), "Hana Digital".into());
    after.rows.get_mut("shareholders").unwrap()[0]
        .values
        .insert("share".into(), "61".into());
    assert_eq!(
        differences(institution, &before, &after),
        [
            FieldPath::Field("legal_name_en".into()),
            FieldPath::Row {
                group: "shareholders".into(),
                row: id.into(),
                field: "share".into()
            }
        ]
    );
    after
        .rows
        .get_mut("shareholders")
        .unwrap()
        .push(Row::fresh());
    assert!(
        differences(institution, &before, &after)
            .contains(&FieldPath::Group("shareholders".into()))
    );
}
