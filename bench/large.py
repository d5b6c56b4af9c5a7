"""A million records (issue 14 item 5): the headless sync's peak memory and the no-change poll.

    python -m bench.large [--n 1000000] [--keep]

One sandbox seeded once with N contacts, N leads and N PeopleLinx-only people (the sandbox's own
bulk seed, then restored from a copy for each run, bench/common.py). On it: the initial sync in
both directions at 0 ms (memory does not depend on latency; no floors, which the 100,000-record
runs report), each in its own process (peak memory ≤ 200 MB; flat against the 100,000-record
runs when given); then the incremental polls with N links (one call per source object, < 100 ms
CPU). `python -m bench.run_all --large` runs it after the 100,000-record benchmarks.

Seeding a million takes minutes and a few GB in the seeding sandbox process (bulk_population
holds the whole population in lists); the sandbox that serves the runs is a fresh process.
"""

from __future__ import annotations

import argparse

from bench import incremental
from bench.common import Results, SandboxProcess, remove, temp_dir
from bench.initial_sync import DIRECTIONS, FLAT_FACTOR, PEAK_MB, Figure, run_one

LARGE_N = 1_000_000


def measure(n: int = LARGE_N, keep: bool = False,
            reference: list[Figure] | None = None) -> Results:
    """`reference`: figures of smaller runs (the 100,000-record ones) to judge flatness by."""
    results = Results(f"{n:,} records")
    results.say(f"== {n:,} records: memory and the no-change poll (issue 14 item 5) ==")
    data_dir = temp_dir(f"large-{n}")
    try:
        with SandboxProcess(data_dir, n) as sandbox:
            results.say(f"(sandbox seeded with {n:,} of each in {sandbox.seed_seconds:.0f} s)")
            figures = [run_one(sandbox, direction, 0.0, results, with_floors=False)
                       for direction in DIRECTIONS]
            for f in figures:
                label = DIRECTIONS[f.direction][0]
                results.target(f"peak memory of a {n:,}-record headless sync ≤ {PEAK_MB:.0f} MB "
                               f"({label})", f.max_rss_mb <= PEAK_MB, f"{f.max_rss_mb:.0f} MB")
                _flat(results, f, reference or [])
            incremental.measure_on(sandbox, 0.0, results)
    finally:
        remove(data_dir, keep)
    return results


def _flat(results: Results, big: Figure, reference: list[Figure]) -> None:
    smaller = [f for f in reference if f.direction == big.direction and f.n < big.n]
    if not smaller:
        return
    low = max(f.n for f in smaller)
    low_peak = max(f.max_rss_mb for f in smaller if f.n == low)
    label = DIRECTIONS[big.direction][0]
    results.target(f"memory flat in N: peak at {big.n:,} ≤ {FLAT_FACTOR:g} × peak at {low:,} "
                   f"({label})", big.max_rss_mb <= FLAT_FACTOR * low_peak,
                   f"{low_peak:.0f} MB at {low:,} → {big.max_rss_mb:.0f} MB at {big.n:,}: "
                   f"{big.max_rss_mb / max(low_peak, 1e-9):.2f} ×")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.large", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=LARGE_N, help="records of each kind")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    results = measure(args.n, args.keep)
    print(f"targets met: {sum(t.met for t in results.targets)}/{len(results.targets)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
