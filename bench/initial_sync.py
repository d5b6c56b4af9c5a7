"""Initial sync in both directions at N records, 0 and 50 ms latency: time, rate, calls, memory.

    python -m bench.initial_sync [--n 10000 100000] [--latency 0 50] [--quick]

Contacts → People runs a Custom profile with only the Contact → People step; People →
Contacts/Leads one with People → Contact and People → Lead. Each run starts from a freshly
seeded sandbox (N contacts, N leads, N PeopleLinx-only people) and an empty app store. The sync is
its own process (`plx-desktop --sandbox sync --once`), so the wall time includes interpreter
start-up (about a second) and the peak RSS is the sync's alone; its CPU per record leaves out
the start-up (the CPU of a process that only imports the CLI and the engine).

Before each sync, on the same fresh seed and at the same latency, the floors (bench/floors.py):
the connector reading the same records and writing as many, nothing else; the sync's wall time
is printed as a ratio to the slower floor. --no-floors leaves them out (--large does).
"""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass

from bench import floors as floor_runs
from bench.common import (
    Results,
    SandboxProcess,
    add_common_args,
    fmt_own_time,
    fmt_routes,
    fresh_app_store,
    import_profile,
    latencies_of,
    peoplelinx_calls,
    remove,
    run_sync_process,
    salesforce_calls,
    sizes_of,
    startup_cpu,
    temp_dir,
)

DIRECTIONS = {
    "contacts_to_people": ("Contacts → People", ["contact_to_people"]),
    "people_to_salesforce": ("People → Contacts/Leads", ["people_to_contact", "people_to_lead"]),
}
CALL_SLACK = 1.05
PEOPLE_STEPS = 2  # People → Contact and People → Lead
PEAK_MB = 200.0
# "Memory flat in N": the peak at the largest N within this factor of the peak at a tenth of it.
# A per-record cost shows as about 10 x between the two; a cache filling to its bound (SQLite's
# page cache, HTTP buffers) as a step that stops. 126 -> 140 MB (10k -> 100k) is 1.11.
FLAT_FACTOR = 1.15
FLOOR_FACTOR = 1.3  # the sync's wall time at most this times the slower of its floors
FLOOR_LATENCY = 50.0  # ...judged at this latency, at the largest N of the run
CPU_TARGET_US = {"contacts_to_people": 60.0, "people_to_salesforce": 150.0}
SANDBOX_MB = 300.0


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
    cpu_net: float = 0.0  # CPU seconds less the process start-up
    floor_read: float = 0.0  # seconds; 0: not measured
    floor_write: float = 0.0
    floor_text: str = ""
    sandbox_mb: float = 0.0  # the sandbox process's peak RSS through the sync

    @property
    def floor(self) -> float:
        return max(self.floor_read, self.floor_write)

    @property
    def cpu_us(self) -> float:
        return self.cpu_net / self.n * 1e6 if self.n else 0.0


def minimums(direction: str, n: int) -> tuple[int, int]:
    """(Salesforce, PeopleLinx) calls the least a sync of n records can cost."""
    if direction == "contacts_to_people":
        # Salesforce: the query pages (the writes go to PeopleLinx, 500 a batch call).
        return math.ceil(n / 2000), math.ceil(n / 500)
    # Salesforce: the ceil(N/2000) query pages (reading what to match against) plus
    # ceil(N/200) Collections writes. PeopleLinx: the people read once (pages of 1,000), each
    # person told their new Salesforce link (the write-back, 500 a batch call: the People list
    # shows it, so it is part of the work, and the floors time it too), and one read of the
    # deleted-people feed per People step (the API keeps deletions in a feed of their own).
    return (math.ceil(n / 2000) + math.ceil(n / 200),
            math.ceil(n / 1000) + math.ceil(n / 500) + PEOPLE_STEPS)


def mapped_pairs(profile: dict, kind: str) -> list[tuple[str, str]]:
    """(Salesforce field, PeopleLinx field) of a step's mappings in the imported profile."""
    step = next(st for st in profile["steps"] if st["kind"] == kind)
    return [(m["salesforce_field"], m["peoplelinx_field"]) for m in step.get("mappings", [])
            if m.get("salesforce_field") and m.get("peoplelinx_field")]


def measure_floors(sandbox: SandboxProcess, direction: str, profile: dict,
                   latency: float) -> floor_runs.Floors:
    """The floors on a fresh seed at `latency`; the sandbox is seeded again afterwards."""
    sandbox.reseed()
    sandbox.set_latency(latency)
    try:
        if direction == "contacts_to_people":
            return floor_runs.contacts_to_people(sandbox, mapped_pairs(profile, "contact_to_people"))
        return floor_runs.people_to_contacts(sandbox)
    finally:
        sandbox.set_latency(0)


def run_one(sandbox: SandboxProcess, direction: str, latency: float, results: Results,
            with_floors: bool = True) -> Figure:
    label, kinds = DIRECTIONS[direction]
    n = sandbox.seed
    data_dir = sandbox.data_dir
    fresh_app_store(data_dir)
    profile = import_profile(data_dir, kinds)
    floors = measure_floors(sandbox, direction, profile, latency) if with_floors else None
    sandbox.reseed()
    sandbox.set_latency(latency)
    sandbox.reset_calls()
    run = run_sync_process(data_dir)
    calls = sandbox.calls()
    own = sandbox.own_time()
    sandbox_mb = sandbox.peak_rss_mb()
    sandbox.set_latency(0)
    sf_calls, aside = salesforce_calls(calls["sf"])
    plx_calls, _ = peoplelinx_calls(calls["plx"])
    sf_min, plx_min = minimums(direction, n)
    figure = Figure(direction, n, latency, run.wall, run.cpu, n / run.wall, sf_calls, sf_min,
                    plx_calls, plx_min, run.max_rss_mb, cpu_net=max(0.0, run.cpu - startup_cpu()),
                    sandbox_mb=sandbox_mb)
    results.say(f"{label}, N={n:,}, latency {latency:g} ms: {run.wall:.1f} s wall, "
                f"{run.cpu:.1f} s CPU, {figure.rate:,.0f} records/s, peak RSS "
                f"{run.max_rss_mb:.0f} MB (exit {run.returncode})")
    results.say(f"    CPU per record {figure.cpu_us:.0f} µs (start-up {startup_cpu():.2f} s "
                f"left out); the sandbox's peak RSS {sandbox_mb:.0f} MB")
    results.say(f"    {fmt_own_time(own, run.wall)}")
    if floors is not None:
        figure.floor_read, figure.floor_write = floors.read.seconds, floors.write.seconds
        figure.floor_text = floors.text()
        results.say(f"    floors: {floors.text()}")
        results.say(f"    sync / slower floor: {run.wall:.1f} / {figure.floor:.1f} s = "
                    f"{run.wall / max(figure.floor, 1e-9):.2f} × ({floors.slower.what})")
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
            reuse: tuple[list[str], list[Figure]] | None = None,
            with_floors: bool = True) -> tuple[Results, list[Figure]]:
    results = Results("Initial sync")
    results.say("== Initial sync (issue 5 item 2, issue 14 items 2-4) ==")
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
                results.say(f"(sandbox seeded with {n:,} of each in {sandbox.seed_seconds:.0f} s)")
                for direction in directions or list(DIRECTIONS):
                    for latency in latencies:
                        figures.append(run_one(sandbox, direction, latency, results, with_floors))
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
        if f.plx_calls:  # 0: a figure reused from an older log that did not count them
            limit = CALL_SLACK * f.plx_minimum
            results.target(f"PeopleLinx calls ≤ 1.05 × least possible ({label}, N={f.n:,}, "
                           f"{f.latency:g} ms)", f.plx_calls <= limit,
                           f"{f.plx_calls} calls vs least possible {f.plx_minimum} "
                           f"(limit {limit:.0f})")
    biggest = max((f.n for f in figures), default=0)
    for direction in DIRECTIONS:
        mine = [f for f in figures if f.direction == direction]
        if mine:
            _judge_direction(results, direction, mine, biggest)


def _judge_direction(results: Results, direction: str, mine: list[Figure], biggest: int) -> None:
    """The targets judged at the run's largest N: memory, CPU per record, floors, the sandbox."""
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
        results.target(f"memory flat in N: peak at {biggest:,} ≤ {FLAT_FACTOR:g} × peak at "
                       f"{low:,} ({label})", peak <= FLAT_FACTOR * low_peak,
                       f"{low_peak:.0f} MB at {low:,} → {peak:.0f} MB at {biggest:,}: "
                       f"{peak / max(low_peak, 1e-9):.2f} × ({per_k:.2f} MB per 1,000 records)")
    cpu = [f for f in top if f.cpu_net]
    if cpu:
        worst = max(cpu, key=lambda f: f.cpu_us)
        limit = CPU_TARGET_US[direction]
        results.target(f"CPU per record ≤ {limit:.0f} µs, app process only ({label}, "
                       f"N={biggest:,})", worst.cpu_us <= limit,
                       f"{worst.cpu_us:.0f} µs at {worst.latency:g} ms ({worst.cpu_net:.1f} s "
                       f"for {worst.n:,} records, start-up left out)")
    for f in top:
        if f.latency == FLOOR_LATENCY and f.floor:
            ratio = f.wall / f.floor
            results.target(f"initial sync ≤ {FLOOR_FACTOR:g} × the slower of its floors "
                           f"({label}, N={f.n:,}, {f.latency:g} ms)", ratio <= FLOOR_FACTOR,
                           f"{f.wall:.1f} s vs floor {f.floor:.1f} s (read {f.floor_read:.1f} s, "
                           f"write {f.floor_write:.1f} s): {ratio:.2f} ×")
    sandbox = [f for f in top if f.sandbox_mb]
    if sandbox:
        worst = max(sandbox, key=lambda f: f.sandbox_mb)
        results.target(f"the sandbox's peak RSS ≤ {SANDBOX_MB:.0f} MB through a {biggest:,}-"
                       f"record sync ({label})", worst.sandbox_mb <= SANDBOX_MB,
                       f"{worst.sandbox_mb:.0f} MB (at {worst.latency:g} ms)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.initial_sync", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(parser)
    parser.add_argument("--direction", choices=list(DIRECTIONS), nargs="+")
    parser.add_argument("--no-floors", action="store_true", help="leave the floors out")
    args = parser.parse_args(argv)
    results, _ = measure(sizes_of(args), latencies_of(args), args.keep, args.direction,
                         with_floors=not args.no_floors)
    met = sum(t.met for t in results.targets)
    print(f"targets met: {met}/{len(results.targets)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
