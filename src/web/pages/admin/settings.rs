//! The settings page in the admin area: every check of the application with its switch, its
//! figure and its legal-basis text, the eligible asset classes with their maturities, and the
//! lengths of the review's phases. Saved as a whole; checks computed afterwards use it.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::domain::attestation::{AssetClass, AssetClassRule, EligibleAssets};
use crate::domain::finding::Check;
use crate::domain::money::Krw;
use crate::domain::rules::{Rules, Setting, Switch};
use crate::domain::share::BasisPoints;
use crate::error::AppResult;
use crate::services::admin::settings as service;
use crate::services::application::rules;
use crate::web::extract::{Actor, Admin, Form};
use crate::web::forms::Errors;
use crate::web::reply::{form_with_errors, page, redirect};
use crate::web::{AppState, PageContext};

/// The longest legal-basis text kept.
const MAX_BASIS: usize = 1_000;
/// The longest a phase or a maturity may be set to, in days.
const MAX_DAYS: u32 = 3_650;

/// What a check's figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// A switch alone.
    None,
    /// A share, 0-100%.
    Percent,
    /// A ratio that may exceed 100% (coverage).
    Ratio,
    Won,
    Days,
}

/// A check's row on the page: its fields' names, its words and its values as shown.
pub struct CheckRow {
    pub check: Check,
    pub figure: Figure,
    /// The figure's field; its switch is `on`, its legal basis `basis`.
    pub value_field: &'static str,
    pub on_field: &'static str,
    pub basis_field: &'static str,
    pub enabled: bool,
    pub value: String,
    pub basis: String,
}

/// Each check with its fields' names: written out once, so that each name is a literal.
const CHECKS: [(Check, Figure, &str, &str, &str); 10] = [
    (
        Check::BankMajority,
        Figure::Percent,
        "bank_majority",
        "bank_majority_on",
        "bank_majority_basis",
    ),
    (
        Check::SingleBankCap,
        Figure::Percent,
        "single_bank_cap",
        "single_bank_cap_on",
        "single_bank_cap_basis",
    ),
    (
        Check::LargestShareholder,
        Figure::None,
        "largest_shareholder",
        "largest_shareholder_on",
        "largest_shareholder_basis",
    ),
    (
        Check::MinimumCapital,
        Figure::Won,
        "minimum_capital",
        "minimum_capital_on",
        "minimum_capital_basis",
    ),
    (
        Check::Coverage,
        Figure::Ratio,
        "coverage",
        "coverage_on",
        "coverage_basis",
    ),
    (
        Check::CashShare,
        Figure::Percent,
        "cash_share",
        "cash_share_on",
        "cash_share_basis",
    ),
    (
        Check::CustodianConcentration,
        Figure::Percent,
        "custodian_concentration",
        "custodian_concentration_on",
        "custodian_concentration_basis",
    ),
    (
        Check::EligibleAssets,
        Figure::None,
        "eligible_assets",
        "eligible_assets_on",
        "eligible_assets_basis",
    ),
    (
        Check::Segregation,
        Figure::None,
        "segregation",
        "segregation_on",
        "segregation_basis",
    ),
    (
        Check::RedemptionDays,
        Figure::Days,
        "redemption_days",
        "redemption_days_on",
        "redemption_days_basis",
    ),
];

/// Each asset class with its fields: whether it is eligible, and its longest residual maturity.
const CLASSES: [(AssetClass, &str, &str); 8] = [
    (
        AssetClass::CashAndDemandDeposits,
        "cash_demand_deposits_eligible",
        "cash_demand_deposits_days",
    ),
    (
        AssetClass::TermDeposits,
        "term_deposits_eligible",
        "term_deposits_days",
    ),
    (
        AssetClass::KoreanTreasuryBonds,
        "korean_treasury_bonds_eligible",
        "korean_treasury_bonds_days",
    ),
    (
        AssetClass::LocalGovernmentBonds,
        "local_government_bonds_eligible",
        "local_government_bonds_days",
    ),
    (
        AssetClass::MonetaryStabilisationBonds,
        "monetary_stabilisation_bonds_eligible",
        "monetary_stabilisation_bonds_days",
    ),
    (
        AssetClass::ReverseRepos,
        "reverse_repos_eligible",
        "reverse_repos_days",
    ),
    (
        AssetClass::ForeignGovernmentBonds,
        "foreign_government_bonds_eligible",
        "foreign_government_bonds_days",
    ),
    (AssetClass::Other, "other_eligible", "other_days"),
];

/// An asset class's row on the page.
pub struct ClassRow {
    pub class: AssetClass,
    pub eligible_field: &'static str,
    pub days_field: &'static str,
    pub eligible: bool,
    pub days: String,
}

/// The figure of a setting as the form shows it.
fn shown(bp_or_value: String, enabled: bool, basis: &Option<String>) -> (bool, String, String) {
    (enabled, bp_or_value, basis.clone().unwrap_or_default())
}

/// Basis points as a percentage typed back: 5000 is "50", 1250 is "12.5".
fn percent_text(bp: u32) -> String {
    let (whole, frac) = (bp / 100, bp % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

fn of_setting_bp(s: &Setting<BasisPoints>) -> (bool, String, String) {
    shown(
        percent_text(u32::from(s.value.get())),
        s.enabled,
        &s.legal_basis,
    )
}

fn of_switch(s: &Switch) -> (bool, String, String) {
    shown(String::new(), s.enabled, &s.legal_basis)
}

/// The switch, figure and legal basis of `check` in `rules`, as the form shows them.
fn current(rules: &Rules, check: Check) -> (bool, String, String) {
    let (o, a) = (&rules.ownership, &rules.attestation);
    match check {
        Check::BankMajority => of_setting_bp(&o.bank_majority),
        Check::SingleBankCap => of_setting_bp(&o.single_bank_cap),
        Check::LargestShareholder => of_switch(&o.largest_shareholder),
        Check::MinimumCapital => {
            let s = &rules.capital.minimum;
            shown(s.value.won().to_string(), s.enabled, &s.legal_basis)
        }
        Check::Coverage => {
            let s = &a.coverage_minimum;
            shown(percent_text(s.value), s.enabled, &s.legal_basis)
        }
        Check::CashShare => of_setting_bp(&a.cash_minimum),
        Check::CustodianConcentration => of_setting_bp(&a.custodian_maximum),
        Check::EligibleAssets => {
            let s = &a.eligible_assets;
            shown(String::new(), s.enabled, &s.legal_basis)
        }
        Check::Segregation => of_switch(&a.segregation),
        Check::RedemptionDays => {
            let s = &rules.redemption.max_payout_days;
            shown(s.value.to_string(), s.enabled, &s.legal_basis)
        }
    }
}

/// The page's rows for `rules` as stored.
fn rows_of(rules: &Rules) -> (Vec<CheckRow>, Vec<ClassRow>, [String; 2]) {
    let checks = CHECKS
        .iter()
        .map(|&(check, figure, value_field, on_field, basis_field)| {
            let (enabled, value, basis) = current(rules, check);
            CheckRow {
                check,
                figure,
                value_field,
                on_field,
                basis_field,
                enabled,
                value,
                basis,
            }
        })
        .collect();
    let classes = CLASSES
        .iter()
        .map(|&(class, eligible_field, days_field)| {
            let rule = rules.attestation.eligible_assets.value.rule(class);
            let days = rule
                .max_residual_days
                .map(|d| d.to_string())
                .unwrap_or_default();
            ClassRow {
                class,
                eligible_field,
                days_field,
                eligible: rule.eligible,
                days,
            }
        })
        .collect();
    let clock = [
        rules.clock.completeness_days.to_string(),
        rules.clock.assessment_days.to_string(),
    ];
    (checks, classes, clock)
}

/// The page's rows as posted, to show the form back with its errors.
fn rows_posted(posted: &HashMap<String, String>) -> (Vec<CheckRow>, Vec<ClassRow>, [String; 2]) {
    let text = |name: &str| posted.get(name).cloned().unwrap_or_default();
    let on = |name: &str| posted.contains_key(name);
    let checks = CHECKS
        .iter()
        .map(
            |&(check, figure, value_field, on_field, basis_field)| CheckRow {
                check,
                figure,
                value_field,
                on_field,
                basis_field,
                enabled: on(on_field),
                value: text(value_field),
                basis: text(basis_field),
            },
        )
        .collect();
    let classes = CLASSES
        .iter()
        .map(|&(class, eligible_field, days_field)| ClassRow {
            class,
            eligible_field,
            days_field,
            eligible: on(eligible_field),
            days: text(days_field),
        })
        .collect();
    (
        checks,
        classes,
        [text("completeness_days"), text("assessment_days")],
    )
}

/// Reads the posted form into settings, collecting every problem.
struct Reader<'a> {
    posted: &'a HashMap<String, String>,
    errors: Errors,
}

impl Reader<'_> {
    fn text(&self, name: &str) -> &str {
        self.posted.get(name).map_or("", |v| v.trim())
    }

    fn on(&self, name: &str) -> bool {
        self.posted.contains_key(name)
    }

    fn basis(&mut self, name: &'static str) -> Option<String> {
        let text = self.text(name).to_owned();
        if text.chars().count() > MAX_BASIS {
            let max = vec![("max", MAX_BASIS.to_string())];
            self.errors.add_with(name, "field-too-long", max);
        }
        (!text.is_empty()).then_some(text)
    }

    fn bp(&mut self, name: &'static str, fallback: BasisPoints) -> BasisPoints {
        BasisPoints::parse_percent(self.text(name)).unwrap_or_else(|e| {
            self.errors.add(name, e.message_key());
            fallback
        })
    }

    /// A ratio in basis points, which may exceed 100% (at most 1,000%).
    fn ratio(&mut self, name: &'static str) -> u32 {
        let text = crate::domain::number::normalise(self.text(name));
        let parsed = crate::domain::number::parse_scaled(text.trim_end_matches('%'), 2)
            .ok()
            .and_then(|bp| u32::try_from(bp).ok())
            .filter(|bp| *bp <= 100_000);
        parsed.unwrap_or_else(|| {
            self.errors.add(name, "admin-settings-ratio-invalid");
            0
        })
    }

    fn days(&mut self, name: &'static str, min: u32) -> u32 {
        let parsed = self.text(name).parse::<u32>().ok();
        match parsed.filter(|d| (min..=MAX_DAYS).contains(d)) {
            Some(days) => days,
            None => {
                let args = vec![("min", min.to_string()), ("max", MAX_DAYS.to_string())];
                self.errors
                    .add_with(name, "admin-settings-days-invalid", args);
                min
            }
        }
    }

    fn setting_bp(
        &mut self,
        fields: (&'static str, &'static str, &'static str),
        was: &Setting<BasisPoints>,
    ) -> Setting<BasisPoints> {
        let (value, on, basis) = fields;
        Setting {
            enabled: self.on(on),
            value: self.bp(value, was.value),
            legal_basis: self.basis(basis),
        }
    }

    fn switch(&mut self, fields: (&'static str, &'static str, &'static str)) -> Switch {
        Switch {
            enabled: self.on(fields.1),
            legal_basis: self.basis(fields.2),
        }
    }
}

/// The fields of `check` in `CHECKS`.
fn fields(check: Check) -> (&'static str, &'static str, &'static str) {
    CHECKS
        .iter()
        .find(|row| row.0 == check)
        .map_or(("", "", ""), |row| (row.2, row.3, row.4))
}

/// The settings the form asks for, over `was` (for what the form does not hold), or its errors.
fn read(posted: &HashMap<String, String>, was: &Rules) -> Result<Rules, Errors> {
    let mut r = Reader {
        posted,
        errors: Errors::default(),
    };
    let mut rules = was.clone();
    let o = &mut rules.ownership;
    o.bank_majority = r.setting_bp(fields(Check::BankMajority), &was.ownership.bank_majority);
    o.single_bank_cap = r.setting_bp(fields(Check::SingleBankCap), &was.ownership.single_bank_cap);
    o.largest_shareholder = r.switch(fields(Check::LargestShareholder));
    let (value, on, basis) = fields(Check::MinimumCapital);
    let minimum = Krw::parse(r.text(value)).unwrap_or_else(|e| {
        r.errors.add(value, e.message_key());
        was.capital.minimum.value
    });
    rules.capital.minimum = Setting {
        enabled: r.on(on),
        value: minimum,
        legal_basis: r.basis(basis),
    };
    let a = &mut rules.attestation;
    let (value, on, basis) = fields(Check::Coverage);
    a.coverage_minimum = Setting {
        enabled: r.on(on),
        value: r.ratio(value),
        legal_basis: r.basis(basis),
    };
    a.cash_minimum = r.setting_bp(fields(Check::CashShare), &was.attestation.cash_minimum);
    a.custodian_maximum = r.setting_bp(
        fields(Check::CustodianConcentration),
        &was.attestation.custodian_maximum,
    );
    let (_, on, basis) = fields(Check::EligibleAssets);
    a.eligible_assets.enabled = r.on(on);
    a.eligible_assets.legal_basis = r.basis(basis);
    for (class, eligible, days) in CLASSES {
        let max_residual_days = match r.text(days) {
            "" => None,
            _ => Some(r.days(days, 1)),
        };
        *class_rule(&mut a.eligible_assets.value, class) = AssetClassRule {
            eligible: r.on(eligible),
            max_residual_days,
        };
    }
    a.segregation = r.switch(fields(Check::Segregation));
    let (value, on, basis) = fields(Check::RedemptionDays);
    rules.redemption.max_payout_days = Setting {
        enabled: r.on(on),
        value: r.days(value, 1),
        legal_basis: r.basis(basis),
    };
    rules.clock.completeness_days = r.days("completeness_days", 1);
    rules.clock.assessment_days = r.days("assessment_days", 1);
    if r.errors.is_empty() {
        Ok(rules)
    } else {
        Err(r.errors)
    }
}

/// The rule of `class` in the settings, to change it.
fn class_rule(assets: &mut EligibleAssets, class: AssetClass) -> &mut AssetClassRule {
    match class {
        AssetClass::CashAndDemandDeposits => &mut assets.cash_demand_deposits,
        AssetClass::TermDeposits => &mut assets.term_deposits,
        AssetClass::KoreanTreasuryBonds => &mut assets.korean_treasury_bonds,
        AssetClass::LocalGovernmentBonds => &mut assets.local_government_bonds,
        AssetClass::MonetaryStabilisationBonds => &mut assets.monetary_stabilisation_bonds,
        AssetClass::ReverseRepos => &mut assets.reverse_repos,
        AssetClass::ForeignGovernmentBonds => &mut assets.foreign_government_bonds,
        AssetClass::Other => &mut assets.other,
    }
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    ctx: PageContext,
    checks: Vec<CheckRow>,
    classes: Vec<ClassRow>,
    /// The completeness and assessment phases' lengths, as shown.
    clock: [String; 2],
    errors: Errors,
}

impl SettingsPage {
    fn new(
        ctx: PageContext,
        rows: (Vec<CheckRow>, Vec<ClassRow>, [String; 2]),
        errors: Errors,
    ) -> Self {
        let (checks, classes, clock) = rows;
        SettingsPage {
            ctx,
            checks,
            classes,
            clock,
            errors,
        }
    }

    /// The catalogue key of the unit after a figure.
    fn unit_key(&self, figure: &Figure) -> &'static str {
        match figure {
            Figure::Percent | Figure::Ratio => "admin-settings-unit-percent",
            Figure::Won => "admin-settings-unit-won",
            Figure::Days => "admin-settings-unit-days",
            Figure::None => "",
        }
    }

    /// Every field with the catalogue key of its label, for the error summary.
    fn labels(&self) -> Vec<(&'static str, &'static str)> {
        let mut labels = vec![
            ("completeness_days", "admin-settings-completeness-days"),
            ("assessment_days", "admin-settings-assessment-days"),
        ];
        for row in &self.checks {
            labels.push((row.value_field, row.check.title_key()));
            labels.push((row.basis_field, "admin-settings-legal-basis"));
        }
        for row in &self.classes {
            labels.push((row.days_field, row.class.label_key()));
        }
        labels
    }
}

/// GET /admin/settings: the settings as they stand.
pub async fn show(ctx: PageContext, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let rules = rules(&mut conn).await?;
    page(
        &SettingsPage::new(ctx, rows_of(&rules), Errors::default()),
        StatusCode::OK,
    )
}

/// POST /admin/settings: saves the whole form, or sends it back with every problem.
pub async fn save(
    ctx: PageContext,
    _: Admin,
    actor: Actor,
    state: web::Data<AppState>,
    Form(posted): Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let mut conn = state.pool.get().await?;
    let was = rules(&mut conn).await?;
    match read(&posted, &was) {
        Ok(rules) => {
            service::save(&mut conn, &state.services(&actor), &rules).await?;
            Ok(redirect("/admin/settings?notice=saved"))
        }
        Err(errors) => form_with_errors(&SettingsPage::new(ctx, rows_posted(&posted), errors)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The form of `rules` as a browser would post it.
    fn posted(rules: &Rules) -> HashMap<String, String> {
        let (checks, classes, clock) = rows_of(rules);
        let mut form = HashMap::new();
        for row in checks {
            if row.enabled {
                form.insert(row.on_field.to_owned(), "on".to_owned());
            }
            form.insert(row.value_field.to_owned(), row.value);
            form.insert(row.basis_field.to_owned(), row.basis);
        }
        for row in classes {
            if row.eligible {
                form.insert(row.eligible_field.to_owned(), "on".to_owned());
            }
            form.insert(row.days_field.to_owned(), row.days);
        }
        form.insert("completeness_days".into(), clock[0].clone());
        form.insert("assessment_days".into(), clock[1].clone());
        form
    }

    #[test]
    fn the_form_of_the_settings_reads_back_as_the_same_settings() {
        let rules = Rules::default();
        assert_eq!(read(&posted(&rules), &rules), Ok(rules.clone()));
        let mut changed = rules.clone();
        changed.attestation.coverage_minimum.value = 10_250;
        changed.capital.minimum.enabled = false;
        changed.ownership.single_bank_cap.legal_basis = Some("Banking Act, Art. 37".into());
        changed.attestation.eligible_assets.value.other = AssetClassRule {
            eligible: true,
            max_residual_days: Some(30),
        };
        changed.clock.assessment_days = 90;
        assert_eq!(read(&posted(&changed), &rules), Ok(changed));
    }

    #[test]
    fn every_bad_figure_is_named() {
        let rules = Rules::default();
        let mut form = posted(&rules);
        form.insert("bank_majority".into(), "101".into());
        form.insert("minimum_capital".into(), "-5".into());
        form.insert("coverage".into(), "lots".into());
        form.insert("assessment_days".into(), "0".into());
        form.insert("term_deposits_days".into(), "99999".into());
        form.insert("segregation_basis".into(), "x".repeat(MAX_BASIS + 1));
        let errors = read(&form, &rules).unwrap_err();
        let fields: Vec<_> = errors.items().iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "bank_majority",
                "minimum_capital",
                "coverage",
                "term_deposits_days",
                "segregation_basis",
                "assessment_days"
            ]
        );
    }

    #[test]
    fn percentages_are_shown_as_typed() {
        assert_eq!(percent_text(5_000), "50");
        assert_eq!(percent_text(1_250), "12.5");
        assert_eq!(percent_text(1_234), "12.34");
        assert_eq!(percent_text(10_005), "100.05");
    }
}
