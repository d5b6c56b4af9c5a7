"""Which Salesforce fields a profile names, and which of them an org does not have.

Used when a profile file is imported while Salesforce is connected: a field the org lacks (or
hides from the connected user) is named before anything is saved, instead of surfacing later as
Salesforce's raw INVALID_FIELD text at the first run.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from plx_desktop.domain.catalog import Direction
from plx_desktop.domain.profile import Profile


def salesforce_fields_used(profile: Profile) -> dict[str, set[str]]:
    """Salesforce object → the fields the profile's mappings and filtering rules name on it
    (plain fields only: a path such as Account.Name is checked by Salesforce's own describe of
    the related object, which this does not read)."""
    used: dict[str, set[str]] = {}
    for step in profile.steps:
        sobject = (step.source if step.direction is Direction.SALESFORCE_TO_PEOPLELINX
                   else step.target).name
        names = {m.salesforce_field for m in step.mappings} | {r.field for r in step.filter_rules}
        names = {n for n in names if n and "." not in n}
        if names:
            used.setdefault(sobject, set()).update(names)
    return used


def unknown_salesforce_fields(profile: Profile,
                              described: Mapping[str, Collection[str]]) -> list[str]:
    """One line per field the org does not have, naming the step, the field and the object;
    objects missing from `described` are not judged."""
    problems = []
    for number, step in enumerate(profile.steps, start=1):
        sobject = (step.source if step.direction is Direction.SALESFORCE_TO_PEOPLELINX
                   else step.target).name
        if sobject not in described:
            continue
        known = {name.lower() for name in described[sobject]}
        names = [m.salesforce_field for m in step.mappings] + [r.field for r in step.filter_rules]
        for name in dict.fromkeys(n for n in names if n and "." not in n):
            if name.lower() not in known:
                problems.append(f"Step {number} ({step.label}): Salesforce has no field {name} on "
                                f"{sobject} that the connected user can see")
    return problems
