## The initial reserve attestation: its checks shown, its totals, and importing its reserve lines

## The check on redemption (section 7)
check-redemption_days-title = Redemptions paid out in time
check-redemption_days-basis = Digital Asset Basic Act bill: a holder is paid at par within a set number of business days, counted from the later of the request and the completed identity check. The leading bill says 3.
check-redemption_days-breach = Redemptions are paid out within { $days } business days; the rule allows at most { $max }.

## The results of the checks, as a section or check your answers shows them
findings-passed = Met:
findings-breached = Warning, not met:
findings-legal-basis = Legal basis:

## What is computed from the attestation's figures
totals-total-reserves = Total reserves
totals-redeemable-outstanding = Redeemable tokens outstanding
totals-owed = Tokens the reserves must cover (frozen tokens included)
totals-coverage = Coverage ratio
totals-cash-share = Share in cash and demand deposits
totals-nothing-outstanding = No tokens outstanding
totals-no-reserves = No reserves given
totals-none-yet = Nothing to compute yet: give the tokens minted on each chain and the reserve lines.

## Importing reserve lines from a file
import-title = Import reserve lines from a file
import-back = Back to the initial reserve attestation
import-problems-title = The file was not imported
import-nothing-saved = Nothing was saved. Correct each problem below in your file and upload it again.
import-intro = Upload a CSV file or an Excel workbook (.xlsx) with one row per reserve line, under a header row naming the columns described below.
import-replaces = A clean file replaces every reserve line of the attestation. The rest of the section (its header and the tokens per chain) stays as it is.
import-file-label = File of reserve lines (CSV or XLSX)
import-file-hint = At most { $max_kib } KiB and { $max_lines } reserve lines. Amounts are in the token's reference currency.
import-file-not-imported = This file was not imported. See the list of problems above.
import-no-file = Choose a CSV or XLSX file to import.
import-submit = Import reserve lines
import-now-title = The attestation as it stands
import-now-lines = Reserve lines saved: { $count }
import-columns-title = Columns of the file
import-columns-intro = The header row names the columns, in any order. Start from the template:
import-template-link = download the template (CSV)
import-column = Column
import-column-meaning = What it holds
import-column-asset_class = The asset class, as one of the codes listed below.
import-column-custodian = The custodian's name, as in the accountant's report.
import-column-custodian_kind = bank, trust or other.
import-column-segregated = Whether the assets are in a segregated account: yes or no.
import-column-isin = The security's ISIN (12 characters, for example KR7005930003); empty for cash and deposits.
import-column-amount = The fair value in the token's reference currency: whole won, or dollars with at most two decimals. Commas between thousands are allowed.
import-column-residual_maturity_days = Days until maturity, as a whole number: 0 for cash and demand deposits.
import-asset-codes-title = Asset class codes
import-code = Code
import-asset-class-heading = Asset class
import-at-line-column = Line { $line }, column { $column }
import-at-line = Line { $line }
notice-imported = The reserve lines were imported. The totals and checks below are worked out from them.
