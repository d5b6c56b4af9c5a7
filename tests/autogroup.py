"""Read a process's Linux autogroup (sched(7)) the way the tests of giving way need it.

`/proc/PID/autogroup` exists on kernels built with autogroup, but it reads empty for a process
in the default group: one whose session goes back to init without a setsid, as in some CI
containers. There every process competes on its own nice value, and nothing has a group to
change. The tests must hold on both kinds of machine.
"""

from __future__ import annotations

from pathlib import Path

KERNEL_HAS_AUTOGROUP = Path("/proc/self/autogroup").exists()


def autogroup(pid: int | str = "self") -> tuple[str, int] | None:
    """(name, nice) of the process's scheduling group, or None in the default group or without
    autogroup."""
    path = Path(f"/proc/{pid}/autogroup")
    if not path.exists():
        return None
    text = path.read_text().split()  # "/autogroup-123 nice 0", or nothing in the default group
    if not text:
        return None
    name, _, nice = text
    return name, int(nice)
