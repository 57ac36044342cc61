#!/usr/bin/env bash
# make bench: speed and memory of a release build, measured from a separate process (wrk) on
# loopback, and the reliability figures of SECURITY.md. Writes bench-report.md and
# bench-report.json (its keys are documented in the README). Every load is bounded in time and goes
# only to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=target/release/stablereg
PORT=${BENCH_PORT:-8181}
BASE=http://127.0.0.1:$PORT
SECONDS_EACH=${BENCH_SECONDS:-15}
MIXED_SECONDS=${BENCH_MIXED_SECONDS:-60}
CLIENTS=${BENCH_CONNECTIONS:-32}
REPORT=bench-report.md
JSON=bench-report.json
LUA=tests/bench/statuses.lua
DATA=$(mktemp -d /tmp/stablereg-bench.XXXXXX)
chmod 755 "$DATA"
export DATA_DIR=$DATA BIND=127.0.0.1:$PORT RUST_LOG=error DATABASE_URL=

cleanup() {
  [ -n "${SERVER:-}" ] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  "$BIN" db stop >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap cleanup EXIT

"$BIN" demo >/dev/null
"$BIN" serve & SERVER=$!
for _ in $(seq 1 120); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.5; done

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
# line (statuses.lua). COOKIE adds a cookie, PATHS (space-separated) spreads the requests over paths.
generate() {
  local conns=$1 secs=$2 url=$3
  shift 3
  if [ "$GENERATOR" = wrk ]; then
    wrk -t2 -c"$conns" -d"${secs}s" --timeout 5s -s "$LUA" "$@" "$url" | tail -n 1
    return
  fi
  local many=()
  if [ -n "${PATHS:-}" ]; then
    printf "$BASE%s\n" $PATHS > "$DATA/urls"
    url=$DATA/urls many=(--urls-from-file)
  fi
  if [ -n "${COOKIE:-}" ]; then set -- "$@" -H "Cookie: $COOKIE"; fi
  oha --no-tui --output-format json --disable-compression -c "$conns" -z "${secs}s" -t 5s \
    "${many[@]}" "$@" "$url" | python3 tests/bench/oha_summary.py
}

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }
peak_kib() { awk '/VmHWM/ {print $2}' "/proc/$SERVER/status"; }
# One wrk summary line (statuses.lua's "requests=… statuses=200=n 404=m") as a JSON object.
as_json() {
  sed -E 's/^requests=([^ ]*) seconds=([^ ]*) rps=([^ ]*) p50_ms=([^ ]*) p99_ms=([^ ]*) max_ms=([^ ]*) socket_errors=([^ ]*) statuses=(.*)$/{"requests": \1, "seconds": \2, "rps": \3, "p50_ms": \4, "p99_ms": \5, "max_ms": \6, "socket_errors": \7, "statuses": {\8}}/; s/([0-9]{3})=([0-9]+)/"\1": \2,/g; s/, *\}\}$/}}/; s/\{\}\}$/{}}/'
}
load() { # json key, name, seconds, url, [extra wrk arguments]
  local key=$1 name=$2 secs=$3 url=$4
  shift 4
  local out
  out=$(generate "$CLIENTS" "$secs" "$url" "$@")
  echo "| $name | $out |" | sed 's/requests=//; s/ seconds=/ | /; s/ rps=/ | /; s/ p50_ms=/ | /; s/ p99_ms=/ | /; s/ max_ms=/ | /; s/ socket_errors=/ | /; s/ statuses=/ | /' >> "$REPORT.tmp"
  printf '    "%s": %s,\n' "$key" "$(echo "$out" | as_json | sed "s/^{/{\"name\": \"$name\", /")" >> "$JSON.tmp"
  echo "$name: $out" >&2
}

# A signed-in issuer's cookie, taken through the real sign-in form.
JAR=$DATA/jar
TOKEN=$(curl -s -c "$JAR" "$BASE/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s -b "$JAR" -c "$JAR" -o /dev/null -d "csrf_token=$TOKEN&email=issuer%40demo.stablereg.kr&password=Hangang-Lantern-Ferry-42" "$BASE/login"
COOKIE=$(awk '$6 == "session" {print "session=" $7}' "$JAR")
CSS=$(curl -s "$BASE/" | sed -n 's/.*href="\(\/static\/[^"]*\/css\/app.css\)".*/\1/p' | head -n 1)

rm -f "$REPORT.tmp" "$JSON.tmp"
RSS_IDLE=$(rss_kib)
load home "home page, anonymous" "$SECONDS_EACH" "$BASE/"
load static_asset "static stylesheet" "$SECONDS_EACH" "$BASE$CSS"
load static_asset_gzip "static stylesheet, gzip" "$SECONDS_EACH" "$BASE$CSS" -H "Accept-Encoding: gzip"
load readyz "readiness probe (one SELECT 1 through the pool)" "$SECONDS_EACH" "$BASE/readyz"
load healthz "liveness probe" "$SECONDS_EACH" "$BASE/healthz"
load sign_in_page "sign-in page (new session each time)" "$SECONDS_EACH" "$BASE/login"
COOKIE=$COOKIE load account "account page, signed in" "$SECONDS_EACH" "$BASE/account"
COOKIE=$COOKIE PATHS="/ /account /institution/members /healthz /readyz $CSS /no/such/page /signup" \
  load mixed "mixed, signed in, ${MIXED_SECONDS} s" "$MIXED_SECONDS" "$BASE/"
RSS_LOADED=$(rss_kib)

# The database restarted under load: the portal must answer 503 (not 500, not hang) while it is
# down and 200 again within 2 s of its return. The signed-in page needs the database on every
# request (its session), unlike the anonymous home page.
OUTAGE=$DATA/outage.txt
( COOKIE=$COOKIE generate 16 12 "$BASE/account" > "$OUTAGE" ) &
LOADER=$!
sleep 3
"$BIN" db stop >/dev/null 2>&1 || true
sleep 3
"$BIN" db start >/dev/null
BACK=$(date +%s.%N)
until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/account")" = 200 ]; do sleep 0.05; done
RECOVERY=$(printf '%.2f' "$(echo "$(date +%s.%N) - $BACK" | bc)")
wait "$LOADER"
PEAK=$(peak_kib)

{
  echo "# stablereg benchmark"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, release build, embedded PostgreSQL $(pg_config --version 2>/dev/null | awk '{print $2}'),"
  echo "$CLIENTS concurrent connections from $GENERATOR on loopback, ${SECONDS_EACH} s per single-page run."
  echo "The mixed run includes an unknown path on purpose: its 404s are expected."
  echo
  echo "| load | requests | seconds | requests/s | p50 ms | p99 ms | max ms | socket errors | statuses |"
  echo "|---|---|---|---|---|---|---|---|---|"
  cat "$REPORT.tmp"
  echo
  echo "Memory of the server process: $RSS_IDLE KiB resident when idle, $RSS_LOADED KiB after the runs, $PEAK KiB at peak."
  echo
  echo "Database stopped for 3 s under load (16 connections on the signed-in account page): $(cat "$OUTAGE")."
  echo "Pages answered again $RECOVERY s after the database was back."
} > "$REPORT"
{
  echo "{"
  echo "  \"date\": \"$(date -u '+%Y-%m-%dT%H:%M:%SZ')\","
  echo "  \"cores\": $(nproc),"
  echo "  \"connections\": $CLIENTS,"
  echo "  \"seconds_each\": $SECONDS_EACH,"
  echo "  \"loader\": \"$GENERATOR\","
  echo "  \"loads\": {"
  sed '$ s/,$//' "$JSON.tmp"
  echo "  },"
  echo "  \"memory_kib\": {\"idle\": $RSS_IDLE, \"loaded\": $RSS_LOADED, \"peak\": $PEAK},"
  echo "  \"outage\": {\"load\": $(as_json < "$OUTAGE"), \"recovery_seconds\": $RECOVERY}"
  echo "}"
} > "$JSON"
BIN=$BIN bash tests/bench/upload.sh >> "$REPORT"
rm -f "$REPORT.tmp" "$JSON.tmp"
cat "$REPORT"
