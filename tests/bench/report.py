"""Writes bench-report.md and bench-report.json from what tests/bench/run.sh measured (passed in
the environment: RESULTS, a file of "scale<TAB>key<TAB>name<TAB>wrk summary line", and the single
figures), with the targets of issue 11 item 3 (and issue 10's queue figures) beside the figures,
each met or missed and by how much. Exits 1 when a load that must be all 2xx/3xx was not, after
writing both files."""

import json
import os
import re
import sys
import time

env = os.environ
LINE = re.compile(
    r"requests=(\d+) seconds=([\d.]+) rps=(\d+) p50_ms=([\d.]+) p99_ms=([\d.]+) max_ms=([\d.]+)"
    r" socket_errors=(\d+) statuses=(.*)$"
)


def parse(line):
    found = LINE.search(line.strip())
    if not found:
        return {"error": line.strip()}
    r, s, rps, p50, p99, mx, errors, statuses = found.groups()
    return {
        "requests": int(r),
        "seconds": float(s),
        "rps": int(rps),
        "p50_ms": float(p50),
        "p99_ms": float(p99),
        "max_ms": float(mx),
        "socket_errors": int(errors),
        "statuses": {k: int(v) for k, v in re.findall(r"(\d{3}|\dxx-\dxx)=(\d+)", statuses)},
    }


loads = {"small": {}, "large": {}}
with open(env["RESULTS"], encoding="utf-8") as results:
    for row in results:
        scale, key, name, line = row.rstrip("\n").split("\t", 3)
        loads[scale][key] = {"name": name, **parse(line)}

large, small = loads["large"], loads["small"]
pgbench = {"clients": int(env["CONNECTIONS"]), "tps": float(env["PGBENCH_TPS"] or 0),
           "latency_avg_ms": float(env["PGBENCH_LATENCY"] or 0)}
memory = {"idle": int(env["RSS_IDLE"]), "loaded": int(env["RSS_LOADED"]), "peak": int(env["PEAK"])}
upload_md = open(env["UPLOAD"], encoding="utf-8").read()
# The whole register's size at each scale: entries, CSV bytes, JSON bytes, gzipped JSON bytes.
sizes = {}
with open(env["SIZES"], encoding="utf-8") as rows:
    for row in rows:
        scale, entries, csv_bytes, json_bytes, json_gzip_bytes = row.split()
        sizes[scale] = {"entries": int(entries or 0), "csv_bytes": int(csv_bytes),
                        "json_bytes": int(json_bytes), "json_gzip_bytes": int(json_gzip_bytes)}


def upload_figure(pattern):
    found = re.search(pattern, upload_md)
    return float(found.group(1)) if found else None


upload = {
    "throughput_ratio": upload_figure(r"upload throughput / sha256sum throughput \| ([\d.]+)"),
    "memory_rise_mib": upload_figure(r"MiB at peak: \+(-?\d+) MiB"),
    "upload_mib_s": upload_figure(r"row \| [\d.]+ s, ([\d.]+) MiB/s"),
    "sha256sum_mib_s": upload_figure(r"sha256sum of the same file \| [\d.]+ s, ([\d.]+) MiB/s"),
}

targets = []


def at_least(what, figure, wanted, shown):
    met = figure is not None and figure >= wanted
    by = "" if met or figure is None else f"{(wanted - figure) / wanted:.0%} short"
    targets.append({"target": what, "figure": figure, "wanted": f">= {wanted:g}", "met": met,
                    "shown": shown, "missed_by": by})


def at_most(what, figure, limit, shown, unit=""):
    met = figure is not None and figure <= limit
    by = "" if met or figure is None else f"{figure / limit:.1f}x the limit (+{figure - limit:.1f}{unit})"
    targets.append({"target": what, "figure": figure, "wanted": f"<= {limit:g}{unit}", "met": met,
                    "shown": shown, "missed_by": by})


def get(table, key, field):
    return table.get(key, {}).get(field)


readyz, queue = get(large, "readyz", "rps"), get(large, "queue", "rps")
if readyz and pgbench["tps"]:
    at_least("/readyz req/s >= 25% of pgbench SELECT 1/s", readyz / pgbench["tps"], 0.25,
             f"{readyz} / {pgbench['tps']:.0f} = {readyz / pgbench['tps']:.0%}")
if readyz and queue:
    at_least("queue req/s >= 50% of /readyz req/s", queue / readyz, 0.5,
             f"{queue} / {readyz} = {queue / readyz:.0%}")
NOT_PAGES = {"mixed", "sign_in_storm", "queue_during_sign_in"}
for key, load in large.items():
    if key in NOT_PAGES or "p99_ms" not in load:
        continue
    at_most(f"p99 <= 25 ms: {load['name']}", load["p99_ms"], 25, f"{load['p99_ms']:.2f} ms", " ms")
for key in ("queue", "queue_filtered", "register", "register_csv", "register_json", "register_csv_gzip",
            "register_json_gzip"):
    if get(large, key, "p99_ms") is not None:
        at_most(f"issue 10: p99 < 50 ms at {env['LARGE']}: {large[key]['name']}", large[key]["p99_ms"], 50,
                f"{large[key]['p99_ms']:.2f} ms", " ms")
for key, load in small.items():
    big, little = get(large, key, "p50_ms"), load.get("p50_ms")
    if big is not None and little:
        at_most(f"p50 at {env['LARGE']} <= 1.3x at {env['SMALL']}: {load['name']}", big / little, 1.3,
                f"{big:.2f} / {little:.2f} ms = {big / little:.2f}x", "x")
idle_p99, storm_p99 = get(large, "queue", "p99_ms"), get(large, "queue_during_sign_in", "p99_ms")
if idle_p99 and storm_p99 is not None:
    at_most("queue p99 during a sign-in storm <= 3x without", storm_p99 / idle_p99, 3,
            f"{storm_p99:.2f} / {idle_p99:.2f} ms = {storm_p99 / idle_p99:.1f}x", "x")
at_most("resident memory under load <= 200 MiB", memory["loaded"] / 1024, 200,
        f"{memory['loaded'] / 1024:.0f} MiB (peak {memory['peak'] / 1024:.0f} MiB)", " MiB")
if upload["throughput_ratio"] is not None:
    at_least("upload >= 50% of sha256sum throughput", upload["throughput_ratio"], 0.5,
             f"{upload['throughput_ratio']:.2f}")
if upload["memory_rise_mib"] is not None:
    at_most("upload memory rise <= 32 MiB", upload["memory_rise_mib"], 32,
            f"+{upload['memory_rise_mib']:.0f} MiB", " MiB")

# Every load but the mixed one (a 404 on purpose) must be all 2xx/3xx, with no socket error.
bad = []
for scale, table in loads.items():
    for key, load in table.items():
        if key == "mixed":
            continue
        wrong = {k: v for k, v in load.get("statuses", {}).items() if not k.startswith(("2", "3"))}
        if "error" in load or wrong or load.get("socket_errors"):
            bad.append(f"{scale} {key}: {load.get('error') or wrong or 'socket errors'}")

outage = {"load": parse(env["OUTAGE"]), "recovery_seconds": float(env["RECOVERY"])}
report = {
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "cores": int(env["CORES"]),
    "connections": int(env["CONNECTIONS"]),
    "seconds_each": int(env["SECONDS_EACH"]),
    "loader": env["LOADER"],
    "applications": {"small": int(env["SMALL"]), "large": int(env["LARGE"])},
    "seed_seconds": {"small": int(env["SMALL_SEED_SECONDS"]), "large": int(env["LARGE_SEED_SECONDS"])},
    "loads": large,
    "small_loads": small,
    "pgbench_select1": pgbench,
    "memory_kib": memory,
    "outage": outage,
    "register_sizes": sizes,
    "upload": upload,
    "targets": targets,
    "failed_loads": bad,
}
with open(env["JSON"], "w", encoding="utf-8") as out:
    json.dump(report, out, indent=2, ensure_ascii=False)
    out.write("\n")


def row(load):
    if "error" in load:
        return f"| {load['name']} | {load['error']} | | | | | | | |"
    statuses = " ".join(f"{k}={v}" for k, v in load["statuses"].items())
    return (f"| {load['name']} | {load['requests']} | {load['seconds']} | {load['rps']} | {load['p50_ms']:.2f} "
            f"| {load['p99_ms']:.2f} | {load['max_ms']:.2f} | {load['socket_errors']} | {statuses} |")


HEADER = ["| load | requests | seconds | requests/s | p50 ms | p99 ms | max ms | socket errors | statuses |",
          "|---|---|---|---|---|---|---|---|---|"]
lines = [
    "# stablereg benchmark",
    "",
    f"{report['date']}, {report['cores']} cores, release build, embedded PostgreSQL {env.get('PG_VERSION', '')},",
    f"{report['connections']} concurrent connections from {report['loader']} on loopback, {report['seconds_each']} s per single-page run.",
    f"Seeded with `stablereg bench-seed`: {env['LARGE']} applications in every state ({env['LARGE_SEED_SECONDS']} s) and,",
    f"for the ratios, {env['SMALL']} on a fresh cluster ({env['SMALL_SEED_SECONDS']} s). The mixed run includes an unknown path on purpose: its 404s are expected.",
    "",
    "## Targets (issue 11 item 3, issue 10)",
    "",
    "| target | figure | wanted | met |",
    "|---|---|---|---|",
]
for t in targets:
    verdict = "met" if t["met"] else f"**missed**: {t['missed_by']}"
    lines.append(f"| {t['target']} | {t['shown']} | {t['wanted']} | {verdict} |")
lines += ["", f"## {env['LARGE']} applications", ""] + HEADER + [row(load) for load in large.values()]
lines.append(f"| pgbench `SELECT 1`, same cluster, -c {pgbench['clients']} -j 2 | | | {pgbench['tps']:.0f} | avg {pgbench['latency_avg_ms']} | | | | |")
lines += ["", f"## {env['SMALL']} applications", ""] + HEADER + [row(load) for load in small.values()]
lines += [
    "",
    f"Memory of the server process: {memory['idle']} KiB resident when idle, {memory['loaded']} KiB after the runs, {memory['peak']} KiB at peak.",
    "",
    f"Database stopped for 3 s under load (16 connections on the signed-in account page): {env['OUTAGE'].strip()}.",
    f"Pages answered again {outage['recovery_seconds']} s after the database was back.",
]
if "small" in sizes and "large" in sizes:
    described = [f"{sizes[k]['entries']} entries, CSV {sizes[k]['csv_bytes'] / 1e3:,.0f} kB, JSON "
                 f"{sizes[k]['json_bytes'] / 1e3:,.0f} kB ({sizes[k]['json_gzip_bytes'] / 1e3:,.0f} kB gzipped)"
                 f" at {env['LARGE'] if k == 'large' else env['SMALL']}" for k in ("small", "large")]
    lines += ["", "The downloads hold the whole register, so they grow with it: " + "; ".join(described) + "."]
save = large.get("section_save", {})
if "statuses" in save:
    # The GETs of the form answer 200; every other answer is a POST's.
    posts = sum(v for k, v in save["statuses"].items() if k != "200")
    saved = save["statuses"].get("303", 0)
    note = (f"Section save: {saved} of {posts} POSTs saved a new version (303, {saved / posts:.1%}), after "
            f"{save['statuses'].get('200', 0)} GETs of the form (200); its latencies mix the two."
            if posts else "Section save: no POST answered.")
    if save["statuses"].get("409"):
        note += (f" {save['statuses']['409']} POSTs answered 409: two connections held the same draft at"
                 " once (each wrk thread goes round its half of the drafts) and the other saved first.")
    lines += ["", note]
if bad:
    lines += ["", "**Loads that answered other than 2xx/3xx:** " + "; ".join(bad)]
with open(env["REPORT"], "w", encoding="utf-8") as out:
    out.write("\n".join(lines) + "\n" + upload_md)
if bad:
    print("bench: loads answered other than 2xx/3xx: " + "; ".join(bad), file=sys.stderr)
    sys.exit(1)
