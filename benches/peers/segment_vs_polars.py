#!/usr/bin/env python3
"""Segmentation side by side: route-map's capitation crate against polars.

One data set, generated once by the crate's seeded generator (`segment_peer generate`): people
with age, sex, eight need flags, member-days and spend in whole pence on three services. Both
tools apply the same rules, the built-in Devon scheme (3 age bands x 8 needs, first match
wins), and sum people, member-days and spend per segment. The script checks that both give the
same totals to the penny, then prints for each tool:

- in memory: the data already loaded (polars DataFrame, route-map PeopleColumns), best of
  several runs of segment-and-aggregate;
- from CSV, end to end: read the file and aggregate (polars read_csv + group_by; route-map
  `person_csv::aggregate_file`), one run each in a fresh process; polars' lazy scan_csv with
  the streaming engine is shown too, for completeness;

with rows per second (wall clock, best of 15 runs in memory), CPU seconds (user and
system, all threads; a figure less sensitive to other processes on a shared machine) and each
process's peak resident memory (VmHWM / ru_maxrss).

Polars runs the rules through its lazy API (`frame.lazy()...collect()`): on this machine that
was about three times faster than the eager `group_by` on the same frame, so polars is shown
at its best.

Usage (from the workspace root; installs nothing itself: `pip install polars`):

    python3 benches/peers/segment_vs_polars.py [--rows 10000000] [--data /tmp/segment-peer.csv]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

FLAGS = ["dementia", "semi", "learning_disability", "physical_disability",
         "cancer", "vulnerable", "chronic", "organ_failure"]
SERVICES = ["primary", "acute", "community"]
BANDS = ["children", "adults", "elderly"]
NEEDS = ["dementia", "semi", "learning_disability", "physical_disability", "cancer",
         "vulnerable_children", "chronic", "mostly_healthy"]


def polars_rules(pl, frame):
    """The Devon scheme as polars expressions: age band, then the first need that matches."""
    age = pl.col("age")
    has = lambda c: pl.col(f"has:{c}") == 1
    band = pl.when(age < 16).then(0).when(age < 70).then(1).otherwise(2).alias("band")
    need = (pl.when(has("dementia")).then(0)
            .when(has("semi")).then(1)
            .when(has("learning_disability")).then(2)
            .when(has("physical_disability")).then(3)
            .when(has("cancer")).then(4)
            .when(has("vulnerable") & (age < 16)).then(5)
            .when(has("chronic") | has("organ_failure")).then(6)
            .otherwise(7).alias("need"))
    spend = [pl.col(f"pence:{s}").sum() for s in SERVICES]
    return frame.group_by(band, need).agg(
        pl.len().alias("people"), pl.col("member_days").sum(), *spend)


def schema(pl):
    overrides = {"age": pl.UInt8, "member_days": pl.Int32}
    overrides.update({f"has:{c}": pl.Int8 for c in FLAGS})
    overrides.update({f"pence:{s}": pl.Int64 for s in SERVICES})
    return overrides


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def as_segments(pl, result):
    out = {}
    for row in result.iter_rows(named=True):
        key = f"{BANDS[row['band']]}/{NEEDS[row['need']]}"
        spend = sum(row[f"pence:{s}"] for s in SERVICES)
        out[key] = [row["people"], row["member_days"], spend]
    return out


def polars_child(mode, path):
    """Run inside a fresh process: one measurement, one JSON line."""
    import polars as pl
    cpu0 = time.process_time()
    runs = 1
    if mode == "csv":
        start = time.perf_counter()
        frame = pl.read_csv(path, schema_overrides=schema(pl))
        result = polars_rules(pl, frame.lazy()).collect()
        seconds = time.perf_counter() - start
        rows = frame.height
    elif mode == "scan":
        # Not the stated peer (read_csv + group_by), shown for completeness: polars' lazy
        # scan with its streaming engine.
        start = time.perf_counter()
        lazy = pl.scan_csv(path, schema_overrides=schema(pl))
        result = polars_rules(pl, lazy).collect(engine="streaming")
        seconds = time.perf_counter() - start
        rows = int(result["people"].sum())
    else:
        frame = pl.read_csv(path, schema_overrides=schema(pl))
        rows = frame.height
        seconds = float("inf")
        runs = 15
        cpu0 = time.process_time()
        for _ in range(runs):
            start = time.perf_counter()
            result = polars_rules(pl, frame.lazy()).collect()
            seconds = min(seconds, time.perf_counter() - start)
    cpu = (time.process_time() - cpu0) / runs
    print(json.dumps({
        "tool": "polars " + pl.__version__, "mode": mode, "rows": rows, "seconds": seconds,
        "rows_per_second": rows / seconds, "cpu_seconds": cpu, "peak_rss_mib": peak_rss_mib(),
        "threads": pl.thread_pool_size(), "segments": as_segments(pl, result)}))


def row(mode, r):
    per_cpu = r["rows"] / r["cpu_seconds"] / 1e6 if r["cpu_seconds"] > 0 else float("nan")
    return (f"| {mode} | {r['tool']} | {r['rows']:,} | {r['seconds']:.3f} | "
            f"{r['rows_per_second'] / 1e6:.1f} M | {r['cpu_seconds']:.2f} | {per_cpu:.1f} M | "
            f"{r['peak_rss_mib']:.0f} |")


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--data", default="/tmp/segment-peer-10m.csv")
    parser.add_argument("--child", choices=["csv", "memory", "scan"])
    args = parser.parse_args()
    if args.child:
        polars_child(args.child, args.data)
        return

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "segment_peer"],
                   cwd=root, check=True)
    peer = os.path.join(root, "target", "release", "examples", "segment_peer")
    if not os.path.exists(args.data):
        print(f"generating {args.rows:,} people into {args.data}", flush=True)
        subprocess.run([peer, "generate", args.data, str(args.rows)], check=True)
    size = os.path.getsize(args.data)
    print(f"data: {args.data}, {size / 2**20:.0f} MiB; machine: {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at start")

    results = {}
    for mode in ["memory", "csv"]:
        results[("polars", mode)] = run([sys.executable, __file__, "--child", mode, "--data", args.data])
        results[("route-map", mode)] = run([peer, mode, args.data])

    results[("polars", "scan")] = run([sys.executable, __file__, "--child", "scan", "--data", args.data])
    agree = results[("polars", "scan")]["segments"] == results[("route-map", "csv")]["segments"] and all(results[("polars", m)]["segments"] == results[("route-map", m)]["segments"]
                for m in ["memory", "csv"])
    print(f"same totals per segment (people, member-days, pence): {agree}")
    print()
    print("| mode | tool | rows | wall seconds | rows/s (wall) | CPU seconds | rows per CPU-second | peak RSS (MiB) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for mode in ["memory", "csv"]:
        for tool in ["polars", "route-map"]:
            r = results[(tool, mode)]
            print(row(mode, r))
    r = results[("polars", "scan")]
    print(row("csv (lazy scan_csv, streaming; not the stated peer)", r))
    print()
    mem = results[("route-map", "memory")]["rows_per_second"] / results[("polars", "memory")]["rows_per_second"]
    csv_speed = results[("polars", "csv")]["seconds"] / results[("route-map", "csv")]["seconds"]
    rss = results[("route-map", "csv")]["peak_rss_mib"] / results[("polars", "csv")]["peak_rss_mib"]
    print(f"in memory: route-map {mem:.1f}x polars' throughput (target at least 5x)")
    cpu_mem = results[("polars", "memory")]["cpu_seconds"] / max(results[("route-map", "memory")]["cpu_seconds"], 1e-9)
    print(f"in memory, per CPU-second (less sensitive to other load): route-map {cpu_mem:.1f}x polars")
    print(f"from CSV: route-map {csv_speed:.2f}x as fast as polars end to end (target above 1x), "
          f"peak memory {rss:.3f} of polars' (target under 0.25)")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
