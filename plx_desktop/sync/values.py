"""Reading mapped values off a record on one side and converting them for the other.

Values are compared in the target's own representation: what Salesforce would hold, or what
PeopleLinx would hold. That is what makes echo suppression exact: a value we wrote comes back
looking exactly like what we wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from plx_desktop.connectors.salesforce_models import ObjectDescription
from plx_desktop.domain import ConversionError, FieldMapping, SyncRule, nested, read_value
from plx_desktop.domain.convert import convert_value, is_text_type

ACCOUNT_NAME = "Account.Name"  # a contact's company: resolved to AccountId by the engine


# A Salesforce record's field ("Account.Name" follows the parent), a person's field
# ("custom_fields.x" reads the custom field), and flat values as a PeopleLinx body.
sf_get = plx_get = read_value
plx_payload = nested


def active(mappings: Iterable[FieldMapping], *, to_salesforce: bool) -> list[FieldMapping]:
    """The mappings that carry values in this direction, by their sync rule."""
    blocked = {SyncRule.DONT_SYNC}
    blocked.add(SyncRule.ALWAYS_SALESFORCE if to_salesforce else SyncRule.ALWAYS_PEOPLELINX)
    return [m for m in mappings if m.sync_rule not in blocked]


@dataclass
class Mapped:
    """A record's mapped values in the target representation, and what went wrong on the way."""

    values: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class _Field:
    """One mapping to PeopleLinx, with what its people field says, looked up once a batch."""

    field: str
    sf_field: str
    dotted: bool  # "Account.Name": read through the parent
    target_type: str
    max_length: int | None
    label: str
    unless_blank: bool  # Prefer Salesforce unless blank
    plain_text: bool  # a text field: a string that fits is its own value


class PeopleLinxValues:
    """`to_peoplelinx` for many records of one batch: the mappings and people fields are read
    once, not once a record (a value's conversion is the same either way)."""

    def __init__(self, mappings: list[FieldMapping], people_fields: dict[str, dict[str, Any]]):
        plan = []
        for m in mappings:
            info = people_fields.get(m.peoplelinx_field, {})
            target_type = info.get("type") or m.peoplelinx_type or "string"
            plan.append(_Field(m.peoplelinx_field, m.salesforce_field, "." in m.salesforce_field,
                               target_type, info.get("max_length"),
                               info.get("label", m.peoplelinx_field),
                               m.sync_rule is SyncRule.PREFER_SALESFORCE_UNLESS_BLANK,
                               is_text_type(target_type)))
        self._plan = plan

    def __call__(self, record: dict[str, Any]) -> Mapped:
        out = Mapped()
        values = out.values
        for f in self._plan:
            raw = sf_get(record, f.sf_field) if f.dotted else record.get(f.sf_field)
            if f.unless_blank and raw in (None, ""):
                continue
            if f.plain_text and type(raw) is str and (f.max_length is None
                                                      or len(raw) <= f.max_length):
                values[f.field] = raw  # what convert_value gives a text that fits, sooner
                continue
            try:
                converted = convert_value(raw, f.target_type, to_salesforce=False,
                                          max_length=f.max_length, field_label=f.label)
            except ConversionError as exc:
                out.error = f"{f.sf_field}: {exc}"
                return out
            values[f.field] = converted.value
            if converted.warning:
                out.warnings.append(converted.warning)
        return out


def to_peoplelinx(record: dict[str, Any], mappings: list[FieldMapping],
                  people_fields: dict[str, dict[str, Any]]) -> Mapped:
    """A Salesforce record's mapped values as PeopleLinx would hold them, keyed by people field."""
    return PeopleLinxValues(mappings, people_fields)(record)


def to_salesforce(person: dict[str, Any], mappings: list[FieldMapping],
                  describe: ObjectDescription, raw_values: dict[str, Any] | None = None) -> Mapped:
    """A person's mapped values as Salesforce would hold them, keyed by Salesforce field.
    `raw_values`: the person's values of the mapped PeopleLinx fields, when read already."""
    out = Mapped()
    for m in mappings:
        raw = (raw_values[m.peoplelinx_field] if raw_values is not None
               else plx_get(person, m.peoplelinx_field))
        if m.salesforce_field == ACCOUNT_NAME:
            out.values[ACCOUNT_NAME] = (str(raw).strip() or None) if raw is not None else None
            continue
        info = describe.field(m.salesforce_field)
        if info is None:
            out.error = (f"{describe.name} has no field {m.salesforce_field}; fix the step's "
                         "field mappings")
            return out
        if not (info.createable or info.updateable):
            out.error = f"{describe.name}.{info.name} is read-only in Salesforce"
            return out
        try:
            converted = convert_value(raw, info.type, to_salesforce=True,
                                      max_length=info.length or None, field_label=info.label)
        except ConversionError as exc:
            out.error = f"{m.peoplelinx_field}: {exc}"
            return out
        out.values[info.name] = converted.value
        if converted.warning:
            out.warnings.append(converted.warning)
    return out


def changed(now: dict[str, Any], known: dict[str, Any]) -> dict[str, Any]:
    """The values in `now` that differ from what is known to be on the target."""
    return {k: v for k, v in now.items() if k not in known or known[k] != v}


def salesforce_wins_conflict(rule: SyncRule, salesforce_value: Any, salesforce_time: Any,
                             peoplelinx_time: Any) -> bool:
    """Which side's value stands when a field changed on both sides since the last sync."""
    if rule is SyncRule.ALWAYS_SALESFORCE:
        return True
    if rule is SyncRule.ALWAYS_PEOPLELINX:
        return False
    if rule is SyncRule.PREFER_SALESFORCE_UNLESS_BLANK:
        return salesforce_value not in (None, "")
    newer: bool = salesforce_time >= peoplelinx_time  # Two-way: the most recent change wins
    return newer
