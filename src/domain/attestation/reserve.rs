//! What an attestation reports: the tokens per chain and the reserve lines backing them.

use crate::domain::code::coded;
use crate::domain::money::Amount;
use crate::domain::token::Chain;

use super::isin::Isin;

coded! {
    /// The kind of asset a reserve line holds. Classes outside DOMAIN.md's eligible list are kept
    /// so that a report holding them can be typed in and flagged, not refused.
    pub enum AssetClass {
        CashAndDemandDeposits => "cash_demand_deposits",
        TermDeposits => "term_deposits",
        KoreanTreasuryBonds => "korean_treasury_bonds",
        LocalGovernmentBonds => "local_government_bonds",
        MonetaryStabilisationBonds => "monetary_stabilisation_bonds",
        ReverseRepos => "reverse_repos",
        ForeignGovernmentBonds => "foreign_government_bonds",
        Other => "other",
    }
}

impl AssetClass {
    pub fn label_key(self) -> &'static str {
        match self {
            AssetClass::CashAndDemandDeposits => "attestation-asset-cash_demand_deposits",
            AssetClass::TermDeposits => "attestation-asset-term_deposits",
            AssetClass::KoreanTreasuryBonds => "attestation-asset-korean_treasury_bonds",
            AssetClass::LocalGovernmentBonds => "attestation-asset-local_government_bonds",
            AssetClass::MonetaryStabilisationBonds => {
                "attestation-asset-monetary_stabilisation_bonds"
            }
            AssetClass::ReverseRepos => "attestation-asset-reverse_repos",
            AssetClass::ForeignGovernmentBonds => "attestation-asset-foreign_government_bonds",
            AssetClass::Other => "attestation-asset-other",
        }
    }
}

coded! {
    /// Who holds a reserve line: only a bank or a trust is an eligible custodian.
    pub enum CustodianKind {
        Bank => "bank",
        Trust => "trust",
        Other => "other",
    }
}

impl CustodianKind {
    pub fn label_key(self) -> &'static str {
        match self {
            CustodianKind::Bank => "attestation-custodian-bank",
            CustodianKind::Trust => "attestation-custodian-trust",
            CustodianKind::Other => "attestation-custodian-other",
        }
    }
}

/// One line of the reserve: an asset held with a custodian, at fair value in the reference currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReserveLine {
    pub asset_class: AssetClass,
    pub custodian: String,
    pub custodian_kind: CustodianKind,
    /// Held in a segregated (trust or bankruptcy-remote) account.
    pub segregated: bool,
    pub isin: Option<Isin>,
    pub amount: Amount,
    pub residual_maturity_days: u32,
}

/// Tokens on one chain, at face value in the reference currency (one token redeems for one won,
/// or one dollar counted as 100 cents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSupply {
    pub chain: Chain,
    pub minted: Amount,
    /// Frozen or blacklisted by the issuer: not redeemable now, but still owed to their holder.
    pub frozen: Amount,
    pub time_locked: Amount,
    /// Held by the issuer itself: minted but never issued, owed to no one.
    pub treasury: Amount,
}

/// Why the tokens reported for one chain do not add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SupplyError {
    #[error("more tokens set aside than minted on {0}")]
    NonRedeemableOverMinted(Chain),
    #[error("{0} reported twice")]
    ChainTwice(Chain),
}

impl SupplyError {
    pub fn message_key(self) -> &'static str {
        match self {
            SupplyError::NonRedeemableOverMinted(_) => "attestation-supply-over-minted",
            SupplyError::ChainTwice(_) => "attestation-supply-chain-twice",
        }
    }
}

impl TokenSupply {
    /// Frozen, time-locked and treasury tokens together: those that cannot be redeemed now.
    pub fn non_redeemable(&self) -> i128 {
        i128::from(self.frozen.minor())
            + i128::from(self.time_locked.minor())
            + i128::from(self.treasury.minor())
    }

    /// Minted less the non-redeemable tokens.
    pub fn redeemable_outstanding(&self) -> i128 {
        i128::from(self.minted.minor()) - self.non_redeemable()
    }
}

/// The problems of a set of per-chain figures: each chain once, never more set aside than minted.
pub fn supply_problems(supply: &[TokenSupply]) -> Vec<SupplyError> {
    let mut problems = Vec::new();
    for (i, chain) in supply.iter().enumerate() {
        if supply[..i]
            .iter()
            .any(|earlier| earlier.chain == chain.chain)
        {
            problems.push(SupplyError::ChainTwice(chain.chain));
        }
        if chain.redeemable_outstanding() < 0 {
            problems.push(SupplyError::NonRedeemableOverMinted(chain.chain));
        }
    }
    problems
}
