"""Turns a locust run (PREFIX_stats.csv, PREFIX_stats_history.csv) into the JSON summary gate
G5 reads and prints it as a table. Usage: python3 summary.py PREFIX OUT.json
Exit 0; a run with no window is an error (exit 2), so a broken run never passes as empty."""
import csv
import json
import sys


def number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return int(value) if value == int(value) else round(value, 6)


def main(prefix, out):
    windows = []
    with open(prefix + "_stats_history.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("Name") != "Aggregated":
                continue
            windows.append({
                "at": int(row["Timestamp"]),
                "requests_per_second": number(row["Requests/s"]) or 0,
                "failures_per_second": number(row["Failures/s"]) or 0,
                "p95_ms": number(row["95%"]),
            })
    if not windows:
        print(f"{prefix}_stats_history.csv has no Aggregated window: the run recorded nothing", file=sys.stderr)
        return 2
    by_name = []
    totals = {}
    with open(prefix + "_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            entry = {
                "name": row["Name"], "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "median_ms": number(row["Median Response Time"]), "p95_ms": number(row["95%"]),
                "max_ms": number(row["Max Response Time"]), "requests_per_second": number(row["Requests/s"]),
            }
            if row["Name"] == "Aggregated":
                totals = entry
            else:
                by_name.append(entry)
    requests = totals.get("requests", 0)
    totals["error_ratio"] = round(totals.get("failures", 0) / requests, 6) if requests else None
    summary = {"format": "safemut-loadtest-summary", "version": 1, "windows": windows, "totals": totals, "by_name": by_name}
    with open(out, "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{'journey':40} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for entry in by_name + [totals]:
        print(f"{entry['name']:40} {entry['requests']:>9} {entry['failures']:>9} {str(entry['median_ms']):>8} "
              f"{str(entry['p95_ms']):>8} {str(entry['max_ms']):>8}")
    print(f"error ratio {totals['error_ratio']}, {len(windows)} windows -> {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
