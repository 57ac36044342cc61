#!/usr/bin/env bash
# A large PDF (200 MiB by default) uploaded to a release build with the upload limits raised: the
# upload's throughput beside `sha256sum` of the same file in the same run, and how far the server's
# resident memory rises while it streams, hashes, parses and stores the file. Prints a section of
# the benchmark report (markdown). Runs its own server and database, on loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=${BIN:-target/release/stablereg}
PORT=${BENCH_UPLOAD_PORT:-8182}
BASE=http://127.0.0.1:$PORT
MIB=${BENCH_UPLOAD_MIB:-200}
DATA=$(mktemp -d /tmp/stablereg-upload-bench.XXXXXX)
chmod 755 "$DATA"
LIMIT=$(( (MIB + 16) * 1024 * 1024 ))
export DATA_DIR=$DATA BIND=127.0.0.1:$PORT BASE_URL=$BASE RUST_LOG=error DATABASE_URL= \
  UPLOAD_MAX_FILE_BYTES=$LIMIT UPLOAD_MAX_APPLICATION_BYTES=$LIMIT

cleanup() {
  [ -n "${SAMPLER:-}" ] && kill "$SAMPLER" 2>/dev/null || true
  [ -n "${SERVER:-}" ] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  "$BIN" db stop >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap cleanup EXIT

"$BIN" demo >/dev/null
"$BIN" serve & SERVER=$!
for _ in $(seq 1 120); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.5; done

# A valid one-page PDF whose page content stream holds the bulk, with a correct xref table.
PDF=$DATA/large.pdf
python3 - "$PDF" "$MIB" <<'PY'
import os, sys
path, mib = sys.argv[1], int(sys.argv[2])
size = mib * 1024 * 1024
with open(path, "wb") as out:
    offsets = []
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    def obj(body):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % len(offsets) + body + b"\nendobj\n")
    obj(b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    obj(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>")
    length = size - 4096
    offsets.append(out.tell())
    out.write(b"4 0 obj\n<< /Length %d >>\nstream\n" % length)
    chunk = os.urandom(1024 * 1024)
    left = length
    while left > 0:
        n = min(left, len(chunk))
        out.write(chunk[:n])
        left -= n
    out.write(b"\nendstream\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    for o in offsets:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
PY
BYTES=$(stat -c %s "$PDF")

# A draft application of the demo issuer's institution (or the open one it has).
DBURL=$("$BIN" db url)
ISSUER=issuer@demo.stablereg.kr
APP=$(psql "$DBURL" -tAq -c "INSERT INTO applications (id, institution_id, created_by)
  SELECT gen_random_uuid(), institution_id, id FROM users WHERE email = '$ISSUER'
  ON CONFLICT DO NOTHING RETURNING id" | head -n 1)
if [ -z "$APP" ]; then
  APP=$(psql "$DBURL" -tAq -c "SELECT a.id FROM applications a JOIN users u
    ON u.institution_id = a.institution_id WHERE u.email = '$ISSUER' AND a.state = 'draft' LIMIT 1")
fi

JAR=$DATA/jar
TOKEN=$(curl -s -c "$JAR" "$BASE/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s -b "$JAR" -c "$JAR" -o /dev/null -d "csrf_token=$TOKEN&email=issuer%40demo.stablereg.kr&password=Hangang-Lantern-Ferry-42" "$BASE/login"
PAGE=/applications/$APP/documents/business_plan
TOKEN=$(curl -s -b "$JAR" "$BASE$PAGE" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)

# The same file hashed by sha256sum, from the page cache as the upload reads it.
cat "$PDF" > /dev/null
START=$(date +%s.%N)
sha256sum "$PDF" > "$DATA/sum"
SUM_SECONDS=$(echo "$(date +%s.%N) - $START" | bc)

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }
RSS_BEFORE=$(rss_kib)
( peak=0; while kill -0 "$SERVER" 2>/dev/null; do
    now=$(rss_kib); [ "$now" -gt "$peak" ] && peak=$now && echo "$peak" > "$DATA/peak"
    sleep 0.02; done ) & SAMPLER=$!
OUT=$(curl -s -b "$JAR" -o /dev/null -w '%{http_code} %{time_total}' \
  -F "csrf_token=$TOKEN" -F "subject=" -F "file=@$PDF;type=application/pdf" "$BASE$PAGE")
sleep 0.2
kill "$SAMPLER" 2>/dev/null || true
STATUS=${OUT% *}
UPLOAD_SECONDS=${OUT#* }
PEAK=$(cat "$DATA/peak" 2>/dev/null || echo "$RSS_BEFORE")
STORED=$(psql "$DBURL" -tAq -c "SELECT sha256 FROM documents WHERE application_id = '$APP' ORDER BY uploaded_at DESC LIMIT 1")

mibs() { echo "scale=1; $BYTES / 1048576 / $1" | bc; }
echo
echo "## Upload of a $MIB MiB PDF"
echo
echo "Limits raised to $((LIMIT / 1048576)) MiB for this run; curl multipart to the document page, loopback."
echo
echo "| measure | value |"
echo "|---|---|"
echo "| answer | $STATUS (303 is stored) |"
echo "| stored SHA-256 matches sha256sum | $([ "$STORED" = "$(cut -d' ' -f1 "$DATA/sum")" ] && echo yes || echo NO) |"
echo "| upload: stream, hash, PDF parse, store (synced), row | $(printf '%.2f' "$UPLOAD_SECONDS") s, $(mibs "$UPLOAD_SECONDS") MiB/s |"
echo "| sha256sum of the same file | $(printf '%.2f' "$SUM_SECONDS") s, $(mibs "$SUM_SECONDS") MiB/s |"
echo "| upload throughput / sha256sum throughput | $(echo "scale=2; $SUM_SECONDS / $UPLOAD_SECONDS" | bc) (at least 0.5 wanted) |"
echo "| server resident memory | $((RSS_BEFORE / 1024)) MiB before, $((PEAK / 1024)) MiB at peak: +$(((PEAK - RSS_BEFORE) / 1024)) MiB (under 32 MiB wanted) |"
