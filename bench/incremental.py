"""Incremental polls with N linked records: a poll with no changes, and 10 changes each way.

    python -m bench.incremental [--n 100000] [--latency 0] [--quick]

Setup: a sandbox with N contacts and no PeopleLinx people, a Custom profile with Contact → People
and People → Contact (two-way), and one initial sync (its own process) that links all N. Then
quiet time passes on the sandbox's clock (more than the 10-minute look-back window: every poll
reads the window behind its last read again, for commits that land late, so the first poll
after the initial sync reads the initial sync's records once more). Then, in this process (the
sandbox is another process, so its CPU does not count), polls through run_sync as the GUI timer
or `sync --every` would: two polls with nothing changed (the second is the steady state: the
window is behind the data, describes cached, modules imported), then 10 contacts changed in
Salesforce and 10 people changed in PeopleLinx, and one poll that carries them across.

The least a no-change poll can cost: one call per Salesforce object (queryAll brings the deletes
with the changes) and two for PeopleLinx People (its changes, and the deleted-people feed, which
the PeopleLinx API keeps apart: docs/peoplelinx-openapi.yaml).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

from bench.common import (
    Results,
    SandboxProcess,
    fmt_own_time,
    fmt_routes,
    fresh_app_store,
    import_profile,
    peoplelinx_calls,
    remove,
    run_sync_process,
    salesforce_calls,
    temp_dir,
)
from bench.naive import _salesforce
from plx_desktop.connectors.peoplelinx import PeopleLinxClient
from plx_desktop.paths import database_path
from plx_desktop.store import open_store
from plx_desktop.sync.service import run_sync, sandbox_connections

CPU_TARGET_MS = 100.0
# Quiet time before the polls: past the 10-minute look-back window (sync/lookback.py).
QUIET_SECONDS = 660
PEOPLELINX_LEAST = 2  # /v1/people and /v1/people/deleted
CHANGES = 10


def _poll(sandbox: SandboxProcess, data_dir, profile: bool = False) -> tuple[float, float, dict]:
    connections = sandbox_connections(data_dir)
    sandbox.reset_calls()
    profiler = cProfile.Profile() if profile else None
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    summary = run_sync(data_dir, connections, profile="custom")
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    if summary.status != "completed":
        raise RuntimeError(f"the poll {summary.status}: {summary.reason}")
    _OWN[:] = [fmt_own_time(sandbox.own_time(), wall)]
    return cpu, wall, sandbox.calls()


_OWN: list[str] = []  # the last poll's line on the sandbox's own time


def _say_own(results: Results) -> None:
    if _OWN:
        results.say(f"    {_OWN[0]}")


def measure(n: int, latency: float, keep: bool = False, profile: bool = False) -> Results:
    results = Results("Incremental polls")
    results.say(f"== Incremental polls, {n:,} linked records, {latency:g} ms (issue 5 item 4) ==")
    data_dir = temp_dir(f"incremental-{n}")
    try:
        with SandboxProcess(data_dir, n) as sandbox:
            measure_on(sandbox, latency, results, profile)
    finally:
        remove(data_dir, keep)
    return results


def measure_on(sandbox: SandboxProcess, latency: float, results: Results,
               profile: bool = False) -> None:
    """The polls on a running sandbox seeded with N contacts (its PeopleLinx emptied here)."""
    n, data_dir = sandbox.seed, sandbox.data_dir
    sandbox.reseed(n, peoplelinx_people=0)
    fresh_app_store(data_dir)
    import_profile(data_dir, ["contact_to_people", "people_to_contact"])
    first = run_sync_process(data_dir)
    with open_store(database_path(data_dir)) as store:
        links = store.links.count()
    results.say(f"initial two-way sync: {first.wall:.1f} s, {links:,} links "
                f"(exit {first.returncode})")
    sandbox.set_latency(latency)
    sandbox.advance_clock(QUIET_SECONDS)
    for attempt in (1, 2):
        cpu, wall, calls = _poll(sandbox, data_dir, profile and attempt == 2)
        sf_calls, aside = salesforce_calls(calls["sf"])
        plx_calls, plx_aside = peoplelinx_calls(calls["plx"])
        results.say(f"no-change poll {attempt}: {cpu * 1000:.0f} ms CPU, {wall * 1000:.0f} "
                    f"ms wall; Salesforce {sf_calls} calls [{fmt_routes(calls['sf'])}], "
                    f"PeopleLinx {plx_calls} calls [{fmt_routes(calls['plx'])}]"
                    + ("; describes set aside" if aside or plx_aside else ""))
        _say_own(results)
    results.target("no-change poll at the least possible calls: 1 per source object (Contact "
                   "in Salesforce) and 2 for People in PeopleLinx (changes, deleted-people feed), "
                   f"{links:,} links", sf_calls <= 1 and plx_calls <= PEOPLELINX_LEAST,
                   f"Salesforce {sf_calls}, PeopleLinx {plx_calls}")
    results.target(f"no-change poll < {CPU_TARGET_MS:.0f} ms CPU at {links:,} links",
                   cpu * 1000 < CPU_TARGET_MS, f"{cpu * 1000:.0f} ms")
    _changes(sandbox, data_dir, results)
    # The changes moved the Contact cursor off the stamp the seed gave every contact:
    # the same no-change poll again, for the engine's cost apart from that.
    _poll(sandbox, data_dir)
    cpu, wall, calls = _poll(sandbox, data_dir)
    sf_calls, _ = salesforce_calls(calls["sf"])
    plx_calls, _ = peoplelinx_calls(calls["plx"])
    results.say(f"no-change poll once the cursor is off the seed's shared stamp (for "
                f"information): {cpu * 1000:.0f} ms CPU, {wall * 1000:.0f} ms wall; "
                f"Salesforce {sf_calls} calls, PeopleLinx {plx_calls} calls")
    _say_own(results)
    _changes(sandbox, data_dir, results, "b", " (cursor off the shared stamp)")
    sandbox.set_latency(0)


def _changes(sandbox: SandboxProcess, data_dir, results: Results, tag: str = "a",
             when: str = "") -> None:
    info = sandbox.info
    sf = _salesforce(info)
    plx = PeopleLinxClient(info["peoplelinx_base_url"], info["peoplelinx_api_key"],
                           ca_file=info["ca_file"])
    with open_store(database_path(data_dir)) as store:
        contact_links = [k for k in store.links.for_step(_step_uid(store, "contact_to_people"))][
            : 2 * CHANGES]
    stamp = time.strftime("%H%M%S") + tag
    to_people = contact_links[:CHANGES]
    to_contacts = contact_links[CHANGES:]
    for i, link in enumerate(to_people):
        sf.Contact.update(link.sf_id, {"FirstName": f"SfChange{stamp}x{i}"})
    for i, link in enumerate(to_contacts):
        plx.update_person(link.plx_id, {"last_name": f"PlxChange{stamp}x{i}"})
    cpu, wall, calls = _poll(sandbox, data_dir)
    people = plx.get_people([k.plx_id for k in to_people])
    arrived_plx = sum(people[k.plx_id]["first_name"] == f"SfChange{stamp}x{i}"
                      for i, k in enumerate(to_people))
    ids = ", ".join(f"'{k.sf_id}'" for k in to_contacts)
    records = sf.query(f"SELECT Id, LastName FROM Contact WHERE Id IN ({ids})")["records"]
    wanted = {k.sf_id: f"PlxChange{stamp}x{i}" for i, k in enumerate(to_contacts)}
    arrived_sf = sum(r["LastName"] == wanted.get(r["Id"]) for r in records)
    sf_calls, _ = salesforce_calls(calls["sf"])
    results.say(f"{CHANGES} contacts changed in Salesforce and {CHANGES} people in PeopleLinx{when}: one "
                f"poll carried {arrived_plx}/{CHANGES} to PeopleLinx and {arrived_sf}/{CHANGES} "
                f"to Salesforce in {wall * 1000:.0f} ms wall ({cpu * 1000:.0f} ms CPU); "
                f"Salesforce {sf_calls} calls [{fmt_routes(calls['sf'])}], PeopleLinx "
                f"[{fmt_routes(calls['plx'])}]")
    _say_own(results)
    results.say("    time until they reach the other side = this poll's duration plus the wait "
                "for the next poll (the admin's interval)")
    plx.close()


def _step_uid(store, kind: str) -> str:
    profile = store.profiles.load("custom")
    return next(s.uid for s in profile.steps if s.kind.key == kind)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.incremental", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=None, help="linked records (default 100000)")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the steady-state no-change poll and print the top 30")
    args = parser.parse_args(argv)
    n = args.n or (2000 if args.quick else 100_000)
    results = measure(n, args.latency, args.keep, args.profile)
    print(f"targets met: {sum(t.met for t in results.targets)}/{len(results.targets)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
