//! Contract addresses checked by their chain's own rule, and kept in one canonical form (EIP-55
//! checksummed on EVM chains) so that the register's lookup finds a token however it was typed.

use std::fmt;

use sha2::{Digest as _, Sha256};
use sha3::Keccak256;

use super::{AddressRule, Chain};

/// Why a typed address was refused for its chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("no address")]
    Empty,
    #[error("not 0x and 40 hex digits")]
    EvmFormat,
    #[error("EIP-55 checksum does not match")]
    EvmChecksum,
    #[error("not a base58 32-byte public key")]
    SolanaFormat,
    #[error("not a base58 Tron address")]
    TronFormat,
    #[error("Tron checksum does not match")]
    TronChecksum,
}

impl AddressError {
    pub fn message_key(self) -> &'static str {
        match self {
            AddressError::Empty => "address-empty",
            AddressError::EvmFormat => "address-evm-format",
            AddressError::EvmChecksum => "address-evm-checksum",
            AddressError::SolanaFormat => "address-solana-format",
            AddressError::TronFormat => "address-tron-format",
            AddressError::TronChecksum => "address-tron-checksum",
        }
    }
}

/// A token's address on one chain, valid by that chain's rule, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContractAddress {
    chain: Chain,
    canonical: String,
}

impl ContractAddress {
    /// Checks `raw` by `chain`'s rule. An EVM address in one case (all lower or all upper) carries
    /// no checksum and is accepted; in mixed case its EIP-55 checksum must match, since a mixed-case
    /// address that fails it is a mistyped one.
    pub fn parse(chain: Chain, raw: &str) -> Result<ContractAddress, AddressError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(AddressError::Empty);
        }
        let canonical = match chain.address_rule() {
            AddressRule::Evm => evm(text)?,
            AddressRule::Solana => solana(text)?,
            AddressRule::Tron => tron(text)?,
        };
        Ok(ContractAddress { chain, canonical })
    }

    pub fn chain(&self) -> Chain {
        self.chain
    }

    /// The form stored and looked up: EIP-55 checksummed on EVM chains, base58 elsewhere.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }
}

impl fmt::Display for ContractAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

fn evm(text: &str) -> Result<String, AddressError> {
    let hex = text.strip_prefix("0x").ok_or(AddressError::EvmFormat)?;
    if hex.len() != 40 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AddressError::EvmFormat);
    }
    let checksummed = eip55(hex);
    let has_lower = hex.chars().any(|c| c.is_ascii_lowercase());
    let has_upper = hex.chars().any(|c| c.is_ascii_uppercase());
    if has_lower && has_upper && checksummed[2..] != *hex {
        return Err(AddressError::EvmChecksum);
    }
    Ok(checksummed)
}

/// EIP-55: each letter of the lower-case hex is upper-cased where the matching nibble of the
/// Keccak-256 hash of that lower-case text is 8 or more.
fn eip55(hex: &str) -> String {
    let lower = hex.to_ascii_lowercase();
    let hash = Keccak256::digest(lower.as_bytes());
    let mut out = String::from("0x");
    for (i, c) in lower.chars().enumerate() {
        let byte = hash[i / 2];
        let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0x0f };
        out.push(if nibble >= 8 {
            c.to_ascii_uppercase()
        } else {
            c
        });
    }
    out
}

fn solana(text: &str) -> Result<String, AddressError> {
    let bytes = bs58::decode(text)
        .into_vec()
        .map_err(|_| AddressError::SolanaFormat)?;
    if bytes.len() != 32 {
        return Err(AddressError::SolanaFormat);
    }
    Ok(bs58::encode(bytes).into_string())
}

fn tron(text: &str) -> Result<String, AddressError> {
    let bytes = bs58::decode(text)
        .into_vec()
        .map_err(|_| AddressError::TronFormat)?;
    if bytes.len() != 25 || bytes[0] != 0x41 {
        return Err(AddressError::TronFormat);
    }
    let (payload, checksum) = bytes.split_at(21);
    let hash = Sha256::digest(Sha256::digest(payload));
    if hash[..4] != *checksum {
        return Err(AddressError::TronChecksum);
    }
    Ok(bs58::encode(bytes).into_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const USDC: &str = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
    const USDT: &str = "0xdAC17F958D2ee523a2206206994597C13D831ec7";

    #[test]
    fn evm_addresses_are_checked_and_checksummed() {
        for address in [USDC, USDT] {
            let parsed = ContractAddress::parse(Chain::Ethereum, address).unwrap();
            assert_eq!(parsed.as_str(), address);
            // One case carries no checksum: accepted, and stored checksummed for lookups.
            let lower = ContractAddress::parse(Chain::Polygon, &address.to_lowercase()).unwrap();
            assert_eq!(lower.as_str(), address);
            let upper = format!("0x{}", address[2..].to_uppercase());
            assert_eq!(
                ContractAddress::parse(Chain::Kaia, &upper)
                    .unwrap()
                    .as_str(),
                address
            );
        }
        // USDC with one letter's case flipped: a mistyped address.
        let wrong = USDC.replacen("A0b8", "a0b8", 1);
        assert_eq!(
            ContractAddress::parse(Chain::Ethereum, &wrong),
            Err(AddressError::EvmChecksum)
        );
        for bad in [
            &USDC[2..],
            "0XA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
            "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB4",
            "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB488",
            "0xG0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
        ] {
            assert_eq!(
                ContractAddress::parse(Chain::Ethereum, bad),
                Err(AddressError::EvmFormat),
                "{bad}"
            );
        }
        assert_eq!(
            ContractAddress::parse(Chain::Base, " "),
            Err(AddressError::Empty)
        );
    }

    #[test]
    fn solana_mints_are_32_byte_base58_keys() {
        let usdc = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
        let parsed = ContractAddress::parse(Chain::Solana, usdc).unwrap();
        assert_eq!((parsed.as_str(), parsed.chain()), (usdc, Chain::Solana));
        // 0, O, I and l are not base58; a short key is not 32 bytes; an EVM address is neither.
        for bad in [
            "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt10",
            "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt",
            USDC,
        ] {
            assert_eq!(
                ContractAddress::parse(Chain::Solana, bad),
                Err(AddressError::SolanaFormat),
                "{bad}"
            );
        }
    }

    #[test]
    fn tron_addresses_are_checked_by_double_sha256() {
        let usdt = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
        assert_eq!(
            ContractAddress::parse(Chain::Tron, usdt).unwrap().as_str(),
            usdt
        );
        // The last character changed: still 25 bytes, but the checksum no longer matches.
        assert_eq!(
            ContractAddress::parse(Chain::Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u"),
            Err(AddressError::TronChecksum)
        );
        // A Bitcoin address is base58check too, but of version 0x00.
        assert_eq!(
            ContractAddress::parse(Chain::Tron, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
            Err(AddressError::TronFormat)
        );
        assert_eq!(
            ContractAddress::parse(Chain::Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6"),
            Err(AddressError::TronFormat)
        );
    }
}
