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


# (key, figure, unit, kind, target). kind "higher": ratio ours / reference, "lower": reference / ours (both at
# least the target to pass); "max": the figure itself, an absolute that must stay below the target.
RATIOS = [
    ("narinfo_p50", "narinfo latency p50, 1 keep-alive connection", "us", "lower", 0.83),
    ("narinfo_rps_c64", "narinfo hits req/s, 64 connections", "req/s", "higher", 0.8),
    ("nar_c1", "NAR download, 1 client", "MiB/s", "higher", 0.9),
    ("nar_c16", "NAR download, 16 clients", "MiB/s", "higher", 0.9),
    ("upload_nix_copy_vs_nginx", "upload: nix copy --to (vs nginx accepting PUTs)", "MiB/s", "higher", 0.8),
    ("upload_cachix_cpu", "upload: server CPU seconds per GiB, Cachix push (ours) vs nix copy --to", "s/GiB",
     "lower", 0.8),
    ("narinfo_p50_cold_scale", "scale: narinfo p50, random hits over all paths", "us", "lower", 0.5),
    ("narinfo_p50_hot_scale", "scale: narinfo p50, hot set of 1,000", "us", "lower", 0.83),
    ("start_ms_scale", "scale: JVM start to first narinfo hit", "ms", "max", 2000),
    ("rss_mib_scale", "scale: server peak RSS (start and run)", "MiB", "max", 300),
]
KINDS = {k: kind for k, _, _, kind, _ in RATIOS}
TARGETS = {k: t for k, _, _, _, t in RATIOS}


def ratio(f):
    kind = KINDS[f["key"]]
    ours, ref = f.get("ours"), f.get("reference")
    if kind == "max":
        return ours
    if not ours or not ref:
        return None
    return round(ours / ref if kind == "higher" else ref / ours, 3)


def assemble(figures_path, out_path, machine, scale_run, merge):
    """Writes out_path. With merge (bench/run --only scale) the new figures replace those of the same keys in
    out_path and the others stay, each section's figures and references still coming from one run."""
    figures = [json.loads(l) for l in open(figures_path) if l.strip()]
    previous = {}
    if merge:
        try:
            previous = json.load(open(out_path))
        except (OSError, ValueError):
            previous = {}
        fresh = {f["key"] for f in figures}
        figures = [f for f in previous.get("figures", []) if f["key"] not in fresh] + figures
        machine = previous.get("machine", machine)
        scale_run = scale_run or previous.get("scale_run", "")
    by_key = {f["key"]: f for f in figures}
    ratios = {k: ratio(by_key[k]) if k in by_key else None for k, _, _, _, _ in RATIOS}
    result = {"machine": machine, "scale_run": scale_run, "figures": figures, "ratios": ratios,
              "targets": TARGETS,
              "target_meaning": {k: "below" if kind == "max" else "at least" for k, kind in KINDS.items()}}
    json.dump(result, open(out_path, "w"), indent=2)
    print()
    print("| figure | cache-server | reference | unit | ratio | target |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    fmt = lambda v: "-" if v is None else (f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}")
    for f in figures:
        key = f["key"]
        r = ratios.get(key) if KINDS.get(key) != "max" else None
        target = TARGETS.get(key)
        target_text = "-" if target is None else ("< " if KINDS[key] == "max" else ">= ") + str(target)
        print(f"| {f['name']} | {fmt(f.get('ours'))} | {fmt(f.get('reference'))} ({f.get('reference_name', '')}) "
              f"| {f['unit']} | {'-' if r is None else r} | {target_text} |")


def medians(metric, paths):
    """The median of one wrk metric over several runs, then each run's value (all on one line)."""
    values = [parse_wrk(p).get(metric) for p in paths]
    known = sorted(v for v in values if v is not None)
    median = None
    if known:
        mid = len(known) // 2
        median = known[mid] if len(known) % 2 else (known[mid - 1] + known[mid]) / 2
    show = lambda v: "" if v is None else f"{v:g}"
    return " ".join([show(median)] + [show(v) if v is not None else "-" for v in values])


def errors(paths):
    total = 0
    for path in paths:
        out = parse_wrk(path)
        total += out.get("non_2xx", 0) + out["socket_errors"]
    return total


if __name__ == "__main__":
    if sys.argv[1] == "wrk":
        print(json.dumps(parse_wrk(sys.argv[2])))
    elif sys.argv[1] == "assemble":
        assemble(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], "--merge" in sys.argv[6:])
    elif sys.argv[1] == "medians":
        print(medians(sys.argv[2], sys.argv[3:]))
    elif sys.argv[1] == "errors":
        print(errors(sys.argv[2:]))
