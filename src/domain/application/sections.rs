//! The twelve sections of the application, each declared once (DOMAIN.md, "The application"): what
//! it asks, in which words (catalogue keys), what is required, which rows repeat and which
//! documents it needs. Everything else (pages, checks, status, check your answers, the regulator's
//! view) is worked out from these declarations by `form`.
//!
//! Adding a question is one `Field` here plus its label in both catalogues.

use super::documents::DocumentKind;
use super::form::{Answers, Field, FieldPath, Group, Item, Kind, Opt, Problem, Section};
use super::section::SectionKind;
use crate::domain::share::{BasisPoints, total_of};

/// The declaration of `kind`.
pub fn section(kind: SectionKind) -> &'static Section {
    match kind {
        SectionKind::Institution => &INSTITUTION,
        SectionKind::Management => &MANAGEMENT,
        SectionKind::Token => &TOKEN,
        SectionKind::BusinessPlan => &BUSINESS_PLAN,
        SectionKind::Capital => &CAPITAL,
        SectionKind::ReservePolicy => &RESERVE_POLICY,
        SectionKind::Redemption => &REDEMPTION,
        SectionKind::Risk => &RISK,
        SectionKind::CrossBorder => &CROSS_BORDER,
        SectionKind::Documents => &DOCUMENTS,
        SectionKind::Attestation => &ATTESTATION,
        SectionKind::Declaration => &DECLARATION,
    }
}

const fn field(name: &'static str, label: &'static str, kind: Kind) -> Field {
    Field {
        name,
        label,
        hint: None,
        kind,
        required: true,
    }
}

const fn optional(field: Field) -> Field {
    Field {
        required: false,
        ..field
    }
}

const fn hinted(field: Field, hint: &'static str) -> Field {
    Field {
        hint: Some(hint),
        ..field
    }
}

const fn opt(value: &'static str, label: &'static str) -> Opt {
    Opt { value, label }
}

fn no_cross_checks(_: &Answers, _: &mut Vec<Problem>) {}

const LINE: Kind = Kind::Text(200);
const SHORT: Kind = Kind::Text(100);
const PARAGRAPH: Kind = Kind::Paragraph(4_000);
const PAST: Kind = Kind::Date { past: true };

pub const INSTITUTION_TYPES: &[Opt] = &[
    opt("bank", "institution-type-bank"),
    opt("bank_consortium", "institution-type-bank_consortium"),
    opt("non_bank", "institution-type-non_bank"),
    opt("fintech", "institution-type-fintech"),
    opt("other", "institution-type-other"),
];

pub const LEGAL_FORMS: &[Opt] = &[
    opt("stock_company", "legal-form-stock_company"),
    opt("limited_company", "legal-form-limited_company"),
    opt("other", "legal-form-other"),
];

pub const CHAINS: &[Opt] = &[
    opt("ethereum", "chain-ethereum"),
    opt("polygon", "chain-polygon"),
    opt("arbitrum", "chain-arbitrum"),
    opt("optimism", "chain-optimism"),
    opt("base", "chain-base"),
    opt("bnb_smart_chain", "chain-bnb_smart_chain"),
    opt("avalanche_c_chain", "chain-avalanche_c_chain"),
    opt("kaia", "chain-kaia"),
    opt("solana", "chain-solana"),
    opt("tron", "chain-tron"),
];

pub const CURRENCIES: &[Opt] = &[
    opt("KRW", "money-currency-krw"),
    opt("USD", "money-currency-usd"),
];

pub const ASSET_CLASSES: &[Opt] = &[
    opt(
        "cash_demand_deposits",
        "attestation-asset-cash_demand_deposits",
    ),
    opt("term_deposits", "attestation-asset-term_deposits"),
    opt(
        "korean_treasury_bonds",
        "attestation-asset-korean_treasury_bonds",
    ),
    opt(
        "local_government_bonds",
        "attestation-asset-local_government_bonds",
    ),
    opt(
        "monetary_stabilisation_bonds",
        "attestation-asset-monetary_stabilisation_bonds",
    ),
    opt("reverse_repos", "attestation-asset-reverse_repos"),
    opt(
        "foreign_government_bonds",
        "attestation-asset-foreign_government_bonds",
    ),
    opt("other", "attestation-asset-other"),
];

pub const CUSTODIAN_KINDS: &[Opt] = &[
    opt("bank", "attestation-custodian-bank"),
    opt("trust", "attestation-custodian-trust"),
    opt("other", "attestation-custodian-other"),
];

pub const STANDARDS: &[Opt] = &[
    opt("isae_3000", "attestation-standard-isae_3000"),
    opt("at_c_205", "attestation-standard-at_c_205"),
    opt(
        "korean_equivalent",
        "attestation-standard-korean_equivalent",
    ),
];

pub const OPINIONS: &[Opt] = &[
    opt("unqualified", "attestation-opinion-unqualified"),
    opt("qualified", "attestation-opinion-qualified"),
    opt("adverse", "attestation-opinion-adverse"),
];

const USE_CASES: &[Opt] = &[
    opt("domestic_payments", "use-case-domestic_payments"),
    opt("cross_border", "use-case-cross_border"),
    opt("settlement", "use-case-settlement"),
];

const SEGREGATION: &[Opt] = &[
    opt("trust", "segregation-trust"),
    opt("bankruptcy_remote", "segregation-bankruptcy_remote"),
];

const FREQUENCIES: &[Opt] = &[
    opt("daily", "frequency-daily"),
    opt("weekly", "frequency-weekly"),
    opt("monthly", "frequency-monthly"),
];

const DIRECTIONS: &[Opt] = &[
    opt("outbound", "direction-outbound"),
    opt("inbound", "direction-inbound"),
    opt("both", "direction-both"),
];

static INSTITUTION: Section = Section {
    kind: SectionKind::Institution,
    intro: "section-institution-intro",
    items: &[
        Item::Field(field("legal_name_ko", "q-legal_name_ko", LINE)),
        Item::Field(field("legal_name_en", "q-legal_name_en", LINE)),
        Item::Field(field(
            "legal_form",
            "q-legal_form",
            Kind::Choice(LEGAL_FORMS),
        )),
        Item::Field(field("incorporated_on", "q-incorporated_on", PAST)),
        Item::Field(hinted(
            field(
                "business_registration_number",
                "field-brn",
                Kind::BusinessRegistrationNumber,
            ),
            "field-brn-hint",
        )),
        Item::Field(hinted(
            field(
                "corporate_registration_number",
                "field-crn",
                Kind::CorporateRegistrationNumber,
            ),
            "field-crn-hint",
        )),
        Item::Field(optional(hinted(
            field("lei", "field-lei", Kind::Lei),
            "field-lei-hint",
        ))),
        Item::Field(field(
            "head_office_address",
            "field-address",
            Kind::Paragraph(300),
        )),
        Item::Field(field("website", "q-website", Kind::Url)),
        Item::Field(field(
            "contact_name",
            "q-regulatory_contact_name",
            Kind::PersonName,
        )),
        Item::Field(field(
            "contact_email",
            "q-regulatory_contact_email",
            Kind::Email,
        )),
        Item::Field(field(
            "contact_phone",
            "q-regulatory_contact_phone",
            Kind::Telephone,
        )),
        Item::Field(field(
            "institution_type",
            "field-institution-type",
            Kind::Choice(INSTITUTION_TYPES),
        )),
        Item::Group(Group {
            name: "shareholders",
            label: "q-shareholders",
            row_label: "q-shareholder-row",
            hint: Some("q-shareholders-hint"),
            fields: &[
                field("name", "q-shareholder-name", LINE),
                hinted(
                    field("share", "q-shareholder-share", Kind::Percent),
                    "q-percent-hint",
                ),
                field("is_bank", "q-shareholder-is_bank", Kind::YesNo),
            ],
            min_rows: 1,
            max_rows: 50,
            row_document: None,
        }),
        Item::Field(field("group_structure", "q-group_structure", PARAGRAPH)),
    ],
    cross_checks: shareholder_total,
};

static MANAGEMENT: Section = Section {
    kind: SectionKind::Management,
    intro: "section-management-intro",
    items: &[Item::Group(Group {
        name: "directors",
        label: "q-directors",
        row_label: "q-director-row",
        hint: Some("q-directors-hint"),
        fields: &[
            field("name", "q-director-name", Kind::PersonName),
            field("position", "q-director-position", SHORT),
            field(
                "experience",
                "q-director-experience",
                Kind::Paragraph(2_000),
            ),
            field("fit_and_proper", "q-director-fit_and_proper", Kind::Confirm),
        ],
        min_rows: 1,
        max_rows: 30,
        row_document: Some(DocumentKind::DirectorCv),
    })],
    cross_checks: no_cross_checks,
};

static TOKEN: Section = Section {
    kind: SectionKind::Token,
    intro: "section-token-intro",
    items: &[
        Item::Field(field("token_name", "q-token_name", SHORT)),
        Item::Field(hinted(
            field("ticker", "q-ticker", Kind::Ticker),
            "q-ticker-hint",
        )),
        Item::Field(field(
            "reference_currency",
            "q-reference_currency",
            Kind::Choice(CURRENCIES),
        )),
        Item::Group(Group {
            name: "deployments",
            label: "q-deployments",
            row_label: "q-deployment-row",
            hint: Some("q-deployments-hint"),
            fields: &[
                field("chain", "q-chain", Kind::Choice(CHAINS)),
                field(
                    "contract_address",
                    "q-contract_address",
                    Kind::ContractAddress {
                        chain_field: "chain",
                    },
                ),
            ],
            min_rows: 1,
            max_rows: 20,
            row_document: None,
        }),
        Item::Field(field(
            "mint_burn_controls",
            "q-mint_burn_controls",
            PARAGRAPH,
        )),
        Item::Field(field("white_paper_url", "q-white_paper_url", Kind::Url)),
        Item::Field(field("white_paper_version", "q-white_paper_version", SHORT)),
        Item::Document(DocumentKind::WhitePaper),
        Item::Field(field("no_rewards", "q-no_rewards", Kind::Confirm)),
    ],
    cross_checks: no_cross_checks,
};

static BUSINESS_PLAN: Section = Section {
    kind: SectionKind::BusinessPlan,
    intro: "section-business_plan-intro",
    items: &[
        Item::Field(field("use_cases", "q-use_cases", Kind::Choices(USE_CASES))),
        Item::Field(field(
            "distribution_channels",
            "q-distribution_channels",
            PARAGRAPH,
        )),
        Item::Field(field("jurisdictions", "q-jurisdictions", Kind::Text(500))),
        Item::Field(hinted(
            field("outstanding_year_1", "q-outstanding_year_1", Kind::Count),
            "q-outstanding-hint",
        )),
        Item::Field(field(
            "outstanding_year_2",
            "q-outstanding_year_2",
            Kind::Count,
        )),
        Item::Field(field(
            "outstanding_year_3",
            "q-outstanding_year_3",
            Kind::Count,
        )),
    ],
    cross_checks: no_cross_checks,
};

static CAPITAL: Section = Section {
    kind: SectionKind::Capital,
    intro: "section-capital-intro",
    items: &[
        Item::Field(field("paid_in_capital", "q-paid_in_capital", Kind::Krw)),
        Item::Field(field("capital_as_of", "q-capital_as_of", PAST)),
        Item::Field(optional(field(
            "capital_notes",
            "q-capital_notes",
            PARAGRAPH,
        ))),
    ],
    cross_checks: no_cross_checks,
};

static RESERVE_POLICY: Section = Section {
    kind: SectionKind::ReservePolicy,
    intro: "section-reserve_policy-intro",
    items: &[
        Item::Group(Group {
            name: "targets",
            label: "q-targets",
            row_label: "q-target-row",
            hint: Some("q-targets-hint"),
            fields: &[
                field("asset_class", "q-asset_class", Kind::Choice(ASSET_CLASSES)),
                hinted(
                    field("share", "q-target_share", Kind::Percent),
                    "q-percent-hint",
                ),
            ],
            min_rows: 1,
            max_rows: 10,
            row_document: None,
        }),
        Item::Field(field("custodians", "q-custodians", PARAGRAPH)),
        Item::Field(field(
            "segregation",
            "q-segregation",
            Kind::Choice(SEGREGATION),
        )),
        Item::Field(field(
            "valuation_frequency",
            "q-valuation_frequency",
            Kind::Choice(FREQUENCIES),
        )),
        Item::Field(field("stress_test", "q-stress_test", PARAGRAPH)),
    ],
    cross_checks: target_total,
};

static REDEMPTION: Section = Section {
    kind: SectionKind::Redemption,
    intro: "section-redemption-intro",
    items: &[
        Item::Field(field("at_par", "q-at_par", Kind::Confirm)),
        Item::Field(hinted(
            field("payout_days", "q-payout_days", Kind::Count),
            "q-payout_days-hint",
        )),
        Item::Field(field("fees", "q-fees", Kind::Paragraph(2_000))),
        Item::Field(field("minimum_amount", "q-minimum_amount", Kind::Count)),
        Item::Field(field("procedure", "q-procedure", PARAGRAPH)),
    ],
    cross_checks: no_cross_checks,
};

static RISK: Section = Section {
    kind: SectionKind::Risk,
    intro: "section-risk-intro",
    items: &[
        Item::Field(field(
            "aml_officer_name",
            "q-aml_officer_name",
            Kind::PersonName,
        )),
        Item::Field(field(
            "aml_officer_email",
            "q-aml_officer_email",
            Kind::Email,
        )),
        Item::Field(field("travel_rule", "q-travel_rule", PARAGRAPH)),
        Item::Field(field(
            "sanctions_screening",
            "q-sanctions_screening",
            PARAGRAPH,
        )),
        Item::Field(field(
            "smart_contract_audit",
            "q-smart_contract_audit",
            PARAGRAPH,
        )),
        Item::Field(field(
            "business_continuity",
            "q-business_continuity",
            PARAGRAPH,
        )),
    ],
    cross_checks: no_cross_checks,
};

static CROSS_BORDER: Section = Section {
    kind: SectionKind::CrossBorder,
    intro: "section-cross_border-intro",
    items: &[
        Item::Group(Group {
            name: "corridors",
            label: "q-corridors",
            row_label: "q-corridor-row",
            hint: Some("q-corridors-hint"),
            fields: &[
                field("country", "q-corridor-country", SHORT),
                field(
                    "direction",
                    "q-corridor-direction",
                    Kind::Choice(DIRECTIONS),
                ),
            ],
            min_rows: 1,
            max_rows: 50,
            row_document: None,
        }),
        Item::Field(field(
            "monthly_outbound_krw",
            "q-monthly_outbound_krw",
            Kind::Krw,
        )),
        Item::Field(field(
            "monthly_inbound_krw",
            "q-monthly_inbound_krw",
            Kind::Krw,
        )),
        Item::Field(field("fx_reporting", "q-fx_reporting", PARAGRAPH)),
    ],
    cross_checks: no_cross_checks,
};

static DOCUMENTS: Section = Section {
    kind: SectionKind::Documents,
    intro: "section-documents-intro",
    items: &[
        Item::Document(DocumentKind::ArticlesOfAssociation),
        Item::Document(DocumentKind::AuditedFinancialStatements),
        Item::Document(DocumentKind::BusinessPlan),
        Item::Document(DocumentKind::AmlPolicy),
        Item::Document(DocumentKind::LegalOpinion),
    ],
    cross_checks: no_cross_checks,
};

static ATTESTATION: Section = Section {
    kind: SectionKind::Attestation,
    intro: "section-attestation-intro",
    items: &[
        Item::Document(DocumentKind::AttestationReport),
        Item::Field(field("as_of", "q-attestation-as_of", PAST)),
        Item::Field(field("period_start", "q-attestation-period_start", PAST)),
        Item::Field(field(
            "standard",
            "q-attestation-standard",
            Kind::Choice(STANDARDS),
        )),
        Item::Field(field("firm_name", "q-attestation-firm_name", LINE)),
        Item::Field(field(
            "firm_registration_number",
            "q-attestation-firm_registration_number",
            Kind::Text(50),
        )),
        Item::Field(field(
            "opinion",
            "q-attestation-opinion",
            Kind::Choice(OPINIONS),
        )),
        Item::Field(field("signed_on", "q-attestation-signed_on", PAST)),
        Item::Group(Group {
            name: "supply",
            label: "q-supply",
            row_label: "q-supply-row",
            hint: Some("q-supply-hint"),
            fields: &[
                field("chain", "q-chain", Kind::Choice(CHAINS)),
                field("minted", "q-supply-minted", Kind::Amount),
                optional(field("frozen", "q-supply-frozen", Kind::Amount)),
                optional(field("time_locked", "q-supply-time_locked", Kind::Amount)),
                optional(field("treasury", "q-supply-treasury", Kind::Amount)),
            ],
            min_rows: 1,
            max_rows: 20,
            row_document: None,
        }),
        Item::Group(Group {
            name: "reserve_lines",
            label: "q-reserve_lines",
            row_label: "q-reserve_line-row",
            hint: Some("q-reserve_lines-hint"),
            fields: &[
                field("asset_class", "q-asset_class", Kind::Choice(ASSET_CLASSES)),
                field("custodian", "q-line-custodian", LINE),
                field(
                    "custodian_kind",
                    "q-line-custodian_kind",
                    Kind::Choice(CUSTODIAN_KINDS),
                ),
                field("segregated", "q-line-segregated", Kind::YesNo),
                optional(field("isin", "q-line-isin", Kind::Isin)),
                field("amount", "q-line-amount", Kind::Amount),
                field("maturity_days", "q-line-maturity_days", Kind::Count),
            ],
            min_rows: 1,
            max_rows: 500,
            row_document: None,
        }),
    ],
    cross_checks: super::attestation::cross_checks,
};

/// The declaration is made on the check-your-answers page at submission, not on a form of its own.
static DECLARATION: Section = Section {
    kind: SectionKind::Declaration,
    intro: "section-declaration-intro",
    items: &[],
    cross_checks: no_cross_checks,
};

/// The shareholders' percentages add up to at most 100%.
fn shareholder_total(answers: &Answers, problems: &mut Vec<Problem>) {
    total_within_whole(answers, "shareholders", "share", problems);
}

/// The target shares of the reserve policy add up to at most 100%.
fn target_total(answers: &Answers, problems: &mut Vec<Problem>) {
    total_within_whole(answers, "targets", "share", problems);
}

fn total_within_whole(answers: &Answers, group: &str, field: &str, problems: &mut Vec<Problem>) {
    let shares = answers
        .rows(group)
        .iter()
        .filter_map(|row| BasisPoints::parse_percent(row.value(field)).ok());
    if let Err(e) = total_of(shares) {
        problems.push(Problem::at(FieldPath::Group(group.into()), e.message_key()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::attestation::{AssetClass, AssuranceStandard, CustodianKind, Opinion};
    use crate::domain::money::ReferenceCurrency;
    use crate::domain::token::Chain;

    fn values(options: &[Opt]) -> Vec<&str> {
        options.iter().map(|o| o.value).collect()
    }

    fn codes<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|t| code(*t)).collect()
    }

    #[test]
    fn option_lists_follow_their_domain_types() {
        assert_eq!(values(CHAINS), codes(Chain::ALL, Chain::as_str));
        assert_eq!(
            values(ASSET_CLASSES),
            codes(AssetClass::ALL, AssetClass::as_str)
        );
        assert_eq!(
            values(CUSTODIAN_KINDS),
            codes(CustodianKind::ALL, CustodianKind::as_str)
        );
        assert_eq!(
            values(STANDARDS),
            codes(AssuranceStandard::ALL, AssuranceStandard::as_str)
        );
        assert_eq!(values(OPINIONS), codes(Opinion::ALL, Opinion::as_str));
        assert_eq!(
            values(CURRENCIES),
            codes(ReferenceCurrency::ALL, ReferenceCurrency::as_str)
        );
        for (opt, chain) in CHAINS.iter().zip(Chain::ALL) {
            assert_eq!(opt.label, chain.label_key());
        }
    }

    #[test]
    fn every_section_is_declared_with_unique_names() {
        for kind in SectionKind::ALL {
            let section = section(*kind);
            assert_eq!(section.kind, *kind);
            let mut names: Vec<_> = section.fields().map(|f| f.name).collect();
            names.extend(section.groups().map(|g| g.name));
            let count = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), count, "{kind:?} repeats a name");
        }
    }
}
