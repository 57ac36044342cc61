## 최초 준비자산 검증: 점검 결과, 합계, 준비자산 내역 가져오기

## 상환 점검(7. 상환)
check-redemption_days-title = 기한 내 상환 지급
check-redemption_days-basis = 디지털자산기본법안: 보유자는 상환 요청과 본인 확인 완료 중 늦은 날부터 정해진 영업일 안에 액면가로 지급받습니다. 주요 법안은 3영업일로 정합니다.
check-redemption_days-breach = 상환 지급에 { $days }영업일이 걸립니다. 기준은 최대 { $max }영업일입니다.

## 점검 결과(각 항목과 제출 전 확인 화면)
findings-passed = 충족:
findings-breached = 경고, 미충족:
findings-legal-basis = 근거:

## 검증 수치로 계산한 값
totals-total-reserves = 준비자산 합계
totals-redeemable-outstanding = 상환 가능한 유통 토큰
totals-owed = 준비자산으로 뒷받침해야 할 토큰(동결 토큰 포함)
totals-coverage = 준비자산 비율
totals-cash-share = 현금·요구불예금 비중
totals-nothing-outstanding = 유통 중인 토큰 없음
totals-no-reserves = 준비자산 없음
totals-none-yet = 아직 계산할 수치가 없습니다. 체인별 발행량과 준비자산 내역을 입력해 주세요.

## 파일에서 준비자산 내역 가져오기
import-title = 파일에서 준비자산 내역 가져오기
import-back = 최초 준비자산 검증으로 돌아가기
import-problems-title = 파일을 가져오지 못했습니다
import-nothing-saved = 아무것도 저장되지 않았습니다. 아래의 문제를 파일에서 모두 고친 뒤 다시 올려 주세요.
import-intro = 열 이름을 적은 머리글 행 아래에 준비자산 한 건당 한 행씩 적은 CSV 파일이나 엑셀 통합 문서(.xlsx)를 올려 주세요. 열은 아래에 설명되어 있습니다.
import-replaces = 문제가 없는 파일은 검증의 준비자산 내역 전체를 대체합니다. 항목의 나머지(보고서 정보와 체인별 토큰)는 그대로 남습니다.
import-file-label = 준비자산 내역 파일(CSV 또는 XLSX)
import-file-hint = 최대 { $max_kib }KiB, 준비자산 { $max_lines }건까지입니다. 금액은 토큰의 기준 통화로 적습니다.
import-file-not-imported = 이 파일은 가져오지 않았습니다. 위의 문제 목록을 확인해 주세요.
import-no-file = 가져올 CSV 또는 XLSX 파일을 선택해 주세요.
import-submit = 준비자산 내역 가져오기
import-now-title = 현재 검증 내용
import-now-lines = 저장된 준비자산 내역: { $count }건
import-columns-title = 파일의 열
import-columns-intro = 머리글 행에 열 이름을 적습니다. 순서는 상관없습니다. 서식 파일에서 시작하세요:
import-template-link = 서식 파일 내려받기(CSV)
import-column = 열
import-column-meaning = 내용
import-column-asset_class = 자산 종류. 아래 코드 중 하나로 적습니다.
import-column-custodian = 보관기관 이름. 회계법인 보고서에 적힌 대로 적습니다.
import-column-custodian_kind = bank(은행), trust(신탁회사) 또는 other(기타).
import-column-segregated = 분리 계좌에 보관하는지 여부: yes 또는 no(예 또는 아니오).
import-column-isin = 증권의 ISIN(12자리, 예: KR7005930003). 현금과 예금은 비워 둡니다.
import-column-amount = 토큰 기준 통화로 적은 공정가치. 원화는 원 단위 정수, 달러는 소수점 아래 두 자리까지. 천 단위 쉼표를 써도 됩니다.
import-column-residual_maturity_days = 만기까지 남은 일수(정수). 현금과 요구불예금은 0입니다.
import-asset-codes-title = 자산 종류 코드
import-code = 코드
import-asset-class-heading = 자산 종류
import-at-line-column = { $line }행, { $column } 열
import-at-line = { $line }행
notice-imported = 준비자산 내역을 가져왔습니다. 아래 합계와 점검 결과는 가져온 내역으로 계산한 것입니다.
