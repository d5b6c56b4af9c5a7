"""A field mapping: one Salesforce field paired with one PeopleLinx field, and how it syncs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from plx_desktop.domain.errors import InvalidMapping
from plx_desktop.domain.fields import (
    PEOPLELINX_TYPES,
    SALESFORCE_TYPES,
    check_types,
    is_peoplelinx_field_key,
    is_salesforce_field_name,
    peoplelinx_kind,
    salesforce_kind,
)


class SyncRule(StrEnum):
    """Which side wins for a field synced both ways (the engine decides conflicts with this)."""

    TWO_WAY = "two_way"  # the most recent change wins
    PREFER_SALESFORCE_UNLESS_BLANK = "prefer_salesforce_unless_blank"
    ALWAYS_SALESFORCE = "always_salesforce"
    ALWAYS_PEOPLELINX = "always_peoplelinx"
    DONT_SYNC = "dont_sync"


@dataclass(frozen=True)
class FieldMapping:
    """Salesforce field <-> PeopleLinx field. Which way values flow is the step's direction.

    The types are those known when the mapping was made (from describe / people fields); None when
    unknown. `mandatory` mappings come from the step kind and cannot be removed.
    """

    salesforce_field: str
    peoplelinx_field: str
    salesforce_type: str | None = None
    peoplelinx_type: str | None = None
    mandatory: bool = False
    sync_rule: SyncRule = SyncRule.TWO_WAY

    def validate(self) -> None:
        """Raise InvalidMapping when a name, a type or the type pairing is not acceptable."""
        if not is_salesforce_field_name(self.salesforce_field):
            raise InvalidMapping(f"'{self.salesforce_field}' is not a Salesforce field name "
                                 "(an API name such as FirstName or Account.Name)")
        if not is_peoplelinx_field_key(self.peoplelinx_field):
            raise InvalidMapping(f"'{self.peoplelinx_field}' is not a PeopleLinx field (a standard "
                                 "field such as first_name, or custom_fields.<key>)")
        if self.salesforce_type is not None and self.salesforce_type not in SALESFORCE_TYPES:
            raise InvalidMapping(f"unknown Salesforce field type '{self.salesforce_type}'")
        if self.peoplelinx_type is not None and self.peoplelinx_type not in PEOPLELINX_TYPES:
            raise InvalidMapping(f"unknown PeopleLinx field type '{self.peoplelinx_type}'")

    def check_types(self, *, to_salesforce: bool) -> None:
        """Check the known types fit for values flowing in the given direction."""
        if self.salesforce_type is None or self.peoplelinx_type is None:
            return
        sf = (self.salesforce_field, salesforce_kind(self.salesforce_type))
        plx = (self.peoplelinx_field, peoplelinx_kind(self.peoplelinx_type))
        source, target = (plx, sf) if to_salesforce else (sf, plx)
        check_types(source[0], source[1], target[0], target[1])

    def same_fields(self, other: FieldMapping) -> bool:
        return (self.salesforce_field, self.peoplelinx_field) == (
            other.salesforce_field, other.peoplelinx_field)

    def as_optional(self) -> FieldMapping:
        return replace(self, mandatory=False)
