"""Fields on both sides, their types, and whether a value of one type can fill a field of another.

Notation:
- A Salesforce field is its API name, as describe returns it ("FirstName", "Lead_Score__c"), or a
  dotted relationship path for read access ("Account.Name": a contact's account name).
- A PeopleLinx field is its key in the person resource ("first_name", "email", "account"), or
  "custom_fields.<key>" for a custom field (key: lower-case letters, digits, underscores).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plx_desktop.domain.errors import InvalidMapping

SALESFORCE_TYPES = frozenset({
    "string", "textarea", "email", "phone", "url", "picklist", "boolean", "int", "double",
    "currency", "percent", "date", "datetime", "reference", "id",
})
PEOPLELINX_TYPES = frozenset({
    "string", "email", "phone", "url", "text", "number", "boolean", "date", "datetime", "picklist",
})

# Both sides' types fold onto these value kinds; compatibility is decided on kinds.
_SF_KIND = {
    "string": "text", "textarea": "text", "picklist": "text", "email": "email", "phone": "phone",
    "url": "url", "boolean": "boolean", "int": "number", "double": "number", "currency": "number",
    "percent": "number", "date": "date", "datetime": "datetime", "reference": "id", "id": "id",
}
_PLX_KIND = {
    "string": "text", "text": "text", "picklist": "text", "email": "email", "phone": "phone",
    "url": "url", "number": "number", "boolean": "boolean", "date": "date", "datetime": "datetime",
}
# target kind -> source kinds that can fill it, and why others cannot
_FILLS: dict[str, tuple[frozenset[str], str]] = {
    "text": (frozenset({"text", "email", "phone", "url", "number", "boolean", "date", "datetime",
                        "id"}), ""),
    "email": (frozenset({"email", "text"}), "only text or an email address can fill an email field"),
    "phone": (frozenset({"phone", "text"}), "only text or a phone number can fill a phone field"),
    "url": (frozenset({"url", "text"}), "only text or a URL can fill a URL field"),
    "number": (frozenset({"number", "text"}), "only a number or text holding a number can fill "
                                               "a number field"),
    "boolean": (frozenset({"boolean", "text"}), "only a checkbox or text such as true/false can "
                                                 "fill a checkbox field"),
    "date": (frozenset({"date", "datetime", "text"}), "only a date, a date/time or text can fill "
                                                       "a date field"),
    "datetime": (frozenset({"datetime", "date", "text"}), "only a date/time, a date or text can "
                                                           "fill a date/time field"),
    "id": (frozenset({"id", "text"}), "only a record id can fill a lookup field"),
}

_SF_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
_PLX_STANDARD = ("first_name", "last_name", "email", "account", "title", "phone")
_PLX_CUSTOM = re.compile(r"^custom_fields\.[a-z][a-z0-9_]*$")
CUSTOM_PREFIX = "custom_fields."


@dataclass(frozen=True)
class SalesforceField:
    """One field from Salesforce describe: API name, label, describe type, length, writability."""

    name: str
    label: str
    type: str
    length: int | None = None
    updateable: bool = True

    @property
    def kind(self) -> str:
        return salesforce_kind(self.type)


@dataclass(frozen=True)
class PeopleLinxField:
    """One PeopleLinx people field: key (see module notation), label, type."""

    key: str
    label: str
    type: str

    @property
    def kind(self) -> str:
        return peoplelinx_kind(self.type)

    @property
    def is_custom(self) -> bool:
        return self.key.startswith(CUSTOM_PREFIX)


# The PeopleLinx person's standard fields (custom fields come from the API's people fields).
PEOPLELINX_STANDARD_FIELDS = (
    PeopleLinxField("first_name", "First Name", "string"),
    PeopleLinxField("last_name", "Last Name", "string"),
    PeopleLinxField("email", "Email", "email"),
    PeopleLinxField("account", "Company Name", "string"),
    PeopleLinxField("title", "Title", "string"),
    PeopleLinxField("phone", "Phone", "phone"),
)


def salesforce_kind(sf_type: str) -> str:
    """The value kind of a Salesforce describe type ("double" -> "number")."""
    try:
        return _SF_KIND[sf_type]
    except KeyError:
        raise InvalidMapping(f"unknown Salesforce field type '{sf_type}'") from None


def peoplelinx_kind(plx_type: str) -> str:
    """The value kind of a PeopleLinx field type ("text" -> "text")."""
    try:
        return _PLX_KIND[plx_type]
    except KeyError:
        raise InvalidMapping(f"unknown PeopleLinx field type '{plx_type}'") from None


def is_salesforce_field_name(name: str) -> bool:
    """True for an API name or a dotted relationship path (never anything SOQL could misread)."""
    return bool(_SF_NAME.match(name or ""))


def is_peoplelinx_field_key(key: str) -> bool:
    """True for a standard person field key or custom_fields.<key>."""
    return key in _PLX_STANDARD or bool(_PLX_CUSTOM.match(key or ""))


def kinds_fit(source_kind: str, target_kind: str) -> bool:
    """Can a value of `source_kind` fill a field of `target_kind` (possibly after conversion)?"""
    return source_kind in _FILLS[target_kind][0]


def check_types(source_label: str, source_kind: str, target_label: str, target_kind: str) -> None:
    """Raise InvalidMapping with an admin-readable reason when the kinds do not fit."""
    if kinds_fit(source_kind, target_kind):
        return
    raise InvalidMapping(
        f"{source_label} ({source_kind}) cannot be mapped to {target_label} ({target_kind}): "
        f"{_FILLS[target_kind][1]}."
    )


def check_field_pair(sf: SalesforceField, plx: PeopleLinxField, *, to_salesforce: bool) -> None:
    """Check a Salesforce/PeopleLinx field pair for a step writing in the given direction."""
    if to_salesforce:
        if not sf.updateable:
            raise InvalidMapping(f"{sf.label} ({sf.name}) is read-only in Salesforce and cannot "
                                 "be a mapping's target.")
        check_types(plx.label, plx.kind, sf.label, sf.kind)
    else:
        check_types(sf.label, sf.kind, plx.label, plx.kind)


def normalise_email(email: str | None) -> str:
    """The form emails are matched in: trimmed, lower-case ('' for none)."""
    return (email or "").strip().lower()
