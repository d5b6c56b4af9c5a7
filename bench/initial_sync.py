"""Initial sync in both directions at N records, 0 and 50 ms latency: time, rate, calls, memory.

    python -m bench.initial_sync [--n 10000 100000] [--latency 0 50] [--quick]

Contacts → People runs a Custom profile with only the Contact → People step; People →
Contacts/Leads one with People → Contact and People → Lead. Each run starts from a freshly
seeded sandbox (N contacts, N leads, N PeopleLinx-only people) and an empty app store. The sync is
its own process (`plx-desktop --sandbox sync --once`), so the wall time includes interpreter
start-up (about a second) and the peak RSS is the sync's alone.
"""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass

from bench.common import (
    Results,
    SandboxProcess,
    add_common_args,
    fmt_routes,
    fresh_app_store,
    import_profile,
    latencies_of,
    peoplelinx_calls,
    remove,
    run_sync_process,
    salesforce_calls,
    sizes_of,
    temp_dir,
)

DIRECTIONS = {
    "contacts_to_people": ("Contacts → People", ["contact_to_people"]),
    "people_to_salesforce": ("People → Contacts/Leads", ["people_to_contact", "people_to_lead"]),
}
CALL_SLACK = 1.05
PEAK_MB = 200.0


@dataclass
class Figure:
    direction: str
    n: int
    latency: float
    wall: float
    cpu: float
    rate: float
    sf_calls: int
    sf_minimum: int
    plx_calls: int
    plx_minimum: int
    max_rss_mb: float


def minimums(direction: str, n: int) -> tuple[int, int]:
    """(Salesforce, PeopleLinx) calls the least a sync of n records can cost."""
    if direction == "contacts_to_people":
        # Salesforce: the query pages (the writes go to PeopleLinx, 500 a batch call).
        return math.ceil(n / 2000), math.ceil(n / 500)
    # Salesforce: the ceil(N/2000) query pages (reading what to match against) plus
    # ceil(N/200) Collections writes; PeopleLinx: pages of 1,000 people.
    return math.ceil(n / 2000) + math.ceil(n / 200), math.ceil(n / 1000)


def run_one(sandbox: SandboxProcess, direction: str, latency: float, results: Results) -> Figure:
    label, kinds = DIRECTIONS[direction]
    n = sandbox.seed
    data_dir = sandbox.data_dir
    sandbox.set_latency(0)
    sandbox.reseed()
    fresh_app_store(data_dir)
    import_profile(data_dir, kinds)
    sandbox.set_latency(latency)
    sandbox.reset_calls()
    run = run_sync_process(data_dir)
    calls = sandbox.calls()
    sandbox.set_latency(0)
    sf_calls, aside = salesforce_calls(calls["sf"])
    plx_calls, _ = peoplelinx_calls(calls["plx"])
    sf_min, plx_min = minimums(direction, n)
    figure = Figure(direction, n, latency, run.wall, run.cpu, n / run.wall, sf_calls, sf_min,
                    plx_calls, plx_min, run.max_rss_mb)
    results.say(f"{label}, N={n:,}, latency {latency:g} ms: {run.wall:.1f} s wall, "
                f"{run.cpu:.1f} s CPU, {figure.rate:,.0f} records/s, peak RSS "
                f"{run.max_rss_mb:.0f} MB (exit {run.returncode})")
    results.say(f"    Salesforce calls {sf_calls} (minimum {sf_min}, "
                f"{sf_calls / max(1, sf_min):.2f}x) [{fmt_routes(calls['sf'])}]"
                + (f"; set aside: {fmt_routes(aside)}" if aside else ""))
    results.say(f"    PeopleLinx calls {plx_calls} (least possible {plx_min}, "
                f"{plx_calls / max(1, plx_min):.2f}x) [{fmt_routes(calls['plx'])}]")
    for line in run.output.strip().splitlines()[-4:]:
        results.say(f"    | {line}")
    if run.returncode != 0:
        results.say(f"    the sync failed: {run.output.strip()[-500:]}")
    return figure


_RUN = re.compile(r"^(?P<label>.+?), N=(?P<n>[\d,]+), latency (?P<lat>[\d.]+) ms: (?P<wall>[\d.]+) s "
                  r"wall, (?P<cpu>[\d.]+) s CPU, (?P<rate>[\d,]+) records/s, peak RSS "
                  r"(?P<rss>[\d.]+) MB")
_CALLS = re.compile(r"^\s+(?P<who>Salesforce|PeopleLinx) calls (?P<calls>\d+) ")


def figures_from_log(text: str) -> tuple[list[str], list[Figure]]:
    """The run lines and figures an earlier `python -m bench.initial_sync` printed (to reuse a
    long 100,000-record run), with the minimums recomputed."""
    lines: list[str] = []
    figures: list[Figure] = []
    labels = {label: key for key, (label, _) in DIRECTIONS.items()}
    keep = False
    for line in text.splitlines():
        run = _RUN.match(line)
        if run:
            direction, n = labels[run["label"]], int(run["n"].replace(",", ""))
            sf_min, plx_min = minimums(direction, n)
            wall = float(run["wall"])
            figures.append(Figure(direction, n, float(run["lat"]), wall, float(run["cpu"]),
                                  n / wall, 0, sf_min, 0, plx_min, float(run["rss"])))
            keep = True
        elif not line.startswith("    "):
            keep = False
        calls = _CALLS.match(line)
        if calls and figures:
            if calls["who"] == "Salesforce":
                figures[-1].sf_calls = int(calls["calls"])
                line = re.sub(r"\(minimum \d+, [\d.]+x\)", f"(minimum {figures[-1].sf_minimum}, "
                              f"{figures[-1].sf_calls / figures[-1].sf_minimum:.2f}x)", line)
            else:
                figures[-1].plx_calls = int(calls["calls"])
        if keep:
            lines.append(line)
    return lines, figures


def measure(sizes: list[int], latencies: list[float], keep: bool = False,
            directions: list[str] | None = None,
            reuse: tuple[list[str], list[Figure]] | None = None) -> tuple[Results, list[Figure]]:
    results = Results("Initial sync")
    results.say("== Initial sync (issue 5 item 2) ==")
    figures: list[Figure] = []
    if reuse is not None:
        for line in reuse[0]:
            results.say(line)
        figures += reuse[1]
        sizes = [n for n in sizes if n not in {f.n for f in reuse[1]}]
    for n in sizes:
        data_dir = temp_dir(f"initial-{n}")
        try:
            with SandboxProcess(data_dir, n) as sandbox:
                for direction in directions or list(DIRECTIONS):
                    for latency in latencies:
                        figures.append(run_one(sandbox, direction, latency, results))
        finally:
            remove(data_dir, keep)
    judge(results, figures)
    return results, figures


def judge(results: Results, figures: list[Figure]) -> None:
    for f in figures:
        label = DIRECTIONS[f.direction][0]
        limit = CALL_SLACK * f.sf_minimum
        results.target(f"Salesforce calls ≤ 1.05 × minimum ({label}, N={f.n:,}, "
                       f"{f.latency:g} ms)", f.sf_calls <= limit,
                       f"{f.sf_calls} calls vs minimum {f.sf_minimum} (limit {limit:.0f})")
    biggest = max((f.n for f in figures), default=0)
    for direction in DIRECTIONS:
        mine = [f for f in figures if f.direction == direction]
        if not mine:
            continue
        label = DIRECTIONS[direction][0]
        top = [f for f in mine if f.n == biggest]
        peak = max(f.max_rss_mb for f in top)
        results.target(f"peak memory of a {biggest:,}-record headless sync ≤ {PEAK_MB:.0f} MB "
                       f"({label})", peak <= PEAK_MB, f"{peak:.0f} MB")
        small = [f for f in mine if f.n < biggest]
        if small:
            low = min(f.n for f in small)
            low_peak = max(f.max_rss_mb for f in small if f.n == low)
            per_k = (peak - low_peak) / ((biggest - low) / 1000)
            # "Not growing with N" allows noise, not a per-record cost: < 0.1 MB per 1,000 records.
            results.target(f"memory does not grow with N ({label})", per_k < 0.1,
                           f"{low_peak:.0f} MB at {low:,} → {peak:.0f} MB at {biggest:,} "
                           f"({per_k:.2f} MB per 1,000 records)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.initial_sync", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(parser)
    parser.add_argument("--direction", choices=list(DIRECTIONS), nargs="+")
    args = parser.parse_args(argv)
    results, _ = measure(sizes_of(args), latencies_of(args), args.keep, args.direction)
    met = sum(t.met for t in results.targets)
    print(f"targets met: {met}/{len(results.targets)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
