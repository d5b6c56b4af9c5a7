"""Applying a step's field mappings to one record: read the source fields, convert, fill defaults.

Field paths are those of fields.py: "Account.Name" reads a Salesforce record's nested
{"Account": {"Name": ...}}; "custom_fields.score" reads a person's {"custom_fields": {...}}.
Mapped values are keyed by the target field's path; `nested` turns them into a request body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plx_desktop.domain.convert import convert_value
from plx_desktop.domain.errors import ConversionError
from plx_desktop.domain.mapping import SyncRule
from plx_desktop.domain.step import Step

# Deliberately plain: one @, a dot in the domain, no spaces; Salesforce refuses worse ones anyway.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_valid_email(email: str | None) -> bool:
    return bool(email) and bool(_EMAIL.match(email.strip()))


@dataclass
class MappedRecord:
    """The target side's values for one record, and what went wrong or was lost on the way."""

    values: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # e.g. a value cut to fit
    errors: list[str] = field(default_factory=list)  # a value that could not be converted

    @property
    def ok(self) -> bool:
        return not self.errors


def read_value(record: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path; None when any part is missing."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def nested(values: Mapping[str, Any]) -> dict[str, Any]:
    """{"custom_fields.score": 1, "email": "x"} -> {"custom_fields": {"score": 1}, "email": "x"}."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        *parents, leaf = path.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def map_record(step: Step, record: Mapping[str, Any], *,
               max_lengths: Mapping[str, int] | None = None) -> MappedRecord:
    """The step's mappings applied to a source record (Don't sync mappings are left out).

    `max_lengths`: target field -> length (from Salesforce describe) for truncation warnings.
    Salesforce fields the kind requires get their default when no mapping filled them (a Lead's
    Company becomes '[not provided]').
    """
    result = MappedRecord()
    lengths = max_lengths or {}
    for mapping in step.mappings:
        if mapping.sync_rule is SyncRule.DONT_SYNC:
            continue
        if step.to_salesforce:
            source, target, target_type = (mapping.peoplelinx_field, mapping.salesforce_field,
                                           mapping.salesforce_type)
        else:
            source, target, target_type = (mapping.salesforce_field, mapping.peoplelinx_field,
                                           mapping.peoplelinx_type)
        value = read_value(record, source)
        if target_type is None:
            result.values[target] = value
            continue
        try:
            converted = convert_value(value, target_type, to_salesforce=step.to_salesforce,
                                      max_length=lengths.get(target), field_label=target)
        except ConversionError as exc:
            result.errors.append(f"{source} → {target}: {exc}")
            continue
        result.values[target] = converted.value
        if converted.warning:
            result.warnings.append(converted.warning)
    for target, default in step.kind.defaults_when_unmapped:
        if result.values.get(target) in (None, ""):
            result.values[target] = default
    return result
