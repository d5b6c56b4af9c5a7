"""Steps of the same kind, told apart: the admin's names, labels that differ, and fields two steps
would both write.

A Custom profile may hold two Contact → People steps (say, one per region). The admin can name a
step; an unnamed step that shares its label with another gets its filter (or its place) added to
the label, so the step list, the Log's Step filter and Sync health never show two identical rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from plx_desktop.domain.catalog import Direction
from plx_desktop.domain.step import MAX_NAME, Step, checked_name

__all__ = ["MAX_NAME", "checked_name", "distinct_labels", "filter_text", "write_clashes",
           "written_fields"]

def filter_text(step: Step) -> str:
    """The step's filter in a few words: 'Email ends with @acme.com', 'filter: EMEA leads'."""
    if step.saved_filter is not None:
        return f"filter: {step.saved_filter.name or step.saved_filter.id}"
    rules = [f"{r.field} {r.operator.label}" + (f" {r.value}" if r.operator.takes_value else "")
             for r in step.filter_rules]
    if len(rules) > 2:
        rules = [*rules[:2], f"+{len(rules) - 2} more"]
    return ", ".join(rules)


def distinct_labels(steps: Iterable[Step]) -> dict[str, str]:
    """uid → a label no other step of the list has: the step's own label (its name, or its kind),
    with its filter or its number among its namesakes added when it shares the label."""
    steps = list(steps)
    counts = Counter(s.label for s in steps)
    seen: Counter[str] = Counter()
    out: dict[str, str] = {}
    for step in steps:
        seen[step.label] += 1
        if counts[step.label] == 1:
            out[step.uid] = step.label
            continue
        described = filter_text(step)
        # The first unfiltered one keeps its plain label (a clone never renames its source).
        out[step.uid] = (f"{step.label} ({described})" if described
                         else step.label if seen[step.label] == 1
                         else f"{step.label} #{seen[step.label]}")
    # Namesakes with the same filter: their number tells the later ones apart.
    again = Counter(out.values())
    number: Counter[str] = Counter()
    for step in steps:
        label = out[step.uid]
        if again[label] > 1:
            number[label] += 1
            if number[label] > 1:
                out[step.uid] = f"{label} #{number[label]}"
    return out


def written_fields(step: Step) -> set[tuple[str, str]]:
    """(system, field) pairs the step writes: PeopleLinx people fields for Salesforce → PeopleLinx
    steps, fields of the target Salesforce object for the others."""
    if step.direction is Direction.SALESFORCE_TO_PEOPLELINX:
        return {("PeopleLinx person", m.peoplelinx_field) for m in step.mappings}
    return {(step.target.name, m.salesforce_field) for m in step.mappings}


def write_clashes(steps: Iterable[Step]) -> list[str]:
    """One line per field that two enabled steps of the same kind would both write from the same
    records (each would write its value over the other's, a conflict's winner included), naming
    the steps. Steps of different kinds (Contact → People and Lead → People) read different
    records and are not flagged."""
    steps = [s for s in steps if s.enabled]
    labels = distinct_labels(steps)
    writers: dict[tuple[str, str, str], list[str]] = {}
    for step in steps:
        for system, name in sorted(written_fields(step)):
            writers.setdefault((step.kind.key, system, name), []).append(labels[step.uid])
    return [f"{name} ({system}) is written by both {' and '.join(names)}"
            for (_, system, name), names in sorted(writers.items()) if len(names) > 1]
