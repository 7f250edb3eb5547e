#!/usr/bin/env python3
"""Helpers for bench/run: parse wrk output, and assemble results.json and the table."""
import json
import re
import sys

UNITS = {"us": 1, "ms": 1000, "s": 1_000_000}
SIZES = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}


def latency_us(text):
    m = re.match(r"([\d.]+)(us|ms|s)$", text)
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_wrk(path):
    out = {}
    errors = 0
    for line in open(path):
        line = line.strip()
        m = re.match(r"(50|99)(?:\.000)?%\s+([\d.]+(?:us|ms|s))$", line)
        if m:
            out["p" + m.group(1) + "_us"] = latency_us(m.group(2))
        m = re.match(r"Requests/sec:\s+([\d.]+)", line)
        if m:
            out["rps"] = float(m.group(1))
        m = re.match(r"Transfer/sec:\s+([\d.]+)(B|KB|MB|GB)", line)
        if m:
            out["mib_s"] = float(m.group(1)) * SIZES[m.group(2)] / 1024 ** 2
        m = re.match(r"Non-2xx or 3xx responses:\s+(\d+)", line)
        if m:
            out["non_2xx"] = int(m.group(1))
        m = re.match(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", line)
        if m:
            errors += sum(int(g) for g in m.groups())
    out["socket_errors"] = errors
    return out


# (key, figure, unit, higher_is_better, target)
RATIOS = [
    ("narinfo_p50", "narinfo latency p50, 1 keep-alive connection", "us", False, 0.83),
    ("narinfo_rps_c64", "narinfo hits req/s, 64 connections", "req/s", True, 0.8),
    ("nar_c1", "NAR download, 1 client", "MiB/s", True, 0.9),
    ("nar_c16", "NAR download, 16 clients", "MiB/s", True, 0.9),
    ("upload_nix_copy", "upload: nix copy --to (vs file://)", "MiB/s", True, 0.8),
    ("upload_cachix", "upload: Cachix multipart (vs nix copy --to file://)", "MiB/s", True, 0.8),
]


def assemble(figures_path, out_path, machine):
    figures = [json.loads(l) for l in open(figures_path) if l.strip()]
    by_key = {f["key"]: f for f in figures}
    ratios = {}
    for key, _, _, higher, _ in RATIOS:
        f = by_key.get(key)
        if not f or not f.get("ours") or not f.get("reference"):
            ratios[key] = None
            continue
        ratios[key] = round(f["ours"] / f["reference"] if higher else f["reference"] / f["ours"], 3)
    result = {"machine": machine, "figures": figures, "ratios": ratios,
              "targets": {k: t for k, _, _, _, t in RATIOS}}
    json.dump(result, open(out_path, "w"), indent=2)
    print()
    print("| figure | cache-server | reference | unit | ratio | target |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    for f in figures:
        target = next((t for k, _, _, _, t in RATIOS if k == f["key"]), None)
        ratio = ratios.get(f["key"])
        fmt = lambda v: "-" if v is None else (f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}")
        print(f"| {f['name']} | {fmt(f.get('ours'))} | {fmt(f.get('reference'))} ({f.get('reference_name', '')}) "
              f"| {f['unit']} | {'-' if ratio is None else ratio} | {'-' if target is None else '>= ' + str(target)} |")


if __name__ == "__main__":
    if sys.argv[1] == "wrk":
        print(json.dumps(parse_wrk(sys.argv[2])))
    elif sys.argv[1] == "assemble":
        assemble(sys.argv[2], sys.argv[3], sys.argv[4])
