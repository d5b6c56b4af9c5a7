"""What the headless CLI tests share: reading `sync --once` summary lines, and the sync run
twice against a running sandbox (the first writes, the second has nothing left to do)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path


def counts(line: str) -> tuple[int, ...]:
    """(created, updated, skipped, failed) from one summary line of `sync --once`."""
    _, numbers = line.split(": ", 1)
    return tuple(int(part.strip().split(" ")[0]) for part in numbers.split(",")[:4])


def sync_twice_writes_then_none(data_dir: Path, env: dict[str, str]) -> None:
    """`plx-desktop --sandbox sync --once` twice: both succeed with nothing failed; the first
    creates or updates records, the second finds nothing to do."""
    for expect_writes in (True, False):
        done = subprocess.run(
            [sys.executable, "-m", "plx_desktop", "--data-dir", str(data_dir), "--sandbox",
             "sync", "--once"], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        lines = [counts(line) for line in done.stdout.splitlines() if " → " in line]
        assert lines and all(c[3] == 0 for c in lines), done.stdout  # nothing failed
        assert any(c[0] or c[1] for c in lines) is expect_writes, done.stdout


def ctrl_c_works() -> None:
    """For a child that is to be stopped as Ctrl+C stops it: SIGINT back to its default. A test
    run started in the background (`cmd &` in a script, as some CI runners do) ignores SIGINT,
    children inherit that, and Python then never raises KeyboardInterrupt: the child would
    ignore the test's Ctrl+C until killed."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
