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
