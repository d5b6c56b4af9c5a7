"""What a step asks about its profile and about the two systems' shapes, answered once a run.

Which other steps the profile runs (`step_enabled`, `reverse_step`), Salesforce's describe of an
object and PeopleLinx's people fields (both kept for the process: fields rarely change mid-day),
the org's Accounts, and a record's URL. Reads only: nothing here writes anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from plx_desktop.connectors.peoplelinx import PeopleLinxClient
from plx_desktop.connectors.salesforce import SalesforceClient
from plx_desktop.connectors.salesforce_models import ObjectDescription
from plx_desktop.domain import Profile, Step
from plx_desktop.sync.accounts import Accounts


class ProfileQueries:
    """The profile's steps, and the lookups of both systems cached for the run."""

    def __init__(self, profile: Profile, sf: SalesforceClient, plx: PeopleLinxClient, *,
                 describe_cache: dict[str, ObjectDescription] | None = None,
                 people_fields_cache: dict[str, dict[str, Any]] | None = None) -> None:
        self.profile = profile
        self._sf, self._plx = sf, plx
        self._describes = describe_cache if describe_cache is not None else {}
        self._people_fields = people_fields_cache if people_fields_cache is not None else {}
        self._accounts: Accounts | None = None
        self._described: set[str] = set()  # objects described in this run (asked once at most)

    # -- the profile ---------------------------------------------------------------------------

    def enabled_steps(self) -> tuple[Step, ...]:
        return self.profile.enabled_steps()

    def step_enabled(self, kind_key: str) -> bool:
        return any(s.kind.key == kind_key for s in self.profile.enabled_steps())

    def reverse_step(self, step: Step) -> Step | None:
        """The enabled step that syncs the same pair the other way, if the profile has one."""
        if not step.kind.can_switch_direction:
            return None
        for other in self.profile.enabled_steps():
            if other.kind.key == step.kind.reverse_key:
                return other
        return None

    # -- the two systems' shapes ---------------------------------------------------------------

    def describe(self, sobject: str, fields: Iterable[str] = ()) -> ObjectDescription:
        """Salesforce describe, kept for the process (fields rarely change mid-day), and asked
        again, once a run, when it lacks one of `fields`: the admin added a field and mapped it
        since, or ran Set up, which made our key fields, while `sync --every` kept polling."""
        known = self._describes.get(sobject)
        wanted = [f for f in fields if "." not in f]
        if known is None or (sobject not in self._described and
                             any(known.field(f) is None for f in wanted)):
            self._describes[sobject] = self._sf.describe(sobject)
            self._described.add(sobject)
        return self._describes[sobject]

    def people_fields(self, keys: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
        """PeopleLinx people fields by key ("custom_fields.<key>" for custom ones), kept for the
        process like describe, and asked again when one of `keys` is missing from them."""
        if not self._people_fields or any(k not in self._people_fields for k in keys):
            fresh = {(f"custom_fields.{f['key']}" if f.get("custom") else f["key"]): f
                     for f in self._plx.people_fields()}
            self._people_fields.clear()
            self._people_fields.update(fresh)
        return self._people_fields

    @property
    def accounts(self) -> Accounts:
        """Account names and ids, shared by the run's steps."""
        if self._accounts is None:
            self._accounts = Accounts(self._sf)
        return self._accounts

    @property
    def instance_url(self) -> str:
        return str(self._sf.connection.instance_url).rstrip("/")

    def record_url(self, sf_id: str) -> str:
        return f"{self.instance_url}/{sf_id}"
