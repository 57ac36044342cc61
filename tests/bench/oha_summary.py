"""Turns oha's JSON output into the summary line statuses.lua prints for wrk, so that run.sh reads
either load generator's figures the same way. Reads stdin, writes one line."""
import json
import sys

result = json.load(sys.stdin)
summary = result["summary"]
latency = result.get("latencyPercentiles") or {}
statuses = result.get("statusCodeDistribution") or {}
# oha stops the requests in flight when the time is up: those are not the server's errors.
errors = {
    e: n
    for e, n in (result.get("errorDistribution") or {}).items()
    if e != "aborted due to deadline"
}


def ms(seconds):
    return (seconds or 0) * 1000


print(
    "requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d statuses=%s"
    % (
        sum(statuses.values()),
        summary["total"],
        sum(statuses.values()) / summary["total"],
        ms(latency.get("p50")),
        ms(latency.get("p99")),
        ms(summary.get("slowest")),
        sum(errors.values()),
        " ".join("%s=%d" % (code, n) for code, n in sorted(statuses.items())),
    )
)
