"""background.give_way on each kind of machine, whatever kind this one is.

The tests in tests/gui/test_worker.py and tests/commands/test_cli_serve_only.py check the real
kernel's groups, so each runs only the branch that matches the machine it is on (a desktop
session, or a CI container whose processes sit in the default group). Here the group's file is
a file of the test's own, so every branch runs everywhere: what the process does with its session
and its nice is real, only the autogroup file is not the kernel's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "setsid"), reason="sessions are POSIX only")

_CHILD = """
import json, os, sys
from pathlib import Path
from plx_desktop import background
background._AUTOGROUP = Path(sys.argv[1])
before = {"sid": os.getsid(0), "nice": os.getpriority(os.PRIO_PROCESS, 0)}
background.give_way(own_session=sys.argv[2] == "own")
print(json.dumps({"before": before, "sid": os.getsid(0), "pid": os.getpid(),
                  "nice": os.getpriority(os.PRIO_PROCESS, 0)}))
"""


def _give_way(group_file: Path, own_session: bool) -> dict:
    # A child of this process: not a session leader (setsid needs that), as the window's child.
    done = subprocess.run([sys.executable, "-c", _CHILD, str(group_file),
                           "own" if own_session else "shared"],
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_in_the_default_group_the_child_keeps_its_session_and_is_only_nicer(tmp_path):
    group_file = tmp_path / "autogroup"
    group_file.write_text("")  # what the kernel shows for the default group
    seen = _give_way(group_file, own_session=True)
    assert seen["sid"] == seen["before"]["sid"]  # no session of its own: nothing to gain there
    assert seen["nice"] == min(19, seen["before"]["nice"] + 5)
    assert group_file.read_text() == ""


def test_with_a_group_the_child_takes_a_session_and_makes_its_group_nicer(tmp_path):
    group_file = tmp_path / "autogroup"
    group_file.write_text("/autogroup-7 nice 3\n")
    seen = _give_way(group_file, own_session=True)
    assert seen["sid"] == seen["pid"] != seen["before"]["sid"]  # a session of its own
    assert seen["nice"] == min(19, seen["before"]["nice"] + 5)
    assert group_file.read_text() == "8"  # its old group's nice, and 5 more


def test_a_process_in_someone_elses_session_leaves_that_group_alone(tmp_path):
    group_file = tmp_path / "autogroup"
    group_file.write_text("/autogroup-7 nice 3\n")
    seen = _give_way(group_file, own_session=False)
    assert seen["sid"] == seen["before"]["sid"] != seen["pid"]  # the test's session, not its own
    assert seen["nice"] == min(19, seen["before"]["nice"] + 5)
    assert group_file.read_text() == "/autogroup-7 nice 3\n"  # the shell's group, untouched
