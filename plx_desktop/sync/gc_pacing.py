"""The cyclic garbage collector's pace during a run: fewer young collections.

A run keeps thousands of records alive at once (a page of 2,000 Salesforce records, a Bulk API
batch of 10,000 people, batches in flight) and allocates dicts and tuples for each. With the
default first threshold (700 allocations) the collector walked that live data again and again:
a sixth of Contacts → People's CPU and a fifth of People → Contact's, for data that holds no
cycles. During a run the threshold is raised; it is put back when the run ends, since tests and
`--every` run the engine in a process that does other things too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Allocations between young collections while a run goes on (the default is 700).
RUN_THRESHOLD = 20_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], RUN_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
