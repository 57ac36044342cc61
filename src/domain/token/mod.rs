//! What identifies a token: its ticker and, per blockchain it is deployed on, its contract
//! address (checked by that chain's own rule in `address`).

mod address;

pub use address::{AddressError, ContractAddress};

use std::fmt;

use super::code::coded;

/// Why a typed ticker was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TickerError {
    #[error("no ticker")]
    Empty,
    #[error("ticker must be 2 to 10 characters")]
    Length,
    #[error("ticker may hold only letters A-Z and digits")]
    Characters,
}

impl TickerError {
    pub fn message_key(self) -> &'static str {
        match self {
            TickerError::Empty => "token-ticker-empty",
            TickerError::Length => "token-ticker-length",
            TickerError::Characters => "token-ticker-characters",
        }
    }
}

/// A token's ticker: 2 to 10 upper-case ASCII letters or digits (`KRWX`, `KRW1`).
///
/// Lower case typed is upper-cased rather than refused: tickers are read without regard to case
/// everywhere they are used (exchanges, wallets, the register's search), so `krwx` can only mean
/// `KRWX`, and refusing it would cost the applicant a round trip for nothing. Full-width letters
/// and digits from a Korean IME are read as their ASCII forms for the same reason.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ticker(String);

impl Ticker {
    pub fn parse(raw: &str) -> Result<Ticker, TickerError> {
        let text: String = raw
            .trim()
            .chars()
            .map(|c| match c {
                // Full-width forms U+FF01..U+FF5E sit at a fixed offset from ASCII.
                '！'..='～' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if text.is_empty() {
            return Err(TickerError::Empty);
        }
        if !text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return Err(TickerError::Characters);
        }
        if !(2..=10).contains(&text.len()) {
            return Err(TickerError::Length);
        }
        Ok(Ticker(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ticker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

coded! {
    /// The blockchains an issuer may declare a deployment on, in the order the form offers them.
    pub enum Chain {
        Ethereum => "ethereum",
        Polygon => "polygon",
        Arbitrum => "arbitrum",
        Optimism => "optimism",
        Base => "base",
        BnbSmartChain => "bnb_smart_chain",
        AvalancheCChain => "avalanche_c_chain",
        Kaia => "kaia",
        Solana => "solana",
        Tron => "tron",
    }
}

/// How a chain writes a contract (or, on Solana, a mint) address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressRule {
    /// `0x` and 40 hex digits, EIP-55 mixed-case checksum (Ethereum and every EVM chain, Kaia too).
    Evm,
    /// A 32-byte public key in base58.
    Solana,
    /// Base58check of 25 bytes: version 0x41, 20 bytes, 4 bytes of double SHA-256 (`T…`).
    Tron,
}

impl Chain {
    pub fn address_rule(self) -> AddressRule {
        match self {
            Chain::Ethereum
            | Chain::Polygon
            | Chain::Arbitrum
            | Chain::Optimism
            | Chain::Base
            | Chain::BnbSmartChain
            | Chain::AvalancheCChain
            | Chain::Kaia => AddressRule::Evm,
            Chain::Solana => AddressRule::Solana,
            Chain::Tron => AddressRule::Tron,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Chain::Ethereum => "chain-ethereum",
            Chain::Polygon => "chain-polygon",
            Chain::Arbitrum => "chain-arbitrum",
            Chain::Optimism => "chain-optimism",
            Chain::Base => "chain-base",
            Chain::BnbSmartChain => "chain-bnb_smart_chain",
            Chain::AvalancheCChain => "chain-avalanche_c_chain",
            Chain::Kaia => "chain-kaia",
            Chain::Solana => "chain-solana",
            Chain::Tron => "chain-tron",
        }
    }
}

impl crate::domain::Labelled for Chain {
    fn code(self) -> &'static str {
        self.as_str()
    }

    fn label_key(self) -> &'static str {
        Chain::label_key(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickers_are_upper_case_letters_and_digits() {
        assert_eq!(Ticker::parse("KRWX").unwrap().as_str(), "KRWX");
        assert_eq!(Ticker::parse(" krw1 ").unwrap().as_str(), "KRW1");
        assert_eq!(Ticker::parse("ＫＲＷ").unwrap().as_str(), "KRW");
        assert_eq!(Ticker::parse("KR").unwrap().as_str(), "KR");
        assert_eq!(Ticker::parse("ABCDEFGHIJ").unwrap().as_str(), "ABCDEFGHIJ");
        assert_eq!(Ticker::parse("K"), Err(TickerError::Length));
        assert_eq!(Ticker::parse("ABCDEFGHIJK"), Err(TickerError::Length));
        assert_eq!(Ticker::parse("KRW-X"), Err(TickerError::Characters));
        assert_eq!(Ticker::parse("KRW X"), Err(TickerError::Characters));
        assert_eq!(Ticker::parse("원화"), Err(TickerError::Characters));
        assert_eq!(Ticker::parse("  "), Err(TickerError::Empty));
    }

    #[test]
    fn chains_keep_their_codes_and_rules() {
        let codes: Vec<_> = Chain::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes.len(), 10);
        assert_eq!("kaia".parse(), Ok(Chain::Kaia));
        assert!("klaytn".parse::<Chain>().is_err());
        assert_eq!(Chain::Kaia.address_rule(), AddressRule::Evm);
        assert_eq!(Chain::Base.address_rule(), AddressRule::Evm);
        assert_eq!(Chain::Solana.address_rule(), AddressRule::Solana);
        assert_eq!(Chain::Tron.address_rule(), AddressRule::Tron);
    }
}
