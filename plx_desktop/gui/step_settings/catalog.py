"""Where the dialog's drop-downs come from: field lists, saved People filters and sequences.

`CatalogSource` is what the dialog needs (blocking calls; the dialog runs them off the GUI thread).
`ConnectorCatalog` answers them from the Salesforce and PeopleLinx connectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from plx_desktop.domain.fields import (
    PEOPLELINX_TYPES,
    SALESFORCE_TYPES,
    PeopleLinxField,
    SalesforceField,
    is_peoplelinx_field_key,
)
from plx_desktop.domain.filters import SavedFilter


@dataclass(frozen=True)
class SequenceChoice:
    """A PeopleLinx sequence as the sequence picker shows it."""

    id: str
    name: str


class CatalogSource(Protocol):
    """Blocking look-ups for the dialog; each may raise a connector error (shown with Retry)."""

    def salesforce_fields(self, sobject: str) -> list[SalesforceField]: ...

    def peoplelinx_fields(self) -> list[PeopleLinxField]: ...

    def saved_filters(self) -> list[SavedFilter]: ...

    def sequences(self) -> list[SequenceChoice]: ...

    def lead_statuses(self) -> list[str]: ...


def _value(item: Any, name: str, default: Any = None) -> Any:
    return item.get(name, default) if isinstance(item, dict) else getattr(item, name, default)


class ConnectorCatalog:
    """The catalog read from the connected services (SalesforceClient, PeopleLinxClient)."""

    def __init__(self, salesforce: Any, peoplelinx: Any):
        self.salesforce, self.peoplelinx = salesforce, peoplelinx

    def lead_statuses(self) -> list[str]:
        """The org's own Lead Status values, in its order (the LeadStatus object)."""
        soql = "SELECT ApiName FROM LeadStatus ORDER BY SortOrder"
        return [r["ApiName"] for page in self.salesforce.iter_query(soql) for r in page]

    def salesforce_fields(self, sobject: str) -> list[SalesforceField]:
        description = self.salesforce.describe(sobject)
        return [SalesforceField(name=f.name, label=f.label, type=f.type, length=f.length or None,
                                updateable=f.updateable)
                for f in description.fields if f.type in SALESFORCE_TYPES]

    def peoplelinx_fields(self) -> list[PeopleLinxField]:
        fields = []
        for item in self.peoplelinx.people_fields():
            key, type_ = _value(item, "key"), _value(item, "type", "string")
            if _value(item, "read_only", False) or type_ not in PEOPLELINX_TYPES:
                continue
            if _value(item, "custom", False) and not str(key).startswith("custom_fields."):
                key = f"custom_fields.{key}"
            if not is_peoplelinx_field_key(key):
                continue  # link and system fields are the engine's, never mapped by the admin
            fields.append(PeopleLinxField(key=key, label=_value(item, "label", key), type=type_))
        return fields

    def saved_filters(self) -> list[SavedFilter]:
        return [SavedFilter(id=str(_value(f, "id")), name=str(_value(f, "name")))
                for f in self.peoplelinx.saved_filters()]

    def sequences(self) -> list[SequenceChoice]:
        return [SequenceChoice(id=str(_value(s, "id")), name=str(_value(s, "name")))
                for s in self.peoplelinx.sequences()]
