"""Every benchmark, one after the other, ending with `targets met: K/M`.

    python -m bench.run_all [--quick] [--large] [--busy-core] [--sizes 10000 100000] [--write-doc]

Full sizes (`make bench`): initial sync at 10,000 and 100,000 records with 0 and 50 ms latency,
each beside its floors (the connectors alone reading and writing the same records), the naive
client on 500 records, incremental polls at 100,000 links, the window at 100,000 records and the
Log tab at 1,000,000 entries. --large adds a million contacts and a million people (bench/large.py:
peak memory and the no-change poll; an hour or more). --quick runs every benchmark at small sizes
in a few minutes (figures for a fast look, not the issue's targets). --reuse-initial takes the
initial-sync figures from an earlier run's output instead of measuring them. --write-doc rewrites
docs/PERFORMANCE.md with the figures, keeping its notes section. --busy-core keeps one core busy
with another process throughout (bench/busy.py). Every verdict is computed by the
run; nothing in the test suite asserts a time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from bench import busy, gui, incremental, initial_sync, large, naive
from bench.common import ROOT, Results, machine, machine_speed, summarise
from bench.initial_sync import DIRECTIONS, Figure

NOTES_MARKER = "<!-- notes: kept when the figures are rewritten -->"
NOTES_END = "<!-- end of notes -->"


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def _speed() -> str:
    return f"{machine_speed():.0f} ms"


def figures_table(figures: list[Figure]) -> list[str]:
    """The initial syncs beside their floors, one row each."""
    lines = ["| Direction | N | Latency | Sync | Read floor | Write floor | Sync / slower floor "
             "| Records/s | CPU per record | Peak RSS | Sandbox peak RSS |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for f in figures:
        floors = ((f"{f.floor_read:.1f} s", f"{f.floor_write:.1f} s", f"{f.wall / f.floor:.2f} ×")
                  if f.floor else ("–", "–", "–"))
        lines.append(f"| {DIRECTIONS[f.direction][0]} | {f.n:,} | {f.latency:g} ms | "
                     f"{f.wall:.1f} s | {floors[0]} | {floors[1]} | {floors[2]} | {f.rate:,.0f} | "
                     f"{f.cpu_us:.0f} µs | {f.max_rss_mb:.0f} MB | "
                     + (f"{f.sandbox_mb:.0f} MB |" if f.sandbox_mb else "– |"))
    return lines


def targets_table(results: list[Results]) -> list[str]:
    lines = ["| # | Target | Figure | |", "|---:|---|---|---|"]
    targets = [t for r in results for t in r.targets]
    for number, t in enumerate(targets, 1):
        lines.append(f"| {number} | {t.name} | {t.detail} | {'met' if t.met else '**NOT met**'} |")
    return lines


def write_doc(results: list[Results], figures: list[Figure], final: str,
              args: argparse.Namespace, took: float, load_before: str) -> None:
    m = machine()
    lines = [
        "# Performance",
        "",
        "Figures from `python -m bench.run_all` (`make bench`), written by its `--write-doc`; the "
        "benchmarks live in `bench/` and each one also runs alone (`python -m bench.<name> "
        "--help`). Every verdict below is computed by the run that printed the figures; nothing "
        "in the test suite asserts a time. A figure a loaded machine misses is reported as missed.",
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- Machine: {m['cpus']} CPUs ({m['cpu']}), {m['ram']} RAM, Python {m['python']}, "
        f"{m['os']}",
        f"- Load: {load_before} at the start, {_load()} at the end"
        + (f"; {args.busy_note}" if getattr(args, "busy_note", None) else ""),
        f"- Machine speed (`bench.common.machine_speed`, a fixed piece of Python's CPU time, "
        f"lower is faster; compare CPU figures of two runs beside it): {args.speed_before} at "
        f"the start, {args.speed_after} at the end",
        f"- Command: `python -m bench.run_all {' '.join(args.argv)}`".rstrip()
        + f" ({took / 60:.0f} min)",
        "- The sandbox's two HTTPS stand-ins run in two processes of their own (`plx-desktop "
        "sandbox serve --only salesforce|peoplelinx`), as Salesforce and PeopleLinx are two "
        "servers, so a sync's read of the one overlaps its write to the other as it would in "
        "real life; they share the machine's CPUs, so at 0 ms latency the sync competes with "
        "them for CPU. The sync runs as `plx-desktop --sandbox sync --once` in another process "
        "(wall time includes its start-up; peak memory is that process's own high-water mark, "
        "VmHWM; CPU per record leaves the start-up out); the sandbox's peak memory is the larger "
        "of its two processes'. The floors are the "
        "connectors alone reading the same records and writing as many, on the same fresh seed "
        "at the same latency (`bench/floors.py`).",
        "",
        "## Targets",
        "",
        *targets_table(results),
        "",
        "## Initial syncs beside their floors",
        "",
        *figures_table(figures),
        "",
    ]
    for r in results:
        lines += [f"## {r.title}", "", "```"]
        lines += [line for line in r.lines if not line.startswith("==")]
        lines += [t.line().strip() for t in r.targets]
        lines += ["```", ""]
    path = args.doc
    # Hand-written analysis between the markers survives a rewrite of the figures.
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if NOTES_MARKER in old and NOTES_END in old:
        notes = old.split(NOTES_MARKER, 1)[1].split(NOTES_END, 1)[0].strip("\n")
        lines += [NOTES_MARKER, notes, NOTES_END, ""]
    lines += ["## Result", "", "```", final, "```", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N",
                        help="initial sync sizes (default 10000 100000; quick: 2000)")
    parser.add_argument("--latency", type=float, nargs="+", metavar="MS",
                        help="latencies for the initial sync (default 0 50; quick: 50)")
    parser.add_argument("--naive-n", type=int, help="records for the naive client (default 500)")
    parser.add_argument("--links", type=int, help="linked records for the polls (default 100000)")
    parser.add_argument("--gui-n", type=int, help="records synced under the window (default 100000)")
    parser.add_argument("--log-entries", type=int,
                        help="Log tab rows (default 1000000; quick: 20000)")
    parser.add_argument("--skip", nargs="+", default=[],
                        choices=["initial", "naive", "incremental", "gui"])
    parser.add_argument("--large", action="store_true",
                        help="add a million contacts and a million people (bench/large.py)")
    parser.add_argument("--large-n", type=int, metavar="N",
                        help="records of each kind for --large (default 1000000; quick: 20000)")
    parser.add_argument("--reuse-initial", type=Path, metavar="LOG",
                        help="take the initial-sync figures of the sizes in LOG (the output of an "
                             "earlier `python -m bench.initial_sync`) instead of measuring them")
    parser.add_argument("--write-doc", action="store_true", help="rewrite docs/PERFORMANCE.md")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "PERFORMANCE.md",
                        help="the document --write-doc rewrites (default docs/PERFORMANCE.md)")
    parser.add_argument("--busy-core", action="store_true",
                        help="keep one core busy with another process for the whole run "
                             "(bench/busy.py): the issue's repeat on a loaded machine")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv
    quick = args.quick
    sizes = args.sizes or ([2000] if quick else [10_000, 100_000])
    # --quick: only the latency the floor and naive targets are judged at, to stay short.
    latencies = args.latency or ([50.0] if quick else [0.0, 50.0])
    with busy.one_core_busy(args.busy_core) as spinner:
        return _run(args, sizes, latencies, spinner)


def _run(args: argparse.Namespace, sizes: list[int], latencies: list[float],
         spinner: int | None) -> int:
    quick = args.quick
    started = time.perf_counter()
    load_before = _load()
    args.speed_before = _speed()
    print(f"(machine: {load_before}; speed {args.speed_before}"
          + (f"; another process (pid {spinner}) keeps one core busy" if spinner else "")
          + ")", flush=True)
    results: list[Results] = []
    figures: list[Figure] = []

    def attempt(name: str, work) -> None:
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            r = Results(f"{name} (failed)")
            r.say(f"== {name}: the benchmark failed: {exc!r} ==")
            r.target(f"{name} measured", False, f"not measured: {exc!r}"[:300])
            results.append(r)

    def initial() -> None:
        reuse = (initial_sync.figures_from_log(args.reuse_initial.read_text())
                 if args.reuse_initial else None)
        r, found = initial_sync.measure(sizes, latencies, args.keep, reuse=reuse)
        figures.extend(found)
        results.append(r)

    def naive_client() -> None:
        if not [f for f in figures if f.latency == 50.0]:
            r, found = initial_sync.measure([sizes[0]], [50.0], args.keep)
            figures.extend(found)
            results.append(r)
        r = Results("Naive client")
        naive.compare(r, figures, args.naive_n or (100 if quick else 500), 50.0, args.keep)
        results.append(r)

    if "initial" not in args.skip:
        attempt("Initial sync", initial)
    if "naive" not in args.skip:
        attempt("Naive client", naive_client)
    if "incremental" not in args.skip:
        attempt("Incremental polls", lambda: results.append(incremental.measure(
            args.links or (2000 if quick else 100_000), 0.0, args.keep)))
    if "gui" not in args.skip:
        attempt("The window", lambda: results.append(gui.measure(
            args.gui_n or (2000 if quick else 100_000),
            args.log_entries or (20_000 if quick else 1_000_000), args.keep)))
    if args.large:
        large_n = args.large_n or (20_000 if quick else large.LARGE_N)
        attempt(f"{large_n:,} records", lambda: results.append(
            large.measure(large_n, args.keep, reference=figures)))
    took = time.perf_counter() - started
    if spinner is not None:
        args.busy_note = (f"another process kept one core busy for the whole run "
                          f"({busy.busy_cpu_seconds(spinner):.0f} s of CPU in {took:.0f} s)")
    final = summarise(results)
    args.speed_after = _speed()
    print(f"(all benchmarks took {took / 60:.1f} min; machine: {_load()}; speed "
          f"{args.speed_after})")
    if args.write_doc:
        write_doc(results, figures, final, args, took, load_before)
    print(final)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
