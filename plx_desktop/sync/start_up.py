"""What a process that runs syncs does once its start-up is over (the headless `plx-desktop sync`,
the window's sync child).

`settle_start_up` moves every object alive by then (the imported modules, the connectors, the
connections) out of the garbage collector's sight. They live as long as the process, and a full
collection walked all of them again and again while a sync ran: at 20,000 contacts, 0.34 s of
3.7 s of CPU went to five full collections, 0.10 s after. Nothing alive is ever freed by this
(gc.freeze only skips those objects in later collections), so a process calls it once, not per run.
"""

from __future__ import annotations

import gc


def settle_start_up() -> None:
    gc.collect()  # what start-up left as garbage goes first: it must not be kept forever
    gc.freeze()
