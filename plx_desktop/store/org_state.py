"""One Salesforce org's sync state stays with that org (its id: userinfo `organization_id`).

The live tables (record links and ended links, cursors, outbox, conflicts, retry requests and
schedule, the steps that could not run, and the log that Sync health reads) hold the state of one
org, the *owner*, recorded in the settings.
Connecting another org (a refreshed sandbox, then production) never reuses it: `switch_to` files
the owner's rows away under its org id, in `org_state`, and brings back the new org's own rows if
it was connected before (else it starts empty). Switching back restores the first org's state as
it was. Profiles, settings and run history are the admin's, not an org's, and stay.

A data directory from before org scoping has an unclaimed state: the first org that syncs (or
connects) claims it.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from plx_desktop.store.settings import Settings

STATE_ORG = "salesforce.state_org"  # {"org_id": "00D...", "label": "..."}
SCOPED_TABLES = ("record_link", "step_cursor", "outbox", "conflict", "retry_request",
                 "retry_schedule", "log_entry", "ended_link", "step_problem")


@dataclass(frozen=True)
class OrgMismatch:
    """The live state belongs to another org than the one connected."""

    state_org: str
    connected_org: str
    state_label: str = ""

    @property
    def reason(self) -> str:
        named = f"{self.state_org} ({self.state_label})" if self.state_label else self.state_org
        return (f"The connected Salesforce org is {self.connected_org}, but this data directory's "
                f"links, cursors and outbox belong to org {named}. Run `plx-desktop connect "
                f"salesforce` for org {self.connected_org} to start its own state (org "
                f"{self.state_org}'s is kept), or connect org {self.state_org} again.")


class OrgState:
    """Which org owns the live state, and the filed-away state of the others."""

    def __init__(self, db: pw.Database, settings: Settings):
        self._db, self._settings = db, settings

    def owner(self) -> str | None:
        value = self._settings.get(STATE_ORG) or {}
        return value.get("org_id") or None

    def owner_label(self) -> str:
        return str((self._settings.get(STATE_ORG) or {}).get("label") or "")

    def mismatch(self, org_id: str) -> OrgMismatch | None:
        """None when `org_id` owns the state or may claim it; else what is wrong."""
        owner = self.owner()
        if not org_id or owner is None or owner == org_id:
            return None
        return OrgMismatch(owner, org_id, self.owner_label())

    def claim(self, org_id: str, label: str = "") -> None:
        """An unclaimed state becomes `org_id`'s (a new data dir, or one from before scoping)."""
        if self.owner() is None and org_id:
            self._settings.set(STATE_ORG, {"org_id": org_id, "label": label})

    def connected(self, org_id: str, label: str = "") -> str | None:
        """What Connect does: an unclaimed state becomes this org's, another org's is filed
        away for this one's own. Returns the org whose state was filed away, if any."""
        before = self.owner()
        if not org_id:
            return None
        if before is None:
            self.claim(org_id, label)
            return None
        return before if self.switch_to(org_id, label) else None

    def archived_orgs(self) -> list[str]:
        rows = self._db.execute_sql("SELECT DISTINCT org_id FROM org_state ORDER BY org_id")
        return [r[0] for r in rows]

    def switch_to(self, org_id: str, label: str = "") -> bool:
        """Make `org_id` the owner: file the current owner's rows away, restore its own.

        Returns True when the state changed hands (False: it was already `org_id`'s)."""
        if not org_id:
            raise ValueError("an org id is required")
        owner = self.owner()
        if owner == org_id:
            if label and label != self.owner_label():
                self._settings.set(STATE_ORG, {"org_id": org_id, "label": label})
            return False
        with self._db.atomic():
            if owner is not None:
                for table in SCOPED_TABLES:
                    self._file_away(owner, table)
            else:
                for table in SCOPED_TABLES:  # unowned rows cannot be told apart: set aside
                    self._file_away("", table)
            for table in SCOPED_TABLES:
                self._bring_back(org_id, table)
            self._settings.set(STATE_ORG, {"org_id": org_id, "label": label})
        return True

    def _columns(self, table: str) -> list[str]:
        return [r[1] for r in self._db.execute_sql(f"PRAGMA table_info({table})")]

    def _file_away(self, org_id: str, table: str) -> None:
        columns = self._columns(table)
        pairs = ", ".join(f"'{c}', {c}" for c in columns)
        self._db.execute_sql(f"INSERT INTO org_state (org_id, tbl, row) "
                             f"SELECT ?, ?, json_object({pairs}) FROM {table}", (org_id, table))
        self._db.execute_sql(f"DELETE FROM {table}")

    def _bring_back(self, org_id: str, table: str) -> None:
        columns = self._columns(table)
        names = ", ".join(columns)
        values = ", ".join(f"json_extract(row, '$.{c}')" for c in columns)
        self._db.execute_sql(f"INSERT INTO {table} ({names}) SELECT {values} FROM org_state "
                             f"WHERE org_id = ? AND tbl = ? ORDER BY id", (org_id, table))
        self._db.execute_sql("DELETE FROM org_state WHERE org_id = ? AND tbl = ?",
                             (org_id, table))
