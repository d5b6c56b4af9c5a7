"""Crash suite: `plx-desktop --sandbox sync --once` killed with SIGKILL at random moments of a
two-way Default-profile sync, then run to completion: both sides equal, nothing duplicated, nothing
lost.

The sandbox runs as its own process (`sandbox serve`) with latency injected. It counts each API
call before handling it and then waits out the latency, so when the count passes the kill point
the call is in the server's hands and the sync dies mid-batch. Kill points are call counts drawn
from a seeded RNG (deterministic, unlike wall-clock delays); four kills are aimed on purpose:
two at the PeopleLinx batch write, two at and the Salesforce Collections write. Default: seed 1000 (3,000
records) plus 90 activities, 8 kills. PLX_RELIABILITY_FULL=1: 10,002 records plus
300 activities, 20 kills.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import (
    ACTIVITY_KINDS,
    ENV,
    FULL,
    Control,
    ServedSandbox,
    agreement_problems,
    cli,
    snapshot,
    summary_counts,
)

SEED, KILLS, ACTIVITIES = (3334, 20, 300) if FULL else (1000, 8, 90)
LATENCY_MS = 25
RNG_SEED = 20260131
POLL = 0.005  # seconds a proc.wait() may block between two looks at the call counters
PLX_BATCH = "/v1/people/batch"
SF_WRITE = "composite/sobjects"


def _add_activities(control: Control, count: int) -> None:
    """Emails, tasks and calls on PeopleLinx-only people (they reach Salesforce once linked)."""
    people = control.people()[:count]
    for i, person in enumerate(people):
        control.plx("POST", "activity", {"kind": ACTIVITY_KINDS[i % 3], "person_id": person["id"]})


def _routes(calls: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, int]:
    sf, plx = calls
    return {**{f"sf {k}": v for k, v in sf["by_route"].items()},
            **{f"plx {k}": v for k, v in plx["by_route"].items()}}


def _count(routes: dict[str, int], fragment: str) -> int:
    return sum(n for route, n in routes.items() if fragment in route)


def _kill_plan(rng: random.Random, kills: int) -> list[tuple[str, int]]:
    """(what to wait for, how many more of it) per kill: two aimed at each batch write."""
    # In the order the Default profile writes (Contact/Lead -> People first, People -> Salesforce
    # next), so that an aimed write still exists; random kills after them.
    aimed = [("plx " + PLX_BATCH, rng.randint(1, 2)), ("plx " + PLX_BATCH, rng.randint(1, 2)),
             ("sf " + SF_WRITE, rng.randint(1, 3)), ("sf " + SF_WRITE, rng.randint(1, 3))]
    return aimed[:kills] + [("", rng.randint(2, 6)) for _ in range(kills - len(aimed))]


def _sync_until(data_dir: Path, control: Control, target: str, more: int) -> dict[str, Any]:
    """Start one sync; SIGKILL it once `more` further calls matching `target` ('' = any) have
    reached the sandbox. What happened, for the report."""
    before = _routes(control.calls())
    start = _count(before, target)
    out = (data_dir / "sync.out").open("w")
    proc = subprocess.Popen(cli(data_dir, "--sandbox", "sync", "--once"), stdout=out,
                            stderr=subprocess.STDOUT, env=ENV)
    try:
        while True:
            try:
                proc.wait(timeout=POLL)
                out.flush()
                return {"killed": False, "exit": proc.returncode,
                        "output": (data_dir / "sync.out").read_text()[-2000:]}
            except subprocess.TimeoutExpired:
                pass
            now = _routes(control.calls())
            if _count(now, target) >= start + more:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                moved = {r: n - before.get(r, 0) for r, n in now.items() if n != before.get(r, 0)}
                return {"killed": True, "exit": proc.returncode, "target": target or "any call",
                        "calls": sum(moved.values()), "routes": moved}
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        out.close()


def _finish(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(data_dir, "--sandbox", "sync", "--once"), capture_output=True,
                          text=True, env=ENV, timeout=1800)


@pytest.mark.slow
def test_sync_killed_at_random_moments_converges_without_duplicates_or_losses(tmp_path: Path):
    served = ServedSandbox(tmp_path, SEED)
    try:
        control = served.control
        if ACTIVITIES:
            _add_activities(control, ACTIVITIES)
        before = snapshot(control)
        control.faults(latency_ms=LATENCY_MS)
        rng = random.Random(RNG_SEED)
        kills = []
        for target, more in _kill_plan(rng, KILLS):
            outcome = _sync_until(tmp_path, control, target, more)
            if not outcome["killed"]:
                assert outcome["exit"] == 0, outcome  # a sync that ran out of work must succeed
                break
            assert outcome["exit"] == -signal.SIGKILL
            kills.append(outcome)
        print(f"\n{len(kills)} kills:", *kills, sep="\n  ")
        assert len(kills) == KILLS, kills
        assert sum(1 for k in kills if any(PLX_BATCH in r for r in k["routes"])) >= 1
        assert sum(1 for k in kills if any(SF_WRITE in r for r in k["routes"])) >= 1

        control.faults(latency_ms=0)
        done = _finish(tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert all(c[3] == 0 for c in summary_counts(done.stdout)), done.stdout
        again = _finish(tmp_path)
        assert again.returncode == 0, again.stderr
        assert all(c[0] == 0 and c[1] == 0 for c in summary_counts(again.stdout)), again.stdout
        assert agreement_problems(control, before) == []
    finally:
        served.stop()
