"""A new or changed mapping reaches the records already linked: how many, at what cost, and the
request that has the next run bring them up to date.

A step reads only records that changed since its cursor, so a mapping added today would reach an
existing record only when that record next changes. Apply to existing records asks the next run
to read every linked record of the step again by id (the Retry path, retries.py): each is
mapped with the new mapping and written where its value differs, like any other record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from plx_desktop.domain import Step
from plx_desktop.domain.catalog import Direction
from plx_desktop.domain.mapping import FieldMapping
from plx_desktop.store import Store

SALESFORCE_IDS_PER_QUERY = 200  # retries.py reads records by Id, 200 in one SOQL IN list
SALESFORCE_RECORDS_PER_WRITE = 200  # sObject Collections
PEOPLELINX_PER_CALL = 500  # people read by id, and batch writes


@dataclass(frozen=True)
class Reach:
    """What applying a step's mappings to its existing records involves."""

    mappings: tuple[FieldMapping, ...]  # the new or changed ones
    linked: int  # records linked on this step's object
    salesforce_calls: int  # at most (every record differing)
    peoplelinx_calls: int

    @property
    def fields(self) -> str:
        return ", ".join(f"{m.salesforce_field} ↔ {m.peoplelinx_field}" for m in self.mappings)


def new_mappings(before: Step, after: Step) -> tuple[FieldMapping, ...]:
    """Mappings `after` has that `before` had not in the same form (field pair, types or rule):
    the ones whose values may not have reached existing records."""
    known = {(m.salesforce_field, m.peoplelinx_field, m.salesforce_type, m.peoplelinx_type)
             for m in before.mappings}
    return tuple(m for m in after.mappings
                 if (m.salesforce_field, m.peoplelinx_field, m.salesforce_type,
                     m.peoplelinx_type) not in known)


def _salesforce_object(step: Step) -> str:
    return (step.source if step.direction is Direction.SALESFORCE_TO_PEOPLELINX
            else step.target).name


def linked_pairs(store: Store, step: Step) -> list[tuple[str, str]]:
    """(sf_id, plx_id) of the people linked on the step's Salesforce object."""
    cursor = store.db.execute_sql(
        "SELECT sf_id, plx_id FROM record_link WHERE sf_object = ? AND plx_object = 'person' "
        "ORDER BY id", (_salesforce_object(step),))
    return [(row[0], row[1]) for row in cursor]


def reach(store: Store, before: Step, after: Step) -> Reach:
    """The new mappings of an edited step, its linked records, and the cost of applying them."""
    added = new_mappings(before, after)
    linked = len(linked_pairs(store, after)) if added else 0
    if after.direction is Direction.SALESFORCE_TO_PEOPLELINX:
        sf_calls = math.ceil(linked / SALESFORCE_IDS_PER_QUERY)  # reads
        plx_calls = math.ceil(linked / PEOPLELINX_PER_CALL)  # batch writes, at most
    else:
        plx_calls = math.ceil(linked / PEOPLELINX_PER_CALL)  # reads
        sf_calls = math.ceil(linked / SALESFORCE_RECORDS_PER_WRITE)  # updates, at most
    return Reach(added, linked, sf_calls, plx_calls)


def apply_to_existing(store: Store, step: Step) -> int:
    """Have the next run read every linked record of the step again (and update those whose
    values differ); how many were asked."""
    pairs = linked_pairs(store, step)
    store.health.request_pairs(step.uid, pairs)
    return len(pairs)
