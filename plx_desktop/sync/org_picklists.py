"""The org's own picklists that steps write: Lead Status, Task Status and Task Priority.

Each org has its own values. They are read from the objects Salesforce keeps them in (Object
Reference: LeadStatus with IsDefault and IsConverted, TaskStatus with IsDefault and IsClosed,
TaskPriority with IsDefault and IsHighPriority), once a run and only when a step is about to write
one, so an admin's edit counts from the next run and a poll with nothing to write costs nothing.
No step writes a value the org does not list: Lead Status is not a restricted picklist, so
Salesforce itself would save an off-list value silently.

`status_map_problems` is what Check org shows for a status step's value map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plx_desktop.connectors.salesforce import SalesforceClient
from plx_desktop.domain import Step
from plx_desktop.sync.context import RunContext

_CACHE_KEY = "org_picklists"
# What the activity steps would write in a standard org, and look for first in any org.
STANDARD_CLOSED, STANDARD_OPEN, STANDARD_PRIORITY = "Completed", "Not Started", "Normal"


@dataclass(frozen=True)
class OrgPicklists:
    lead_statuses: tuple[str, ...]
    lead_default: str | None
    lead_converted: frozenset[str]
    task_statuses: tuple[str, ...]
    task_default: str | None
    task_closed: tuple[str, ...]
    task_priorities: tuple[str, ...]
    task_priority_default: str | None

    def closed_task_status(self) -> str | None:
        """The Status of a done Task: "Completed" when the org has it, else its first closed one."""
        if STANDARD_CLOSED in self.task_closed:
            return STANDARD_CLOSED
        return self.task_closed[0] if self.task_closed else None

    def open_task_status(self) -> str | None:
        """The Status of a Task still to do: the org's default when it is open, else the first
        open value."""
        open_values = [s for s in self.task_statuses if s not in self.task_closed]
        if self.task_default in open_values:
            return self.task_default
        if STANDARD_OPEN in open_values:
            return STANDARD_OPEN
        return open_values[0] if open_values else None

    def priority(self) -> str | None:
        if self.task_priority_default in self.task_priorities:
            return self.task_priority_default
        if STANDARD_PRIORITY in self.task_priorities:
            return STANDARD_PRIORITY
        return self.task_priorities[0] if self.task_priorities else None


def read_picklists(sf: SalesforceClient) -> OrgPicklists:
    """Three small queries: the org's Lead Status, Task Status and Task Priority values."""
    def rows(soql: str) -> list[dict[str, Any]]:
        return [r for page in sf.iter_query(soql) for r in page]

    leads = rows("SELECT ApiName, IsDefault, IsConverted FROM LeadStatus ORDER BY SortOrder")
    tasks = rows("SELECT ApiName, IsDefault, IsClosed FROM TaskStatus ORDER BY SortOrder")
    priorities = rows("SELECT ApiName, IsDefault FROM TaskPriority ORDER BY SortOrder")
    return OrgPicklists(
        lead_statuses=tuple(r["ApiName"] for r in leads),
        lead_default=next((r["ApiName"] for r in leads if r.get("IsDefault")), None),
        lead_converted=frozenset(r["ApiName"] for r in leads if r.get("IsConverted")),
        task_statuses=tuple(r["ApiName"] for r in tasks),
        task_default=next((r["ApiName"] for r in tasks if r.get("IsDefault")), None),
        task_closed=tuple(r["ApiName"] for r in tasks if r.get("IsClosed")),
        task_priorities=tuple(r["ApiName"] for r in priorities),
        task_priority_default=next((r["ApiName"] for r in priorities if r.get("IsDefault")), None))


def picklists(ctx: RunContext) -> OrgPicklists:
    """The org's picklists, read once a run."""
    if _CACHE_KEY not in ctx.run.cache:
        ctx.run.cache[_CACHE_KEY] = read_picklists(ctx.services.sf)
    return ctx.run.cache[_CACHE_KEY]  # type: ignore[no-any-return]


def status_map_problems(step: Step, org: OrgPicklists) -> list[str]:
    """Why some of a status step's map would not be written in this org (empty: none)."""
    missing = sorted({status for _, status in step.status_map
                      if status and status not in org.lead_statuses})
    if not missing:
        return []
    return [f"{step.label}: the value map sets Lead Status to "
            f"{', '.join(repr(m) for m in missing)}, which this org's Lead Status picklist does "
            f"not have (it has: {', '.join(org.lead_statuses)}); those changes are skipped. "
            "Pick one of the org's values in the step's Status values, or add the value in "
            "Setup, Object Manager, Lead, Fields, Lead Status."]
