"""A sync process's start-up objects are taken out of the garbage collector's full walks once,
after the garbage start-up left is collected; young collections come rarer from then on."""

from __future__ import annotations

import gc
import weakref

from plx_desktop.sync.start_up import settle_start_up


def test_start_up_objects_are_frozen_and_its_garbage_is_not():
    class Node:
        pass

    gc.unfreeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's own (an in-process sync earlier may have moved it)
    cycle = Node()
    cycle.me = cycle  # garbage with a cycle: only the collector can free it
    gone = weakref.ref(cycle)
    del cycle
    try:
        settle_start_up()
        assert gc.get_freeze_count() > 0
        assert gone() is None  # collected, not frozen with the rest
        assert gc.get_threshold()[0] > 700  # young collections rarer from then on
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
