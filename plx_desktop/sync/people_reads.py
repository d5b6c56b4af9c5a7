"""Where a People step's read of PeopleLinx stops, and one read shared by both People steps.

**The horizon.** Writing a person's Salesforce link back (people_to_salesforce._tell_peoplelinx)
gives them a new `updated_at`, after the step's cursor: a read still paging would meet every
write-back again at the end of the order. So a step's read stops at its own start on PeopleLinx's
clock, which the first write-back that moved someone's `updated_at` tells (PeopleLinx gives every
write a strictly later `updated_at` than any write before it): whoever was changed before it is
in the pages still to come (a person changed while we page moves to the end of the order), and
whoever is at or after it (our own write-backs, or anyone changed since) is left for the next
poll. The cursor stands on the last person processed, so it never passes one not processed.

**The shared read.** With People → Contact and People → Lead in a profile, the second would read
every person again only to leave most of them to the first. When both read the same people (the
same saved filter, or none) and the first step's read covers the second's (it starts at or
before the second's cursor), the first keeps, in a scratch table in the order read, each person
it read: whole, or (for someone now linked to its object and not to the other's, whom the second
step leaves: salesforce_matching.left_to_other_step) by id only. The second step then reads that
table instead of PeopleLinx: first the id-only people whose links changed since (looked up again
by id, synced without moving the cursor, like retries), then the others in order; its cursor goes
to where the first's read ended. Everyone the second step's own read would have handled is in it;
people changed after the first step's read are the next poll's, for both steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from plx_desktop.connectors.peoplelinx_types import ItemResult
from plx_desktop.domain import Step
from plx_desktop.domain.datetimes import parse_datetime
from plx_desktop.store.scratch import ScratchIndex
from plx_desktop.sync.context import RunContext

_CACHE_KEY = "people_read_handover"
_OBJECTS = {"people_to_contact": "Contact", "people_to_lead": "Lead"}


def later(stamp: str, than: str) -> bool:
    """`stamp` is at or after `than` (PeopleLinx's fixed-width RFC 3339 text compares as text)."""
    if len(stamp) == len(than) and stamp.endswith("Z") and than.endswith("Z"):
        return stamp >= than
    return parse_datetime(stamp) >= parse_datetime(than)


@dataclass
class Horizon:
    """Where the step's read stops: the `updated_at` of its first write-back (None: not yet)."""

    stop: str | None = None

    def note(self, sent: Iterable[tuple[str, str | None]]) -> None:
        """(the person's `updated_at` as read, as written: written_at) of write-backs just made;
        a write that changed nothing keeps its old `updated_at` and tells nothing of the clock."""
        for read_at, now in sent:
            if now and now != read_at and (self.stop is None or not later(now, self.stop)):
                self.stop = now

    def cut(self, pages: Iterable[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        """The pages up to the horizon; paging ends at the first person at or past it."""
        for page in pages:
            stop = self.stop
            # Pages come in updated_at order: only one whose last person is past the horizon
            # holds the end of the read.
            if stop is not None and page and later(page[-1]["updated_at"], stop):
                for n, person in enumerate(page):
                    if later(person["updated_at"], stop):
                        if n:
                            yield page[:n]
                        return
            yield page


def written_at(result: ItemResult) -> str | None:
    """The `updated_at` a write-back gave the person (None: refused), all the horizon needs of
    PeopleLinx's answer: a Bulk job's write-backs are not held as whole people until settled."""
    return (result.person or {}).get("updated_at") if result.ok else None


@dataclass
class Handover:
    """The people one People step read, kept for the other one (see the module's docstring)."""

    source_uid: str
    target_uid: str
    sobject: str  # the source step's object
    other: str  # the target step's object
    filter_id: str | None
    since: str | None  # the source step's cursor when its read began
    table: ScratchIndex
    end: str | None = None  # the `updated_at` of the last person kept
    kept: int = 0
    whole: int = 0  # of those, kept whole
    complete: bool = False  # the source step's read ran to its end
    _seq: int = field(default=0, repr=False)

    def keep(self, people: list[dict[str, Any]], linked_here_only: set[str]) -> None:
        """A batch the source step is done with, in read order; `linked_here_only` are those
        linked to its object and not to the other's (kept by id only)."""
        rows = []
        for person in people:
            self._seq += 1
            whole = None if person["id"] in linked_here_only else person
            self.whole += whole is not None
            rows.append((f"{self._seq:012d}", [person["id"], whole]))
        self.table.put_many(rows)
        self.kept += len(people)
        if people:
            self.end = people[-1]["updated_at"]

    def rows(self, chunk: int) -> Iterator[list[tuple[str, dict[str, Any] | None]]]:
        """(id, the person or None) in read order, `chunk` at a time."""
        key = ""
        while True:
            got = self.table.items_after(key, chunk)
            if not got:
                return
            key = got[-1][0]
            yield [(value[0], value[1]) for _, value in got]


def _other_step(step: Step, ctx: RunContext) -> Step | None:
    """The one other enabled People → Salesforce step, if it is still to run in this run."""
    other_kind = ("people_to_lead" if step.kind.key == "people_to_contact"
                  else "people_to_contact")
    others = [s for s in ctx.queries.enabled_steps() if s.kind.key == other_kind]
    if len(others) != 1 or others[0].uid in ctx.run.steps_run:
        return None
    return others[0]


def _filter_id(step: Step) -> str | None:
    return step.saved_filter.id if step.saved_filter else None


def offer(step: Step, ctx: RunContext, since: str | None) -> Handover | None:
    """A handover for the other People step when its read would be covered by this one's."""
    if step.kind.key not in _OBJECTS:
        return None
    other = _other_step(step, ctx)
    if other is None or _filter_id(other) != _filter_id(step):
        return None
    theirs = ctx.services.store.cursors.get(other.uid)
    if since is not None and (theirs is None or not later(theirs, since)):
        return None  # the other step must read from before where this one starts
    handover = Handover(step.uid, other.uid, _OBJECTS[step.kind.key], _OBJECTS[other.kind.key],
                        _filter_id(step), since, ctx.services.store.scratch("people_handover"))
    ctx.run.cache[_CACHE_KEY] = handover
    return handover


def take(step: Step, ctx: RunContext) -> Handover | None:
    """The handover left for this step by the other People step in this run, if it still holds:
    the same saved filter, and the other step's read began (its cursor as this step's was)."""
    handover = ctx.run.cache.pop(_CACHE_KEY, None)
    if not isinstance(handover, Handover) or handover.target_uid != step.uid:
        return None
    if handover.filter_id != _filter_id(step):
        return None
    # Nothing kept and the read broken off: this step reads for itself.
    return handover if handover.complete or handover.end is not None else None


def changed_since(ctx: RunContext, handover: Handover,
                  ids: list[str]) -> list[str]:
    """Of people kept by id only, those no longer linked to the source's object alone (a link
    moved or ended since): the target step must look at them after all."""
    still = ctx.services.store.links.linked_only_to(ids, handover.sobject, handover.other)
    return [i for i in ids if i not in still]
