"""Who owns a Task: the Salesforce user who sent the email or made the call, else the connected user.

PeopleLinx activities carry `user_email`, the email of the PeopleLinx user behind them. The Task
is owned by the active Salesforce user with that email (or, through Sync settings' task owner
map, the Salesforce user whose email or username the map names for it); with no such user, the
Task is left to Salesforce's default owner, the connected user. Users are looked up once a run,
200 emails a query.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from plx_desktop.domain import normalise_email
from plx_desktop.store.settings import TASK_OWNER_MAP
from plx_desktop.sync.context import RunContext

_CACHE_KEY = "task_owners"  # {normalised email or username: user id or ""}


class TaskOwners:
    def __init__(self, ctx: RunContext):
        self._ctx = ctx
        raw = ctx.services.store.settings.get(TASK_OWNER_MAP) or {}
        self._map = {normalise_email(k): normalise_email(str(v)) for k, v in raw.items()
                     if normalise_email(k) and v}
        self._known: dict[str, str] = ctx.run.cache.setdefault(_CACHE_KEY, {})

    def resolve(self, activities: Iterable[dict[str, Any]]) -> None:
        """Look up the users of these activities that this run has not looked up yet."""
        wanted = {self._key(a) for a in activities} - {""}
        unknown = sorted(wanted - set(self._known))
        asked = set(unknown)
        found: dict[str, str] = {}
        for page in self._ctx.services.sf.iter_query_in(
                "SELECT Id, Email, Username FROM User WHERE IsActive = true AND "
                "(Email IN {} OR Username IN {}) ORDER BY CreatedDate", unknown):
            for user in page:
                # A username is unique; an email may be shared: the oldest user keeps it.
                for key in (normalise_email(user.get("Username")),
                            normalise_email(user.get("Email"))):
                    if (key in asked or self._known.get(key) == "") and key not in found:
                        found[key] = user["Id"]
        # Known only once every key was asked: a failed query leaves them to be asked again.
        self._known.update(dict.fromkeys(unknown, "") | found)

    def owner_field(self, activity: dict[str, Any]) -> dict[str, str]:
        """{"OwnerId": id} when the activity's user is an active Salesforce user, else {}."""
        key = self._key(activity)
        if key and key not in self._known:
            self.resolve([activity])
        owner = self._known.get(key) if key else None
        return {"OwnerId": owner} if owner else {}

    def _key(self, activity: dict[str, Any]) -> str:
        email = normalise_email(activity.get("user_email"))
        return self._map.get(email, email)
