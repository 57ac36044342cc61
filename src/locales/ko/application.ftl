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

## 토큰
token-ticker-empty = 토큰의 티커를 입력하세요.
token-ticker-length = 티커는 2~10자입니다.
token-ticker-characters = 티커에는 영문 대문자 A~Z와 숫자만 쓸 수 있습니다(예: KRWX).
chain-ethereum = 이더리움(Ethereum)
chain-polygon = 폴리곤(Polygon)
chain-arbitrum = 아비트럼 원(Arbitrum One)
chain-optimism = OP 메인넷(Optimism)
chain-base = 베이스(Base)
chain-bnb_smart_chain = BNB 스마트 체인
chain-avalanche_c_chain = 아발란체 C-체인
chain-kaia = 카이아(Kaia, 옛 클레이튼)
chain-solana = 솔라나(Solana)
chain-tron = 트론(Tron)
address-empty = 컨트랙트 주소를 입력하세요.
address-evm-format = 주소는 0x 뒤에 16진수 40자(0-9, a-f)로 입력하세요.
address-evm-checksum = 이 주소의 대소문자가 EIP-55 체크섬과 맞지 않습니다. 잘못 입력되었을 가능성이 높으니 블록 익스플로러에서 주소를 다시 복사해 주세요.
address-solana-format = 토큰의 민트 주소를 입력하세요. 솔라나 공개키는 base58 문자 32~44자입니다.
address-tron-format = 트론 주소를 입력하세요. T로 시작하는 base58 문자 34자입니다.
address-tron-checksum = 이 트론 주소의 체크섬이 맞지 않습니다. 잘못 입력되었을 가능성이 높으니 블록 익스플로러에서 주소를 다시 복사해 주세요.
