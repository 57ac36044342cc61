"""Reads wapiti's JSON reports and fails on any medium, high or critical finding that is not a known
false positive. Anomalies (a 500 answer or a timeout under attack) count as findings too: the
portal must answer bad input with a 4xx page.

usage: findings.py FALSE_POSITIVES_FILE REPORT.json [REPORT.json ...]

The false-positives file has one entry a line, `category | path | reason`: the category as wapiti
names it in the report, the path (a glob, `*` for any characters, matched against the finding's
path without its query string) and why it is not a real finding. An entry without a reason is an
error. Lines starting with # are comments.
"""

import fnmatch
import json
import sys
from urllib.parse import urlsplit

LEVELS = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}
FAILING = 2  # medium and above
# A scan that reached fewer pages than this saw too little to vouch for anything (the portal down, a
# session lost before the crawl): it fails rather than passing on nothing.
MIN_PAGES = 10


def false_positives(path):
    entries = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [part.strip() for part in line.split("|", 2)]
            if len(parts) != 3 or not all(parts):
                sys.exit(f"{path}:{number}: expected `category | path | reason`, got: {line}")
            entries.append({"category": parts[0], "path": parts[1], "reason": parts[2], "used": 0})
    return entries


def crawled(report_path):
    with open(report_path, encoding="utf-8") as f:
        return int((json.load(f).get("infos") or {}).get("crawled_pages_nbr") or 0)


def findings(report_path):
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    for kind in ("vulnerabilities", "anomalies"):
        for category, items in (report.get(kind) or {}).items():
            for item in items:
                yield {
                    "report": report_path,
                    "category": category,
                    "level": int(item.get("level", 0)),
                    "method": item.get("method", ""),
                    "path": urlsplit(item.get("path", "")).path or item.get("path", ""),
                    "parameter": item.get("parameter", ""),
                    "info": item.get("info", ""),
                    "module": item.get("module", ""),
                }


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    known = false_positives(argv[1])
    real, excused, minor = [], [], 0
    too_little = []
    for report_path in argv[2:]:
        pages = crawled(report_path)
        print(f"{report_path}: {pages} pages crawled")
        if pages < MIN_PAGES:
            too_little.append(report_path)
        for finding in findings(report_path):
            if finding["level"] < FAILING:
                minor += 1
                continue
            entry = next(
                (
                    e
                    for e in known
                    if e["category"] == finding["category"]
                    and fnmatch.fnmatchcase(finding["path"], e["path"])
                ),
                None,
            )
            if entry:
                entry["used"] += 1
                excused.append((finding, entry))
            else:
                real.append(finding)

    for finding, entry in excused:
        print(
            f"false positive: {finding['category']} ({LEVELS.get(finding['level'])}) "
            f"{finding['method']} {finding['path']}: {entry['reason']}"
        )
    for entry in known:
        if not entry["used"]:
            print(f"note: false-positive entry not seen in this scan: {entry['category']} | {entry['path']}")
    print(f"{minor} low or informational findings (not failing), {len(excused)} known false positives")
    for finding in real:
        print(
            f"FINDING {LEVELS.get(finding['level'], finding['level'])}: {finding['category']} "
            f"{finding['method']} {finding['path']} parameter={finding['parameter']!r} "
            f"[{finding['module']}] {finding['info']} ({finding['report']})"
        )
    if real:
        print(f"{len(real)} medium or high findings: the scan fails")
        return 1
    if too_little:
        print(f"fewer than {MIN_PAGES} pages crawled in {', '.join(too_little)}: the scan fails")
        return 1
    print("no medium or high findings")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
