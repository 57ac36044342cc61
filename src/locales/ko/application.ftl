## 금액과 지분율
money-empty = 금액을 입력하세요.
money-format = 금액은 숫자로 입력하세요. 천 단위 쉼표는 넣어도 되고 빼도 됩니다(예: 5,000,000,000).
money-negative = 금액은 음수일 수 없습니다.
money-won-fraction = 원화에는 소수점 이하 단위가 없습니다. 12.5가 아니라 12나 13처럼 원 단위 정수로 입력하세요.
money-cents-fraction = 달러 금액은 소수점 아래 둘째 자리(센트)까지만 입력하세요(예: 1,234.56).
money-too-large = 금액이 너무 큽니다. 자릿수를 확인해 주세요.
money-currency-krw = 원화(KRW)
money-currency-usd = 미국 달러(USD)
share-empty = 비율을 입력하세요.
share-format = 비율은 숫자로 입력하고, 소수점 아래 둘째 자리까지만 쓰세요(예: 12.34).
share-negative = 비율은 음수일 수 없습니다.
share-decimals = 비율은 소수점 아래 둘째 자리까지만 입력하세요(예: 12.34).
share-over-hundred = 비율은 100을 넘을 수 없습니다.
share-total-over-hundred = 지분율 합계가 100%를 넘습니다. 각 비율을 확인해 주세요.
