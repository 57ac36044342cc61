## Amounts and shares
money-empty = Enter an amount.
money-format = Enter the amount in digits, with or without commas between thousands, for example 5,000,000,000.
money-negative = An amount cannot be negative.
money-won-fraction = Won have no decimals: enter a whole number of won, for example 12 or 13, not 12.5.
money-cents-fraction = Enter dollars with at most two decimals (cents), for example 1,234.56.
money-too-large = This amount is too large. Check the number of digits.
money-currency-krw = Korean won (KRW)
money-currency-usd = US dollar (USD)
share-empty = Enter a percentage.
share-format = Enter the percentage in digits, with at most two decimals, for example 12.34.
share-negative = A percentage cannot be negative.
share-decimals = Enter the percentage with at most two decimals, for example 12.34.
share-over-hundred = A percentage cannot be more than 100.
share-total-over-hundred = The shares together come to more than 100%. Check each percentage.

## The token
token-ticker-empty = Enter the token's ticker.
token-ticker-length = A ticker has 2 to 10 characters.
token-ticker-characters = A ticker has only the letters A to Z and digits, for example KRWX.
chain-ethereum = Ethereum
chain-polygon = Polygon
chain-arbitrum = Arbitrum One
chain-optimism = OP Mainnet (Optimism)
chain-base = Base
chain-bnb_smart_chain = BNB Smart Chain
chain-avalanche_c_chain = Avalanche C-Chain
chain-kaia = Kaia (formerly Klaytn)
chain-solana = Solana
chain-tron = Tron
address-empty = Enter the contract address.
address-evm-format = Enter the address as 0x followed by 40 hexadecimal characters (0-9, a-f).
address-evm-checksum = The upper and lower case letters of this address do not match its EIP-55 checksum, so it has probably been mistyped. Copy the address again from a block explorer.
address-solana-format = Enter the token's mint address: a Solana public key of 32 to 44 base58 characters.
address-tron-format = Enter a Tron address: 34 base58 characters beginning with T.
address-tron-checksum = The checksum of this Tron address does not match, so it has probably been mistyped. Copy the address again from a block explorer.
