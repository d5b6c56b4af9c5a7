"""`plx-desktop sandbox serve --only SERVICE`: one stand-in per process, as the benchmark runs them.

Each process describes its service in its own part file and never writes sandbox.json; whoever
started both merges the parts (runner.merge_parts), and the app then syncs against the two
processes as against one sandbox.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests
from autogroup import KERNEL_HAS_AUTOGROUP, autogroup
from cli_helpers import ctrl_c_works, sync_twice_writes_then_none

from plx_desktop.sandbox.runner import SANDBOX_JSON, merge_parts, part_file

ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


@contextmanager
def serving(data_dir: Path, service: str, *extra: str,
            own_session: bool = False) -> Iterator[subprocess.Popen[str]]:
    """`sandbox serve --only SERVICE` in a child process, until its part file exists; SIGINT
    at the end, as Ctrl+C would. `own_session`: started as a service manager or the benchmark
    starts it, leading a session of its own."""
    part = data_dir / "sandbox" / part_file(service)
    proc = subprocess.Popen(
        [sys.executable, "-m", "plx_desktop", "--data-dir", str(data_dir), "sandbox", "serve",
         "--only", service, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=ENV, preexec_fn=ctrl_c_works, start_new_session=own_session)
    try:
        assert proc.stdout is not None
        # Blocks until the server is up (its banner ends so), or ends empty when it exits.
        banner = [proc.stdout.readline() for _ in range(3)]
        assert "Press Ctrl+C" in banner[-1], (banner, proc.poll())
        assert part.exists()
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _session(ca_file: str) -> requests.Session:
    http = requests.Session()
    http.trust_env = False
    http.verify = ca_file
    return http


def test_serve_only_peoplelinx_serves_that_service_and_writes_only_its_part(tmp_path: Path) -> None:
    state = tmp_path / "sandbox"
    with serving(tmp_path, "peoplelinx", "--seed", "demo") as proc:
        part = json.loads((state / part_file("peoplelinx")).read_text())
        assert part["pid"] == proc.pid
        with _session(part["ca_file"]) as http:
            me = http.get(f"{part['peoplelinx_base_url']}/v1/me", timeout=30,
                          headers={"Authorization": f"Bearer {part['peoplelinx_api_key']}"})
            people = http.get(f"{part['peoplelinx_base_url']}/v1/people", timeout=30,
                              headers={"Authorization": f"Bearer {part['peoplelinx_api_key']}"})
        assert me.status_code == 200 and me.json()["account"]["name"] == "Sandbox Demo Co"
        assert people.status_code == 200 and people.json()["data"]  # seeded with its demo part
        # the one service only: no Salesforce, and sandbox.json is not this process's to write
        assert not (state / SANDBOX_JSON).exists()
        assert not (state / part_file("salesforce")).exists()
        assert not (state / "salesforce.sqlite3").exists()
    assert proc.returncode == 0
    assert not (state / part_file("peoplelinx")).exists()  # taken back at Ctrl+C


def test_a_server_gives_way_to_the_window_and_changes_no_group_but_its_own(tmp_path: Path) -> None:
    # Nicer than whoever started it; on Linux with autogroup, its session's scheduling group
    # is made nicer only when that session is its own (background.py): never the shell's.
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    before = autogroup()  # None in the default group (a CI container): nothing to change there
    with serving(tmp_path / "shared", "peoplelinx") as shared, \
            serving(tmp_path / "own", "peoplelinx", own_session=True) as own:
        for proc in (shared, own):
            assert os.getpriority(os.PRIO_PROCESS, proc.pid) == min(19, mine + 5)
        if KERNEL_HAS_AUTOGROUP:
            assert autogroup(shared.pid) == autogroup() == before  # the starter's, untouched
            # a new session always gets a group of its own, at nice 0 before the server's change
            own_group = autogroup(own.pid)
            assert own_group is not None and own_group != before and own_group[1] == 5
    assert shared.returncode == 0 and own.returncode == 0  # Ctrl+C still stops both


@pytest.mark.slow
def test_two_one_service_processes_make_one_sandbox_that_sync_uses(tmp_path: Path) -> None:
    state = tmp_path / "sandbox"
    with ExitStack() as stack:
        sf = stack.enter_context(serving(tmp_path, "salesforce", "--seed", "demo"))
        plx = stack.enter_context(serving(tmp_path, "peoplelinx", "--seed", "demo"))
        info = merge_parts(state)
        assert info.pid == sf.pid != plx.pid  # the app's running-sandbox check probes Salesforce
        assert json.loads((state / SANDBOX_JSON).read_text())["peoplelinx_base_url"] == \
            json.loads((state / part_file("peoplelinx")).read_text())["peoplelinx_base_url"]
        with _session(info.ca_file) as http:
            # two processes, two clocks: moving one leaves the other where it was
            moved = http.post(f"{info.salesforce_instance_url}/__sandbox__/clock", timeout=30,
                              json={"advance_seconds": 5}).json()
            still = http.post(f"{info.peoplelinx_base_url}/__sandbox__/clock", timeout=30,
                              json={"advance_seconds": 0}).json()
        assert moved["offset_seconds"] == 5 and still["offset_seconds"] == 0
        sync_twice_writes_then_none(tmp_path, ENV)
        # the sync used the two running processes, not a sandbox of its own
        assert json.loads((state / SANDBOX_JSON).read_text())["pid"] == sf.pid
