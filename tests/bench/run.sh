#!/usr/bin/env bash
# make bench: speed and memory of a release build, measured from a separate process (wrk) on
# loopback, and the reliability figures of SECURITY.md. The portal is measured twice, with 1,000 and
# with 100,000 seeded applications (`stablereg bench-seed`), each time on a fresh cluster: the pages
# whose cost could grow with the data at both, everything at the large one. Writes bench-report.md
# and bench-report.json (tests/bench/report.py; keys documented in the README), with the targets of
# issue 11 beside the figures. Every load is bounded in time and goes only to 127.0.0.1. A load that
# answers anything but 2xx/3xx fails the bench (after the report is written).
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=target/release/stablereg
PORT=${BENCH_PORT:-8181}
BASE=http://127.0.0.1:$PORT
SECONDS_EACH=${BENCH_SECONDS:-8}
MIXED_SECONDS=${BENCH_MIXED_SECONDS:-30}
CLIENTS=${BENCH_CONNECTIONS:-32}
SMALL=${BENCH_SMALL_APPLICATIONS:-1000}
LARGE=${BENCH_APPLICATIONS:-100000}
REPORT=bench-report.md
JSON=bench-report.json
LUA=tests/bench/statuses.lua
HELP=tests/bench/helpers.py
PASSWORD=Hangang-Lantern-Ferry-42
WORK=$(mktemp -d /tmp/stablereg-bench-work.XXXXXX)
RESULTS=$WORK/results.tsv
export RUST_LOG=error DATABASE_URL= BIND=127.0.0.1:$PORT BASE_URL=$BASE TRUST_FORWARDED_FOR=true
: > "$RESULTS"

stop_portal() {
  [ -n "${SERVER:-}" ] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  SERVER=
  [ -n "${DATA:-}" ] && { "$BIN" db stop >/dev/null 2>&1 || true; rm -rf "$DATA"; }
  DATA=
}
cleanup() {
  stop_portal
  rm -rf "$WORK"
}
trap cleanup EXIT

# The load generator: wrk (`make bench` installs it), or oha where that is on the PATH instead.
if command -v wrk >/dev/null 2>&1; then
  GENERATOR=wrk
elif command -v oha >/dev/null 2>&1; then
  GENERATOR=oha
else
  echo "make bench needs wrk (or oha) on the PATH" >&2
  exit 1
fi
# One load: connections, seconds, url, [more arguments: -H "Name: value"]; prints wrk's summary
# line (statuses.lua). COOKIE adds a cookie, PATHS (space-separated) spreads the requests over
# paths, BODY posts a form, SIGN_IN signs in, SAVES saves sections, SKIP_BODIES=1 leaves the
# bodies unread (statuses.lua; wrk only).
generate() {
  local conns=$1 secs=$2 url=$3
  shift 3
  if [ "$GENERATOR" = wrk ]; then
    wrk -t2 -c"$conns" -d"${secs}s" --timeout "${TIMEOUT:-5s}" -s "$LUA" "$@" "$url" | tail -n 1
    return
  fi
  local many=()
  if [ -n "${PATHS:-}" ]; then
    printf "$BASE%s\n" $PATHS > "$WORK/urls"
    url=$WORK/urls many=(--urls-from-file)
  fi
  if [ -n "${COOKIE:-}" ]; then set -- "$@" -H "Cookie: $COOKIE"; fi
  if [ -n "${BODY:-}" ]; then set -- "$@" -m POST -T application/x-www-form-urlencoded -d "$BODY"; fi
  oha --no-tui --output-format json --disable-compression -c "$conns" -z "${secs}s" -t 5s \
    "${many[@]}" "$@" "$url" | python3 tests/bench/oha_summary.py
}

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }
peak_kib() { awk '/VmHWM/ {print $2}' "/proc/$SERVER/status"; }
record() { # scale, json key, name, summary line
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$RESULTS"
  echo "[$1] $3: $4" >&2
}
load() { # json key, name, url, [extra wrk arguments]
  local key=$1 name=$2 url=$3
  shift 3
  record "$SCALE" "$key" "$name" "$(generate "$CLIENTS" "$SECONDS_EACH" "$url" "$@")"
}

# Signs in through the real forms (the password, then a TOTP code when a secret is given) and prints
# the session cookie. A code is accepted once per account and 30 s window: each account signs in once.
# A client address (third argument, sent as X-Forwarded-For) keeps many sign-ins under the
# per-address limit.
sign_in() { # email, [totp secret], [client address]
  local jar=$WORK/jar.$RANDOM token from=()
  [ -n "${3:-}" ] && from=(-H "X-Forwarded-For: $3")
  token=$(curl -s -c "$jar" "$BASE/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -s -b "$jar" -c "$jar" -o /dev/null "${from[@]}" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=$1" --data-urlencode "password=$PASSWORD" "$BASE/login"
  if [ -n "${2:-}" ]; then
    token=$(curl -s -b "$jar" -c "$jar" "$BASE/mfa" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
    curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$token" \
      --data-urlencode "code=$(python3 "$HELP" totp "$2")" --data-urlencode "next=" "$BASE/mfa"
  fi
  awk '$6 == "session" {print "session=" $7}' "$jar"
  rm -f "$jar"
}
# Fails the bench unless `cookie` reaches `path` with a 200 (a sign-in that did not work).
check_reaches() { # cookie, path
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $1" "$BASE$2")
  [ "$status" = 200 ] || { echo "bench: $2 answered $status to the signed-in bench account" >&2; exit 1; }
}

# A fresh cluster with the demo data and `applications` seeded, the server started, the issuer and
# the reviewer signed in, and the ids of the pages measured found.
start_portal() { # applications
  DATA=$(mktemp -d /tmp/stablereg-bench.XXXXXX)
  chmod 755 "$DATA"
  export DATA_DIR=$DATA
  "$BIN" demo > "$WORK/demo.txt"
  local seeded=$SECONDS
  "$BIN" bench-seed --applications "$1" >&2
  SEED_SECONDS=$((SECONDS - seeded))
  "$BIN" serve & SERVER=$!
  for _ in $(seq 1 120); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.5; done
  ISSUER=$(sign_in issuer@demo.stablereg.kr)
  REVIEWER=$(sign_in reviewer@demo.stablereg.kr "$(python3 "$HELP" secrets "$WORK/demo.txt" | awk '$1 == "reviewer" {print $3}')")
  check_reaches "$ISSUER" /applications
  check_reaches "$REVIEWER" /review
  curl -s -H "Cookie: $ISSUER" "$BASE/applications" > "$WORK/dashboard.html"
  DRAFT=$(python3 "$HELP" first "$WORK/dashboard.html" /applications/)
  curl -s -H "Cookie: $REVIEWER" "$BASE/review?assignee=me" > "$WORK/queue.html"
  CASE=$(python3 "$HELP" first "$WORK/queue.html" /review/)
  # A case's reference, as a reviewer pastes it from a letter or a mail into the search box.
  REFERENCE=$(grep -o 'APP-[0-9]*-[0-9]*' "$WORK/queue.html" | head -n 1)
  [ -n "$DRAFT" ] && [ -n "$CASE" ] && [ -n "$REFERENCE" ] || { echo "bench: no draft, case or reference found to measure" >&2; exit 1; }
  # The contract of an approved seeded issuer (number 55 is approved at every scale).
  CONTRACT=0x$(python3 -c 'import hashlib; m = lambda s: hashlib.md5(s.encode()).hexdigest(); print(m("bench-contract-55") + m("bench-salt-55")[:8])')
}

# The section-save load's targets, one line per draft issuer in $WORK/saves.tsv: the session cookie,
# the path of its draft's business plan section and that form's body as the page gives it. The
# drafts are the applications numbered i with i % 100 < 10 (bench-seed), their issuers
# issuer-<i>@bench.stablereg.kr with the demo password.
save_targets() { # how many
  local k=0 email cookie draft
  : > "$WORK/saves.tsv"
  for i in $(seq 1 "$LARGE" | awk '$1 % 100 < 10' | head -n "$1"); do
    k=$((k + 1))
    email=issuer-$i@bench.stablereg.kr
    cookie=$(sign_in "$email" "" "10.77.$((k / 250)).$((k % 250 + 1))")
    curl -s -H "Cookie: $cookie" "$BASE/applications" > "$WORK/drafts.html"
    draft=$(python3 "$HELP" first "$WORK/drafts.html" /applications/)
    [ -n "$draft" ] || { echo "bench: $email did not reach a draft" >&2; exit 1; }
    curl -s -H "Cookie: $cookie" "$BASE$draft/sections/business_plan" > "$WORK/drafts.html"
    printf '%s\t%s\t%s\n' "$cookie" "$draft/sections/business_plan" \
      "$(python3 "$HELP" form "$WORK/drafts.html" "$draft/sections/business_plan")" >> "$WORK/saves.tsv"
  done
  rm -f "$WORK/drafts.html"
}

# The pages whose cost may grow with the data, measured at both scales.
scaled_loads() {
  COOKIE=$REVIEWER load queue "review queue, first page" "$BASE/review"
  # A filter whose first page is full at both scales (about 110 of the 1,000 are the reviewer's open
  # cases): "submitted and mine" filled only 30 lines at 1,000, so its ratio measured the page's
  # length, not the data's growth.
  COOKIE=$REVIEWER load queue_filtered "review queue, mine" "$BASE/review?assignee=me"
  COOKIE=$REVIEWER load queue_search "review queue, search for a name" "$BASE/review?q=hangyeol"
  COOKIE=$REVIEWER load queue_search_reference "review queue, search for a reference" "$BASE/review?q=$REFERENCE"
  COOKIE=$REVIEWER load workspace "review workspace of a case" "$BASE/review/${CASE#/review/}"
  load register "public register" "$BASE/register"
  # The downloads are read as a program that saves them reads them: nothing looks into the bodies.
  SKIP_BODIES=1 load register_csv "public register, CSV" "$BASE/register.csv"
  SKIP_BODIES=1 load register_json "public register, JSON" "$BASE/register.json"
  # As a browser or an HTTP library fetches them: the copy gzipped once per register change.
  SKIP_BODIES=1 load register_csv_gzip "public register, CSV, gzip" "$BASE/register.csv" -H "Accept-Encoding: gzip"
  SKIP_BODIES=1 load register_json_gzip "public register, JSON, gzip" "$BASE/register.json" -H "Accept-Encoding: gzip"
  # What the downloads weigh at this scale: they hold the whole register, so they grow with it.
  printf '%s\t%s\t%s\t%s\t%s\n' "$SCALE" "$(curl -s "$BASE/register?lang=en" | sed -n 's/.*Issuers found: \([0-9]*\).*/\1/p' | head -n 1)" \
    "$(curl -s "$BASE/register.csv" | wc -c)" "$(curl -s "$BASE/register.json" | wc -c)" \
    "$(curl -s -H 'Accept-Encoding: gzip' "$BASE/register.json" | wc -c)" >> "$WORK/sizes.tsv"
  load register_lookup "contract lookup" "$BASE/register/lookup?chain=ethereum&address=$CONTRACT"
}

# --- The small scale: the ratios' denominators.
SCALE=small
start_portal "$SMALL"
SMALL_SEED_SECONDS=$SEED_SECONDS
scaled_loads
stop_portal

# --- The large scale: everything.
SCALE=large
start_portal "$LARGE"
LARGE_SEED_SECONDS=$SEED_SECONDS
CSS=$(curl -s "$BASE/" | sed -n 's/.*href="\(\/static\/[^"]*\/css\/app.css\)".*/\1/p' | head -n 1)
RSS_IDLE=$(rss_kib)
load home "home page, anonymous" "$BASE/"
load static_asset "static stylesheet" "$BASE$CSS"
load static_asset_gzip "static stylesheet, gzip" "$BASE$CSS" -H "Accept-Encoding: gzip"
load readyz "readiness probe (one SELECT 1 through the pool)" "$BASE/readyz"
# The floor's floor: pgbench's SELECT 1 on the same cluster, at the same concurrency.
echo "SELECT 1;" > "$WORK/select1.sql"
PGBENCH=$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -n 1)
PGBENCH_OUT=$("${PGBENCH:-pgbench}" -n -f "$WORK/select1.sql" -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" "$("$BIN" db url)" 2>&1)
PGBENCH_TPS=$(echo "$PGBENCH_OUT" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1)
PGBENCH_LATENCY=$(echo "$PGBENCH_OUT" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' | head -n 1)
echo "[large] pgbench SELECT 1: $PGBENCH_TPS tps, $PGBENCH_LATENCY ms average" >&2
load healthz "liveness probe" "$BASE/healthz"
load sign_in_page "sign-in page (new session each time)" "$BASE/login"
COOKIE=$ISSUER load account "account page, signed in" "$BASE/account"
COOKIE=$ISSUER load dashboard "issuer dashboard" "$BASE/applications"
COOKIE=$ISSUER load task_list "issuer task list" "$BASE$DRAFT"
# Section save: 64 draft issuers, each connection opening a draft's section and saving it.
save_targets 64
SAVES=$WORK/saves.tsv load section_save "section save (GET the form, POST it; 303 = saved)" "$BASE/"
scaled_loads
# Sign-in: Argon2 for each POST, 64 accounts in turn, a client address per attempt.
ACCOUNTS=$(seq -f 'signin-%g@bench.stablereg.kr' 1 64 | tr '\n' ' ')
SIGN_IN=$ACCOUNTS PASSWORD=$PASSWORD load sign_in "sign-in (GET the form, POST the password; 303 = signed in)" "$BASE/login"
# The queue while a 32-connection sign-in storm runs beside it.
# The storm's 32 connections sign in as fast as they can, one Argon2 hash at a time on 2 cores (by
# design: hashing keeps a core for the pages), beside a queue load that takes the rest: each of its
# sign-ins waits its turn, seconds at worst. Its own figures are reported; what the bench judges is the
# queue beside it, so its requests may take up to 15 s before wrk counts them as failed.
( SIGN_IN=$ACCOUNTS PASSWORD=$PASSWORD TIMEOUT=15s generate 32 $((SECONDS_EACH + 2)) "$BASE/login" > "$WORK/storm.txt" ) &
STORM=$!
sleep 1
COOKIE=$REVIEWER load queue_during_sign_in "review queue during a 32-connection sign-in storm" "$BASE/review"
wait "$STORM"
record large sign_in_storm "the sign-in storm beside the queue" "$(cat "$WORK/storm.txt")"
COOKIE=$ISSUER PATHS="/ /account /applications $DRAFT /institution/members /healthz /readyz /register $CSS /no/such/page /signup" \
  generate "$CLIENTS" "$MIXED_SECONDS" "$BASE/" > "$WORK/mixed.txt"
record large mixed "mixed, signed in, ${MIXED_SECONDS} s" "$(cat "$WORK/mixed.txt")"
RSS_LOADED=$(rss_kib)

# The database restarted under load: the portal must answer 503 (not 500, not hang) while it is
# down and 200 again within 2 s of its return. The signed-in page needs the database on every
# request (its session), unlike the anonymous home page.
OUTAGE=$WORK/outage.txt
( COOKIE=$ISSUER generate 16 12 "$BASE/account" > "$OUTAGE" ) &
LOADER=$!
sleep 3
"$BIN" db stop >/dev/null 2>&1 || true
sleep 3
"$BIN" db start >/dev/null
BACK=$(date +%s.%N)
until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $ISSUER" "$BASE/account")" = 200 ]; do sleep 0.05; done
RECOVERY=$(printf '%.2f' "$(echo "$(date +%s.%N) - $BACK" | bc)")
wait "$LOADER"
PEAK=$(peak_kib)
stop_portal

BIN=$BIN bash tests/bench/upload.sh > "$WORK/upload.md"

RESULTS=$RESULTS CORES=$(nproc) CONNECTIONS=$CLIENTS SECONDS_EACH=$SECONDS_EACH LOADER=$GENERATOR \
  SMALL=$SMALL LARGE=$LARGE SMALL_SEED_SECONDS=$SMALL_SEED_SECONDS LARGE_SEED_SECONDS=$LARGE_SEED_SECONDS \
  PG_VERSION=$(pg_config --version 2>/dev/null | awk '{print $2}') \
  PGBENCH_TPS=${PGBENCH_TPS:-0} PGBENCH_LATENCY=${PGBENCH_LATENCY:-0} \
  RSS_IDLE=$RSS_IDLE RSS_LOADED=$RSS_LOADED PEAK=$PEAK OUTAGE="$(cat "$OUTAGE")" RECOVERY=$RECOVERY \
  UPLOAD="$WORK/upload.md" SIZES="$WORK/sizes.tsv" REPORT=$REPORT JSON=$JSON python3 tests/bench/report.py
cat "$REPORT"
