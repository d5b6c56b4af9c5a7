"""One person on the way to Salesforce (`PersonWrite`), and every row it becomes there.

A `PersonWrite` is a value: each stage of People → Salesforce (people_to_salesforce.py) returns
new ones (`PersonWrite.updated`) rather than changing the one it got. The rows sent to Salesforce
are shaped here and nowhere else: an update sends the changed fields, a create the whole record
(a Lead with its Company and Status defaults), a converted lead's contact what a Contact has; the
company name (Account.Name) is never sent as a field, it becomes AccountId (salesforce_matching).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from plx_desktop.connectors.salesforce_models import ObjectDescription
from plx_desktop.domain import LEAD_COMPANY_PLACEHOLDER
from plx_desktop.sync.values import ACCOUNT_NAME, changed


# Not frozen, and its id and label worked out once at creation: made for every person of a sync
# and copied once or twice on the way, a frozen dataclass's __init__ (object.__setattr__ per
# field), dataclasses.replace and functools.cached_property (a lock per first use, in Python
# 3.11) came to about 6 µs a person. Treat it as immutable all the same: `updated` copies.
@dataclass
class PersonWrite:
    """A person, their mapped values on both sides, and what is known of their record."""

    person: dict[str, Any]
    plx_values: dict[str, Any]  # the mapped values as PeopleLinx holds them
    values: dict[str, Any]  # the same, as Salesforce would hold them
    sf_id: str | None = None  # known counterpart (linked or matched by email)
    known: dict[str, Any] = field(default_factory=dict)  # what Salesforce holds, as far as known
    warnings: tuple[str, ...] = ()
    plx_id: str = field(init=False, repr=False, compare=False)  # the person's id
    label: str = field(init=False, repr=False, compare=False)  # how the Log names them

    def __post_init__(self) -> None:
        self.plx_id = str(self.person["id"])
        self.label = label_of(self.person)

    def updated(self, **changes: Any) -> PersonWrite:
        """A copy with these fields changed (what dataclasses.replace does, at a third of its
        cost); the person itself stays, so its id and label do."""
        if "person" in changes:
            raise TypeError("a PersonWrite's person does not change: make a new PersonWrite")
        unknown = changes.keys() - _CHANGEABLE
        if unknown:
            raise TypeError(f"PersonWrite has no field {', '.join(sorted(unknown))}")
        copy = object.__new__(PersonWrite)
        copy.__dict__.update(self.__dict__, **changes)
        return copy

    @property
    def changes(self) -> dict[str, Any]:
        """The values Salesforce does not hold yet, as far as known."""
        return changed(self.values, self.known)


# What `updated` may change: the fields given at creation, but the person (its id and label
# are worked out from it).
_CHANGEABLE = frozenset(f.name for f in fields(PersonWrite) if f.init) - {"person"}


def label_of(person: dict[str, Any]) -> str:
    """How the Log names a person: "First Last <email>", or what there is of it."""
    name = " ".join(p for p in (person.get("first_name"), person.get("last_name")) if p)
    email = person.get("email")
    return f"{name} <{email}>" if name and email else (name or email or person["id"])


def sf_row(values: dict[str, Any]) -> dict[str, Any]:
    """Mapped values as Salesforce fields (the company name goes as AccountId instead)."""
    return {k: v for k, v in values.items() if k != ACCOUNT_NAME}


def update_row(write: PersonWrite, ext: str | None) -> dict[str, Any]:
    """An update of a linked or matched record: its Id and the changed fields."""
    return {"Id": write.sf_id, **sf_row(write.changes)} | ({ext: write.plx_id} if ext else {})


def create_row(write: PersonWrite, sobject: str, describe: ObjectDescription,
               lead_default: str | None = None, ext: str | None = None) -> dict[str, Any]:
    """A new record: every mapped value that has one; a Lead gets a Company and a Status."""
    row = sf_row(write.values)
    if sobject == "Lead":
        if not row.get("Company"):
            row["Company"] = LEAD_COMPANY_PLACEHOLDER
        status = describe.field("Status")
        default = lead_default or (status.default_value if status is not None else None)
        if not row.get("Status") and default:
            row["Status"] = default
    return {k: v for k, v in row.items() if v is not None} | ({ext: write.plx_id} if ext else {})


def contact_row(write: PersonWrite, contact_id: str,
                contact: ObjectDescription) -> dict[str, Any] | None:
    """A converted lead's update, sent to the contact it became: the fields a Contact can take
    (None when none is left)."""
    values = {k: v for k, v in sf_row(write.values).items()
              if (f := contact.field(k)) is not None and f.updateable}
    return {"Id": contact_id, **values} if values else None
