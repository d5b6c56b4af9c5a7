"""Background work gives way to the admin's window: the window's sync child, the sandbox's servers.

With every core busy (a big run against a local sandbox), the scheduler should run the window
first when it wakes, and let the background wait its turn instead (docs/PERFORMANCE.md, the
window). A process gives way in two ways:

- its nice value, a few steps above the window's (where the OS has one: not on Windows);
- on Linux with autogroup (sched(7)), its session's scheduling group too. There a nice value
  counts only against the processes of the same session, and each session's group competes with
  the others as one. A sync child that shared the window's group took the window's share of the
  machine, and a sandbox server in a group of its own at the default nice competed with the
  window's group as an equal: the window's thread waited up to 70 ms for a core (its schedstat)
  while both kept the cores busy.

Only the process's own group is changed: the window's child starts a session of its own first,
and a server changes its group only when it leads its session (started by a service manager or
the benchmarks). A server started from a terminal's shell shares the shell's session, which
stays as it is, and Ctrl-C still reaches it. Where systemd gives the app a cgroup of its own,
autogroup does not apply and the nice value is what counts.
"""

from __future__ import annotations

import os
from pathlib import Path

NICENESS = 5  # enough for the scheduler to prefer the window; not so much that a run crawls
_AUTOGROUP = Path("/proc/self/autogroup")


def give_way(*, own_session: bool = False) -> None:
    """Make this process nicer than the window by NICENESS, and on Linux with autogroup its
    scheduling group too: after starting a session of its own when `own_session` (a child of
    the window; it must not be a process group leader), or when it already leads its session."""
    try:
        os.nice(NICENESS)
    except (AttributeError, OSError):
        pass  # no nice on this OS: the process keeps its priority
    try:
        group = _AUTOGROUP.read_text().split()  # "/autogroup-123 nice 0"
        if not group:
            # The default group, whose file reads empty: a session that goes back to init, as
            # in some containers. There nice values compete one to one, and a group of its own
            # would compete with all the others as an equal, so the process stays where it is.
            return
        if own_session:
            os.setsid()  # a new session, so a new group, at nice 0: set from the old one's
        elif os.getsid(0) != os.getpid():
            return  # the session of a shell or of the window: not ours to change
        _AUTOGROUP.write_text(str(min(19, int(group[-1]) + NICENESS)))
    except (AttributeError, OSError, ValueError):
        # No autogroup (other kernels, other systems), or the kernel's limit of one change of
        # a group's nice per tenth of a second (a child with a session of its own then keeps
        # its new group at nice 0, still not the window's): the nice value above stays.
        pass
