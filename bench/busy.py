"""Another process keeping one core busy, for the issue's repeat of the benchmarks on a loaded
machine ("repeated while another process keeps one core busy, the call, CPU-per-record and
memory targets still hold").

    python -m bench.run_all --busy-core [--write-doc --doc docs/PERFORMANCE-BUSY.md]

The load is a plain Python loop in its own process at normal priority, started before the first
benchmark and stopped after the last; the run's header says it was there. It takes a core from
the sync, the sandbox and the window alike, as a backup job or a browser would on an admin's
machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

SPIN = "while True:\n    pass\n"


@contextmanager
def one_core_busy(enabled: bool = True) -> Iterator[int | None]:
    """While the block runs, a process spins on one core; its pid (None when not enabled)."""
    if not enabled:
        yield None
        return
    proc = subprocess.Popen([sys.executable, "-c", SPIN], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


def busy_cpu_seconds(pid: int) -> float:
    """The spinning process's CPU so far (user + system), from /proc: how much it really took."""
    fields = open(f"/proc/{pid}/stat").read().rpartition(")")[2].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks
