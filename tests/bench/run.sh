#!/usr/bin/env bash
# make bench: speed and memory of a release build, measured from a separate process (wrk) on
# loopback, and the reliability figures of SECURITY.md. Writes bench-report.md. Every load is
# bounded in time and goes only to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=target/release/stablereg
PORT=${BENCH_PORT:-8181}
BASE=http://127.0.0.1:$PORT
SECONDS_EACH=${BENCH_SECONDS:-15}
MIXED_SECONDS=${BENCH_MIXED_SECONDS:-60}
CLIENTS=64
REPORT=bench-report.md
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

rss() { awk '/VmRSS/ {print $2 " KiB"}' "/proc/$SERVER/status"; }
peak() { awk '/VmHWM/ {print $2 " KiB"}' "/proc/$SERVER/status"; }
load() { # name, seconds, url, [extra env]
  local name=$1 secs=$2 url=$3
  local out
  out=$(wrk -t2 -c"$CLIENTS" -d"${secs}s" --timeout 5s -s "$LUA" "$url" | tail -n 1)
  echo "| $name | $out |" | sed 's/requests=//; s/ seconds=/ | /; s/ rps=/ | /; s/ p50_ms=/ | /; s/ p99_ms=/ | /; s/ max_ms=/ | /; s/ socket_errors=/ | /; s/ statuses=/ | /' >> "$REPORT.tmp"
  echo "$name: $out" >&2
}

# A signed-in issuer's cookie, taken through the real sign-in form.
JAR=$DATA/jar
TOKEN=$(curl -s -c "$JAR" "$BASE/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s -b "$JAR" -c "$JAR" -o /dev/null -d "csrf_token=$TOKEN&email=issuer%40demo.stablereg.kr&password=Hangang-Lantern-Ferry-42" "$BASE/login"
COOKIE=$(awk '$6 == "session" {print "session=" $7}' "$JAR")
CSS=$(curl -s "$BASE/" | sed -n 's/.*href="\(\/static\/[^"]*\/css\/app.css\)".*/\1/p' | head -n 1)

rm -f "$REPORT.tmp"
RSS_IDLE=$(rss)
load "home page, anonymous" "$SECONDS_EACH" "$BASE/"
load "sign-in page (new session each time)" "$SECONDS_EACH" "$BASE/login"
COOKIE=$COOKIE load "account page, signed in" "$SECONDS_EACH" "$BASE/account"
load "static stylesheet" "$SECONDS_EACH" "$BASE$CSS"
load "readiness probe" "$SECONDS_EACH" "$BASE/readyz"
COOKIE=$COOKIE PATHS="/ /account /institution/members /healthz /readyz $CSS /no/such/page /signup" \
  load "mixed, signed in, ${MIXED_SECONDS} s" "$MIXED_SECONDS" "$BASE/"
RSS_LOADED=$(rss)

# The database restarted under load: the portal must answer 503 (not 500, not hang) while it is
# down and 200 again within 2 s of its return. The signed-in page needs the database on every
# request (its session), unlike the anonymous home page.
OUTAGE=$DATA/outage.txt
( COOKIE=$COOKIE wrk -t2 -c16 -d12s --timeout 5s -s "$LUA" "$BASE/account" | tail -n 1 > "$OUTAGE" ) &
LOADER=$!
sleep 3
"$BIN" db stop >/dev/null 2>&1 || true
sleep 3
"$BIN" db start >/dev/null
BACK=$(date +%s.%N)
until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/account")" = 200 ]; do sleep 0.05; done
RECOVERY=$(printf '%.2f' "$(echo "$(date +%s.%N) - $BACK" | bc)")
wait "$LOADER"

{
  echo "# stablereg benchmark"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, release build, embedded PostgreSQL $(pg_config --version 2>/dev/null | awk '{print $2}'),"
  echo "$CLIENTS concurrent connections from wrk on loopback (2 threads), ${SECONDS_EACH} s per single-page run."
  echo "The mixed run includes an unknown path on purpose: its 404s are expected."
  echo
  echo "| load | requests | seconds | requests/s | p50 ms | p99 ms | max ms | socket errors | statuses |"
  echo "|---|---|---|---|---|---|---|---|---|"
  cat "$REPORT.tmp"
  echo
  echo "Memory of the server process: $RSS_IDLE resident when idle, $RSS_LOADED after the runs, $(peak) at peak."
  echo
  echo "Database stopped for 3 s under load (16 connections on the signed-in account page): $(cat "$OUTAGE")."
  echo "Pages answered again $RECOVERY s after the database was back."
} > "$REPORT"
BIN=$BIN bash tests/bench/upload.sh >> "$REPORT"
rm -f "$REPORT.tmp"
cat "$REPORT"
