"""People: how a person reads, and creating, updating and upserting one with per-field checks.

The Salesforce link is kept as two slots (a contact and a lead, since one person can be both);
`salesforce_id` / `salesforce_object` name the primary one (the contact when there is one).
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from plx_desktop.sandbox.peoplelinx.errors import ItemError
from plx_desktop.sandbox.peoplelinx.fields import STANDARD_BY_KEY, check_value, custom_fields
from plx_desktop.sandbox.peoplelinx.store import Store, WriteTx, new_id

PERSON_SELECT = ("SELECT p.*, i.state AS inbox_state, d.deleted_at AS salesforce_deleted_at "
                 "FROM people p LEFT JOIN inbox_states i ON i.person_id = p.id "
                 "LEFT JOIN salesforce_deletions d ON d.person_id = p.id")
COLUMNS = ("first_name", "last_name", "email", "account", "title", "phone",
           "salesforce_contact_id", "salesforce_lead_id", "salesforce_url")
WRITABLE = set(COLUMNS) | {"salesforce_id", "salesforce_object", "custom_fields",
                           "salesforce_deleted"}
READ_ONLY = {k for k, f in STANDARD_BY_KEY.items() if f["read_only"]}
SF_ID_RE = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
SF_PREFIX_OBJECT = {"003": "Contact", "00Q": "Lead"}


def person_from_row(row: sqlite3.Row) -> dict[str, Any]:
    contact, lead = row["salesforce_contact_id"], row["salesforce_lead_id"]
    primary_id = contact or lead
    return {
        "id": row["id"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "email": row["email"],
        "account": row["account"],
        "title": row["title"],
        "phone": row["phone"],
        "custom_fields": json.loads(row["custom_fields"]),
        "salesforce_id": primary_id,
        "salesforce_object": ("Contact" if contact else "Lead") if primary_id else None,
        "salesforce_url": row["salesforce_url"],
        "salesforce_contact_id": contact,
        "salesforce_lead_id": lead,
        "synced_with_salesforce": primary_id is not None,
        # The Salesforce record this person was linked to was deleted there (an integration
        # says so); cleared when the person is linked again.
        "salesforce_deleted": row["salesforce_deleted_at"] is not None,
        "inbox_state": row["inbox_state"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def get_person(store: Store | WriteTx, person_id: str) -> dict[str, Any] | None:
    row = store.execute(f"{PERSON_SELECT} WHERE p.id = ?", (person_id,)).fetchone() \
        if isinstance(store, WriteTx) else store.one(f"{PERSON_SELECT} WHERE p.id = ?", (person_id,))
    return person_from_row(row) if row else None


class PeopleWriter:
    """Person writes inside one transaction; each method raises ItemError for a bad item."""

    def __init__(self, tx: WriteTx, store: Store):
        self.tx = tx
        self.custom = {f["key"]: f for f in custom_fields(store)}

    # -- checking -----------------------------------------------------------------------------
    def _changes(self, data: Any) -> dict[str, Any]:
        """Column values (plus 'custom_fields' as a dict of changes) from a client's person."""
        if not isinstance(data, dict):
            raise ItemError(400, "invalid_request", "person must be a JSON object.")
        for key in data:
            if key in READ_ONLY:
                raise ItemError(422, "read_only_field", f"{key} is read-only.", field=key)
            if key not in WRITABLE:
                raise ItemError(422, "unknown_field",
                                f"{key} is not a people field (custom fields go in custom_fields).",
                                field=key)
        changes: dict[str, Any] = {}
        for key in COLUMNS:
            if key in data:
                changes[key] = check_value(STANDARD_BY_KEY[key], data[key], key)
        for key in ("salesforce_contact_id", "salesforce_lead_id"):
            if changes.get(key) is not None and not SF_ID_RE.match(changes[key]):
                raise ItemError(422, "invalid_value", f"{key} is not a Salesforce id.", field=key)
        self._link_changes(data, changes)
        if "salesforce_deleted" in data:
            if not isinstance(data["salesforce_deleted"], bool):
                raise ItemError(422, "invalid_value", "salesforce_deleted must be true or false.",
                                field="salesforce_deleted")
            changes["salesforce_deleted"] = data["salesforce_deleted"]
        if "custom_fields" in data:
            given = data["custom_fields"]
            if not isinstance(given, dict):
                raise ItemError(422, "invalid_value", "custom_fields must be an object.",
                                field="custom_fields")
            custom = {}
            for key, value in given.items():
                if key not in self.custom:
                    raise ItemError(422, "unknown_field", f"{key} is not a custom people field.",
                                    field=f"custom_fields.{key}")
                custom[key] = check_value(self.custom[key], value, f"custom_fields.{key}")
            changes["custom_fields"] = custom
        return changes

    @staticmethod
    def _link_changes(data: dict[str, Any], changes: dict[str, Any]) -> None:
        """salesforce_id / salesforce_object written together fill the contact or the lead slot."""
        if "salesforce_object" in data and "salesforce_id" not in data:
            raise ItemError(422, "invalid_value", "salesforce_object needs salesforce_id.",
                            field="salesforce_object")
        if "salesforce_id" not in data:
            return
        sf_id = check_value(STANDARD_BY_KEY["salesforce_id"], data["salesforce_id"], "salesforce_id")
        sf_object = check_value(STANDARD_BY_KEY["salesforce_object"],
                                data.get("salesforce_object"), "salesforce_object")
        if sf_id is None:
            slots = {"Contact": ["salesforce_contact_id"], "Lead": ["salesforce_lead_id"]}.get(
                sf_object or "", ["salesforce_contact_id", "salesforce_lead_id"])
            changes.update({slot: None for slot in slots})
            return
        if not SF_ID_RE.match(sf_id):
            raise ItemError(422, "invalid_value", "salesforce_id is not a Salesforce id.",
                            field="salesforce_id")
        sf_object = sf_object or SF_PREFIX_OBJECT.get(sf_id[:3])
        if sf_object is None:
            raise ItemError(422, "invalid_value",
                            "salesforce_object (Contact or Lead) is needed for this salesforce_id.",
                            field="salesforce_object")
        changes["salesforce_contact_id" if sf_object == "Contact" else "salesforce_lead_id"] = sf_id

    def _email_owner(self, email: str) -> str | None:
        row = self.tx.execute("SELECT id FROM people WHERE email_key = ?",
                              (email.lower(),)).fetchone()
        return row[0] if row else None

    def _duplicate(self, email: str, owner: str) -> ItemError:
        return ItemError(409, "duplicate_email", f"Another person has the email {email}.",
                         field="email", existing_id=owner)

    # -- writing ------------------------------------------------------------------------------
    def create(self, data: Any) -> dict[str, Any]:
        changes = self._changes(data)
        if not changes.get("email"):
            raise ItemError(422, "required_field_missing", "email is required.", field="email")
        owner = self._email_owner(changes["email"])
        if owner:
            raise self._duplicate(changes["email"], owner)
        now, person_id = self.tx.now(), new_id("per_")
        flag = changes.pop("salesforce_deleted", None)
        row = {k: changes.get(k) for k in COLUMNS}
        custom = {k: v for k, v in changes.get("custom_fields", {}).items() if v is not None}
        self.tx.execute(
            f"INSERT INTO people (id, {', '.join(COLUMNS)}, email_key, custom_fields, created_at, "
            f"updated_at) VALUES (?, {', '.join('?' * len(COLUMNS))}, ?, ?, ?, ?)",
            (person_id, *row.values(), changes["email"].lower(), json.dumps(custom), now, now))
        if flag:
            self._flag_deleted(person_id, True, {})
        return get_person(self.tx, person_id)  # type: ignore[return-value]

    def update(self, person_id: Any, data: Any) -> dict[str, Any]:
        if not isinstance(person_id, str):
            raise ItemError(400, "invalid_request", "id is required for an update.", field="id")
        current = self.tx.execute("SELECT * FROM people WHERE id = ?", (person_id,)).fetchone()
        if current is None:
            raise ItemError(404, "not_found", f"No person has the id {person_id}.")
        changes = self._changes(data)
        if "email" in changes:
            if not changes["email"]:
                raise ItemError(422, "required_field_missing", "email is required.", field="email")
            owner = self._email_owner(changes["email"])
            if owner and owner != person_id:
                raise self._duplicate(changes["email"], owner)
        custom = json.loads(current["custom_fields"])
        for key, value in changes.pop("custom_fields", {}).items():
            if value is None:
                custom.pop(key, None)
            else:
                custom[key] = value
        deleted_flag = changes.pop("salesforce_deleted", None)
        changed = {k: v for k, v in changes.items() if current[k] != v}
        if custom != json.loads(current["custom_fields"]):
            changed["custom_fields"] = json.dumps(custom)
        if self._flag_deleted(person_id, deleted_flag, changed):
            changed.setdefault("updated_at", self.tx.now())
        if changed:  # a write that changes nothing leaves updated_at alone (no echo for syncs)
            if "email" in changed:
                changed["email_key"] = changed["email"].lower()
            changed["updated_at"] = self.tx.now()
            sets = ", ".join(f"{k} = ?" for k in changed)
            self.tx.execute(f"UPDATE people SET {sets} WHERE id = ?", (*changed.values(), person_id))
        return get_person(self.tx, person_id)  # type: ignore[return-value]

    def _flag_deleted(self, person_id: str, flag: bool | None, changed: dict[str, Any]) -> bool:
        """Set or clear "Deleted in Salesforce"; a new Salesforce link clears it. Whether it
        changed."""
        if flag is None and any(changed.get(k) for k in ("salesforce_contact_id",
                                                           "salesforce_lead_id")):
            flag = False
        if flag is None:
            return False
        if flag:
            return self.tx.execute(
                "INSERT OR IGNORE INTO salesforce_deletions (person_id, deleted_at) VALUES (?, ?)",
                (person_id, self.tx.now())).rowcount > 0
        return self.tx.execute("DELETE FROM salesforce_deletions WHERE person_id = ?",
                               (person_id,)).rowcount > 0

    def upsert(self, data: Any, match_on: Any) -> tuple[int, dict[str, Any]]:
        """(200, person) when a person matched and was updated, (201, person) when created."""
        match_on = match_on or "email"
        if not isinstance(data, dict):
            raise ItemError(400, "invalid_request", "person must be a JSON object.")
        if match_on == "email":
            email = data.get("email")
            if not isinstance(email, str) or not email.strip():
                raise ItemError(422, "required_field_missing",
                                "email is required to upsert on email.", field="email")
            found = self._email_owner(email.strip())
        elif match_on == "salesforce_id":
            sf_id = data.get("salesforce_id")
            if not isinstance(sf_id, str) or not sf_id:
                raise ItemError(422, "required_field_missing",
                                "salesforce_id is required to upsert on salesforce_id.",
                                field="salesforce_id")
            row = self.tx.execute(
                "SELECT id FROM people WHERE salesforce_contact_id = ? OR salesforce_lead_id = ? "
                "ORDER BY created_at LIMIT 1", (sf_id, sf_id)).fetchone()
            found = row[0] if row else None
        else:
            raise ItemError(400, "invalid_request", "match_on must be email or salesforce_id.",
                            field="match_on")
        if found:
            return 200, self.update(found, data)
        return 201, self.create(data)
