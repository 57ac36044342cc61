#!/usr/bin/env bash
# make scan: wapiti against the portal on loopback, as an issuer, a reviewer, an admin and anonymous,
# each bounded in time; fails on any medium or high finding not listed, with its reason, in
# tests/scan/false-positives.txt (see the README's "Security scan"). Writes scan-report/.
#
# No traffic leaves the machine: where the kernel allows it (root, as in CI), the whole run (portal,
# its embedded PostgreSQL and wapiti) is in a network namespace of its own with only a loopback
# interface. Besides, the modules that call out (ssrf, log4shell, wapp, nikto, takeover) are not
# loaded, xxe's endpoint is a closed loopback port, and wapiti's crash reports are switched off.
set -euo pipefail
SELF=$(realpath "$0")
cd "$(dirname "$SELF")/../.."

if [ -z "${SCAN_ISOLATED:-}" ]; then
  if unshare --net true 2>/dev/null; then
    exec unshare --net env SCAN_ISOLATED=1 bash "$SELF" "$@"
  fi
  echo "scan: no network namespace here (needs root); relying on wapiti's options to stay on loopback" >&2
elif [ "$SCAN_ISOLATED" = 1 ]; then
  ip link set lo up
fi

BIN=${SCAN_BIN:-target/debug/stablereg}
PORT=${SCAN_PORT:-8282}
BASE=http://127.0.0.1:$PORT
OUT=scan-report
WAPITI_DIR=.tools/wapiti
# Bounds: crawling per identity, and each attack module per identity. Most modules end sooner.
CRAWL_SECONDS=${SCAN_CRAWL_SECONDS:-40}
ATTACK_SECONDS=${SCAN_ATTACK_SECONDS:-15}
MODULES=cookieflags,csp,http_headers,csrf,crlf,methods,redirect,exec,file,sql,ldap,xss,permanentxss,upload,xxe
# Nothing listens there: xxe's out-of-band checks find nothing rather than calling a public host.
ENDPOINT=http://127.0.0.1:9/

DATA=$(mktemp -d "${TMPDIR:-/tmp}/stablereg-scan.XXXXXX")
chmod 755 "$DATA"
export DATA_DIR=$DATA BIND=127.0.0.1:$PORT RUST_LOG=error DATABASE_URL= BASE_URL=$BASE

cleanup() {
  [ -n "${SERVER:-}" ] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  "$BIN" db stop >/dev/null 2>&1 || true
  [ -n "${SCAN_KEEP:-}" ] && echo "scan: kept $DATA" >&2 || rm -rf "$DATA"
}
trap cleanup EXIT

STARTED=$(date +%s)
"$BIN" demo > "$DATA/demo.txt"
"$BIN" serve > "$DATA/serve.log" 2>&1 & SERVER=$!
for _ in $(seq 1 120); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.5; done
curl -sf "$BASE/readyz" >/dev/null || { echo "scan: the portal did not start" >&2; cat "$DATA/serve.log" >&2; exit 1; }

PASSWORD=$(sed -n 's/.*password for all: \([^)]*\)).*/\1/p' "$DATA/demo.txt")
csrf_of() { sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1; }

# Signs EMAIL in through the real forms (and the TOTP step for regulators: the secret is in the demo
# command's output) and prints the session cookie. A code is accepted once per account and time
# step, so each account signs in once and its cookie serves the whole scan.
sign_in() {
  local email=$1 jar=$DATA/jar-${1%%@*} token secret
  token=$(curl -s -c "$jar" "$BASE/login" | csrf_of)
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=$email" --data-urlencode "password=$PASSWORD" "$BASE/login"
  secret=$(awk -v e="$email" '$2 == e && $3 == "TOTP" {print $5}' "$DATA/demo.txt")
  if [ -n "$secret" ]; then
    token=$(curl -s -b "$jar" -c "$jar" "$BASE/mfa" | csrf_of)
    curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$token" \
      --data-urlencode "code=$(python3 tests/scan/totp.py "$secret")" "$BASE/mfa"
  fi
  awk '$6 == "session" {print "session=" $7}' "$jar"
}
# Whether COOKIE is still a signed-in session (the account page answers 200, not a redirect).
signed_in() { [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $1" "$BASE/account")" = 200 ]; }

declare -A COOKIES
for who in issuer reviewer admin; do
  COOKIES[$who]=$(sign_in "$who@demo.stablereg.kr")
  signed_in "${COOKIES[$who]}" || { echo "scan: could not sign in as the demo $who" >&2; exit 1; }
done

# Never sign the scan's own session out, nor change what signs it in: sign-out, the password and
# address changes, the MFA reset, the admin's actions that could end or demote its own account, a
# change of one's own signatory right (a change of rights starts a new session), and the emailed
# links (the demo mailbox shows them), which sign in whoever the link was sent to in place of the
# session that follows it.
EXCLUDE=(
  "$BASE/logout*" "$BASE/account/password*" "$BASE/account/email*" "$BASE/account/mfa/reset*"
  "$BASE/password/reset/*" "$BASE/email/confirm/*" "$BASE/invitation/*" "$BASE/verify-email/*"
  "$BASE/institution/members/*/deactivate" "$BASE/institution/members/*/signatory"
  "$BASE/admin/users/*/role" "$BASE/admin/users/*/deactivate" "$BASE/admin/users/*/reset-mfa"
)
excludes=()
for url in "${EXCLUDE[@]}"; do excludes+=(-x "$url"); done

rm -rf "$OUT" && mkdir -p "$OUT"
wapiti() { PYTHONPATH=$WAPITI_DIR python3 "$WAPITI_DIR/bin/wapiti" "$@"; }
# One scan: a name, then the start paths; COOKIE (when set) is the signed-in session.
scan() {
  local name=$1 start=() cookie=()
  shift
  for path in "$@"; do start+=(-s "$BASE$path"); done
  # The session goes into wapiti's cookie jar (a file of its own format), not into a Cookie header:
  # the jar's cookies replace such a header, so the first other cookie the portal sets (the
  # language's, on a ?lang= link) would silently make the rest of the scan anonymous.
  if [ -n "${COOKIE:-}" ]; then
    python3 -c 'import json, sys; print(json.dumps({"127.0.0.1": {"/": {"session": {
      "value": sys.argv[1].split("=", 1)[1], "expires": None, "secure": False, "port": None,
      "version": 0}}}}))' "$COOKIE" > "$DATA/cookies-$name.json"
    cookie=(-c "$DATA/cookies-$name.json")
  fi
  local began=$(date +%s)
  echo "scan: $name" >&2
  wapiti -u "$BASE/" --scope folder "${start[@]}" "${cookie[@]}" "${excludes[@]}" \
    -m "$MODULES" --endpoint "$ENDPOINT" --no-bugreport \
    --max-scan-time "$CRAWL_SECONDS" --max-attack-time "$ATTACK_SECONDS" -d 5 --tasks 8 -t 10 \
    --store-session "$DATA/wapiti-$name" --store-config "$DATA/wapiti-config-$name" --flush-session \
    -f json -o "$OUT/$name.json" -v 1 > "$OUT/$name.log" 2>&1 ||
    { echo "scan: wapiti failed for $name" >&2; tail -n 30 "$OUT/$name.log" >&2; exit 1; }
  if [ -n "${SIGNED_IN-yes}" ] && ! signed_in "$COOKIE"; then
    echo "scan: the $name scan lost its session: an exclusion is missing" >&2
    exit 1
  fi
  echo "scan: $name took $(( $(date +%s) - began )) s" >&2
}

# Two scans at a time, the signed-in ones first (the anonymous scan throttles sign-ins from this
# address), and the admin's only after the issuer's (it may suspend the issuer's institution, which
# ends its members' sessions). A scan that fails stops the run.
COOKIE=${COOKIES[issuer]} scan issuer /applications /account /institution/members & ISSUER=$!
COOKIE=${COOKIES[reviewer]} scan reviewer /review /account /register & REVIEWER=$!
failed=0
wait $ISSUER || failed=1
wait $REVIEWER || failed=1
[ $failed = 0 ] || exit 1
# The anonymous scan starts with one anonymous session, as a browser has: a crawler that opens many
# pages at once before its first cookie arrives would otherwise submit each form with the token of
# another session than the one it ends up with, and every form would look unprotected.
ANONYMOUS=$(curl -s -o /dev/null -c - "$BASE/" | awk '$6 == "session" {print "session=" $7}')
COOKIE=${COOKIES[admin]} scan admin /admin /admin/institutions /admin/audit /admin/settings /admin/calendar & ADMIN=$!
COOKIE=$ANONYMOUS SIGNED_IN= scan anonymous / /login /signup /register /password/forgot & ANON=$!
wait $ADMIN || failed=1
wait $ANON || failed=1
[ $failed = 0 ] || exit 1

echo "scan: $(( $(date +%s) - STARTED )) s in all; reports in $OUT/" >&2
python3 tests/scan/findings.py tests/scan/false-positives.txt \
  "$OUT/issuer.json" "$OUT/reviewer.json" "$OUT/admin.json" "$OUT/anonymous.json"
