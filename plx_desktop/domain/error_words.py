"""Salesforce's and PeopleLinx's error text in the admin's words: which field, which object, and
what to do. The raw text is never thrown away: callers keep it one click away (Sync health's
details), since support and the Salesforce admin need it as it was.

explain(code, raw) answers the admin's sentence, or the raw text itself when it has no rule for
the code (better the service's words than a guess).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_QUOTED = r"'([^']+)'"
_NO_COLUMN = re.compile(rf"No such column {_QUOTED} on (?:entity {_QUOTED}|sobject of type (\w+))")
_NO_RELATION = re.compile(rf"Didn't understand relationship {_QUOTED}")
_ENTITY = re.compile(r"(?:entity|sobject of type|FROM)\s+'?(\w+)'?", re.IGNORECASE)
_UNEXPECTED = re.compile(rf"unexpected token:\s*{_QUOTED}", re.IGNORECASE)
_LABEL_FIRST = re.compile(r"^([^:]{1,80}):\s*(.*)$", re.S)
_MAX_LENGTH = re.compile(r"max length=(\d+)")
_REQUIRED = re.compile(r"\[([^\]]+)\]")
_PICKLIST_VALUE = re.compile(r"bad value for restricted picklist field:\s*(.*)$", re.S)


def first_line(raw: str) -> str:
    """The raw text's first non-empty line (Salesforce's SOQL errors start with a blank one)."""
    return next((line.strip() for line in raw.splitlines() if line.strip()), "")


def _invalid_field(raw: str, sobject: str) -> str:
    found = _NO_COLUMN.search(raw)
    if found:
        field, on = found.group(1), found.group(2) or found.group(3) or sobject
        return (f"Salesforce has no field {field} on {on} that the connected user can see. "
                f"Remove {field} from this step's field mappings or filtering rules, or ask your "
                f"Salesforce admin to create it or to grant the user access to it (field-level "
                "security).")
    relation = _NO_RELATION.search(raw)
    if relation:
        return (f"Salesforce has no relationship {relation.group(1)} on {sobject or 'this object'}. "
                "Check this step's field mappings and filtering rules for a field path that no "
                "longer exists.")
    return (f"Salesforce does not know a field this step uses on {sobject or 'its object'}. Check "
            "the step's field mappings and filtering rules against the fields the org has.")


def _malformed(raw: str, sobject: str) -> str:
    near = _UNEXPECTED.search(raw)
    where = f" (near '{near.group(1)}')" if near else ""
    return (f"Salesforce could not read this step's filtering rules{where} on "
            f"{sobject or 'its object'}. Open the step's settings and check each rule's value.")


def _labelled(raw: str) -> tuple[str, str]:
    """Salesforce's record errors read "Field Label: detail"; the label and the detail."""
    found = _LABEL_FIRST.match(first_line(raw))
    return (found.group(1).strip(), found.group(2).strip()) if found else ("", first_line(raw))


def _too_long(raw: str, sobject: str) -> str:
    label, _ = _labelled(raw)
    limit = _MAX_LENGTH.search(raw)
    most = f" (at most {limit.group(1)} characters)" if limit else ""
    return (f"The value is too long for {label or 'a field'} on {sobject or 'the record'}{most}. "
            "Shorten it at the source, or ask your Salesforce admin to make the field longer.")


def _picklist(raw: str, sobject: str) -> str:
    label, _ = _labelled(raw)
    value = _PICKLIST_VALUE.search(first_line(raw))
    shown = f" '{value.group(1).strip()}'" if value else ""
    return (f"{label or 'A picklist'} on {sobject or 'the record'} has no value{shown}. Add the "
            "value to the picklist in Salesforce, or change it at the source, then Retry.")


def _required(raw: str, sobject: str) -> str:
    found = _REQUIRED.search(raw)
    fields = found.group(1) if found else "a required field"
    return (f"Salesforce requires {fields} on {sobject or 'the record'}. Map a PeopleLinx field "
            "to it in the step's field mappings, or fill it in at the source.")


def _validation(raw: str, sobject: str) -> str:
    return (f"A validation rule on {sobject or 'the record'} refused it: "
            f"{first_line(raw).rstrip('.')}. Fix the value at the source, or ask your Salesforce "
            "admin about the rule.")


_FIXED: dict[str, str] = {
    "DUPLICATES_DETECTED": "A Salesforce duplicate rule found that this record already exists. "
                           "Merge the duplicates in Salesforce, or let the rule allow saving.",
    "DUPLICATE_VALUE": "Another Salesforce record already holds this unique value. Merge the two "
                       "records, or change the value at the source.",
    "CANNOT_UPDATE_CONVERTED_LEAD": "The lead was converted, and Salesforce does not allow "
                                    "changes to converted leads; the contact it became syncs "
                                    "instead.",
    "ENTITY_IS_DELETED": "The linked Salesforce record was deleted. Restore it from the Recycle "
                         "Bin, or let the next run link the person again.",
    "INSUFFICIENT_ACCESS_OR_READONLY": "The connected Salesforce user may not change this record. "
                                       "Check the user's profile, sharing and field-level "
                                       "security.",
    "INVALID_EMAIL_ADDRESS": "Salesforce refused the email address. Correct it at the source, "
                             "then Retry.",
    "API_DISABLED_FOR_ORG": "API access is not enabled for this Salesforce org or user. Ask your "
                            "Salesforce admin to enable API access.",
    # PeopleLinx's codes (docs/peoplelinx-openapi.yaml).
    "duplicate_email": "Another PeopleLinx person already has this email address. Merge the two "
                       "people in PeopleLinx, then Retry.",
    "unknown_field": "PeopleLinx has no such people field. Remove it from the step's field "
                     "mappings, or create the field in PeopleLinx.",
    "read_only_field": "That PeopleLinx field cannot be written. Remove it from the step's field "
                       "mappings.",
    "value_too_long": "The value is too long for the PeopleLinx field. Shorten it in Salesforce.",
    "invalid_value": "PeopleLinx refused the value. Correct it in Salesforce, then Retry.",
}
_RULES: dict[str, Callable[[str, str], str]] = {
    "INVALID_FIELD": _invalid_field,
    "MALFORMED_QUERY": _malformed,
    "INVALID_QUERY_FILTER_OPERATOR": _malformed,
    "STRING_TOO_LONG": _too_long,
    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST": _picklist,
    "REQUIRED_FIELD_MISSING": _required,
    "FIELD_CUSTOM_VALIDATION_EXCEPTION": _validation,
}


# How the engine's log introduces a service's own words (the rest is the raw text).
_PREFIXES = re.compile(r"^(?:The step could not run: )?(?:Salesforce|PeopleLinx) refused the "
                       r"(?:record|request|task|status|person|job)(?: \(HTTP \d+\))?:\s*")


def explain(code: str, raw: str, *, sobject: str = "") -> str:
    """The admin's sentence for a service's error (`code`, its raw `raw` text); on `sobject`
    when known. Unknown codes keep the service's own first line."""
    raw = _PREFIXES.sub("", raw or "", count=1)
    if code in _RULES:
        return _RULES[code](raw or "", sobject or _entity(raw))
    if code in _FIXED:
        return _FIXED[code]
    return first_line(raw or "") or code


def _entity(raw: str) -> str:
    found = _ENTITY.search(raw or "")
    return found.group(1) if found else ""


# What a step's target (as its label ends: "People → Lead") is in Salesforce.
_TARGETS = {"Lead": "Lead", "Contact": "Contact", "Lead Status": "Lead", "Contact Tasks": "Task",
            "Lead Tasks": "Task"}


def target_object(step_label: str) -> str:
    """The Salesforce object a step writes, from its kind's label; "" when it writes PeopleLinx
    or the label is the admin's own name."""
    return _TARGETS.get(step_label.rpartition("→")[2].strip(), "")


def service_words(code: str, message: str, step_label: str = "") -> str | None:
    """For a log message that quotes a service's refusal ("Salesforce refused the record: …")
    with a code this module knows: the admin's sentence; else None (the message stands)."""
    if not code or not _PREFIXES.match(message or "") or (code not in _RULES and
                                                          code not in _FIXED):
        return None
    return explain(code, message, sobject=target_object(step_label))
