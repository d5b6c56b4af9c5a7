"""A record Salesforce refused, in the admin's words: the rule that refused it and what to do.

Validation rules (FIELD_CUSTOM_VALIDATION_EXCEPTION) are named with their message and the field
they point at; duplicate rules (DUPLICATES_DETECTED) with the rule and each matched record's id
and link, which Sync health's "Link to this record" and "Create anyway" act on
(store/duplicate_actions.py reads them back from the entry).
"""

from __future__ import annotations

from collections.abc import Callable

from plx_desktop.connectors.salesforce_models import RecordResult

VALIDATION, DUPLICATES = "FIELD_CUSTOM_VALIDATION_EXCEPTION", "DUPLICATES_DETECTED"


def refusal(result: RecordResult, record_url: Callable[[str], str], what: str = "record") -> str:
    """The log message for a refused write (what: "record", "task", "status", ...)."""
    errors = result.errors
    first = errors[0] if errors else None
    if first is not None and first.code == VALIDATION:
        where = f" (field: {', '.join(first.fields)})" if first.fields else ""
        return (f"A validation rule refused the {what}: “{first.message}”{where}. Change the "
                "value in PeopleLinx, or the rule in Salesforce")
    if first is not None and first.code == DUPLICATES:
        rule = f" {first.duplicate_rule}" if first.duplicate_rule else ""
        matched = "; ".join(f"{sobject} {sf_id} ({record_url(sf_id)})"
                            for sobject, sf_id in first.matches) or "records it did not name"
        hint = ("Link to this record in Sync health links the person to it" if
                len(first.matches) == 1 else "merge the duplicates in Salesforce")
        allow = (", or Create anyway saves a new one (the rule allows it)" if first.allow_save
                 else "; the rule blocks new duplicates")
        return (f"The duplicate rule{rule} refused the new {what}: it matches {matched}. "
                f"{hint}{allow}")
    return f"Salesforce refused the {what}: {result.message}"
