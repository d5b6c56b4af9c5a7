"""What a process that runs syncs does once its start-up is over (the headless `plx-desktop sync`,
the window's sync child).

`settle_start_up` moves every object alive by then (the imported modules, the connectors, the
connections) out of the garbage collector's sight. They live as long as the process, and a full
collection walked all of them again and again while a sync ran: at 20,000 contacts, 0.34 s of
3.7 s of CPU went to five full collections, 0.10 s after. Nothing alive is ever freed by this
(gc.freeze only skips those objects in later collections), so a process calls it once, not per run.

It also makes the young generation's collections rarer (every 100,000 allocations, not 700): a
sync makes and drops a few dicts per record, so at 700 a collection came every few records and
walked the batch's live objects each time (the records of the batches in flight, the group
waiting for its commit), and these collections never find garbage: a sync's objects are freed by
their reference counts. Measured on one 100,000-record People → Contacts/Leads run: 168 µs of CPU
per record at 700, 135 µs at 10,000 (peak memory 147 and 148 MB); from 10,000 to 100,000 the
collector's own CPU went from 0.58 to 0.03 s in Contacts → People and from 0.93 to 0.22–0.35 s
in People → Contacts/Leads (100,000 records at 0 ms, thread CPU inside gc.callbacks; the whole
process's CPU moves less than its run-to-run noise).
"""

from __future__ import annotations

import gc


def settle_start_up() -> None:
    gc.collect()  # what start-up left as garbage goes first: it must not be kept forever
    gc.freeze()
    gc.set_threshold(100_000, 20, 20)  # young, middle, old: see the module's docstring
