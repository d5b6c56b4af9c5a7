"""The sandbox org: its schema, records, users and tokens, and every write with Salesforce's rules.

The REST layer, Collections, OAuth and Bulk API 2.0 all go through `Org`, so a record written by one
is seen, validated and stamped exactly as if written by another.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plx_desktop.sandbox.clock import SandboxClock
from plx_desktop.sandbox.salesforce.db import INDEXED_TEXT_FIELDS, Database
from plx_desktop.sandbox.salesforce.ids import new_id, object_for_id, to_18
from plx_desktop.sandbox.salesforce.objects import peoplelinx_field_specs, standard_objects
from plx_desktop.sandbox.salesforce.org_picklists import OrgPicklists
from plx_desktop.sandbox.salesforce.org_rules import REST_DEFAULT, OrgRules, WriteOptions
from plx_desktop.sandbox.salesforce.records import Clock, Record, RecordStore
from plx_desktop.sandbox.salesforce.schema import ObjectInfo, Schema
from plx_desktop.sandbox.salesforce.security import (
    SETUP_OBJECTS,
    FieldSecurity,
    check_setup_record,
)
from plx_desktop.sandbox.salesforce.tokens import TokenStore
from plx_desktop.sandbox.salesforce.validate import (
    Invalid,
    RecordError,
    check_required,
    clean_values,
)

__all__ = ["Operation", "Org", "RecordError", "WriteResult"]

DEFAULT_API_VERSION = "62.0"
ADMIN_USERNAME = "admin@plx-sandbox.example.com"
ORG_NAME = "PLX Sandbox Org"
# The org's users, each with a Salesforce licence (they size its daily API allocation: limits.py).
STANDARD_USERS = (
    (ADMIN_USERNAME, "Avery", "Admin"),
    ("integration@plx-sandbox.example.com", "PeopleLinx", "Integration"),
    ("rep@plx-sandbox.example.com", "Riley", "Rep"),
)
# Users, the org, and the setup objects (org_picklists and org_rules rewrite their own on reset).
_KEEP_ON_RESET = ("User", "Organization", *SETUP_OBJECTS, "LeadStatus", "TaskStatus",
                  "TaskPriority", "AssignmentRule")
ORG_PRESETS = ("fresh", "ready")
_ROLLED_BACK = RecordError("ALL_OR_NONE_OPERATION_ROLLED_BACK",
                           "Record rolled back because not all records were valid and the request "
                           "was using AllOrNone header", [])


@dataclass
class WriteResult:
    """The outcome of one record's write."""

    id: str | None
    success: bool
    created: bool = False
    errors: list[RecordError] = field(default_factory=list)


@dataclass
class Operation:
    """One record write for Org.apply: kind is create, update, upsert or delete."""

    kind: str
    sobject: str
    values: dict[str, Any] = field(default_factory=dict)
    record_id: str | None = None
    ext_field: str | None = None
    ext_value: str | None = None


class _RollBack(Exception):
    pass


class ParentLookup:
    """Finds a record's parent for relationship fields in SOQL; caches within one query."""

    def __init__(self, store: RecordStore):
        self._store = store
        self._cache: dict[str, Record | None] = {}

    def __call__(self, sobject: str | None, record_id: Any) -> Record | None:
        if not isinstance(record_id, str):
            return None
        if record_id not in self._cache:
            found = self._store.get(record_id)
            self._cache[record_id] = None if found is None or found[1] else found[2]
        record = self._cache[record_id]
        if record is not None and sobject is not None and object_for_id(record_id) != sobject:
            return None
        return record


class Org:
    """The one org this sandbox stands in for."""

    def __init__(self, state_dir: Path, clock: SandboxClock | None = None):
        self.db = Database(state_dir)
        self.schema = Schema(self.db, standard_objects())
        self.security = FieldSecurity(self)
        self.store = RecordStore(self.db)
        self.clock = Clock(self.store.latest_modstamp(), clock)
        self.api_version = DEFAULT_API_VERSION
        self.base_url = ""
        self.org_id = self._setting_once("org_id", lambda: new_id("00D"))
        self.client_id = self._setting_once(
            "client_id", lambda: "3MVG9" + secrets.token_urlsafe(60).replace("-", "A").replace("_", "z"))
        self.client_secret = self._setting_once("client_secret", lambda: secrets.token_hex(32).upper())
        self.admin_password = self._setting_once("admin_password",
                                                 lambda: "Sandbox-" + secrets.token_urlsafe(9))
        self.tokens = TokenStore(self.db, self.org_id, self.clock)
        self.rules = OrgRules(self)
        self.picklists = OrgPicklists(self)
        self.ensure_standard_records()
        self.picklists.apply()

    def _setting_once(self, key: str, make: Any) -> str:
        value = self.db.get_setting(key)
        if value is None:
            value = make()
            self.db.set_setting(key, value)
        return value

    # -- users and the org record ------------------------------------------------------------
    def ensure_standard_records(self) -> None:
        """The Organization record and the standard users exist (kept across reset)."""
        users = self.db.get_setting("standard_users") or {}
        with self.db.transaction() as conn:
            if self.store.get(self.org_id, conn) is None:
                now = self.clock.now()
                org = {"Id": self.org_id, "Name": ORG_NAME, "IsSandbox": True, "InstanceName": "LOCAL",
                       "OrganizationType": "Enterprise Edition", "IsDeleted": False,
                       "CreatedDate": now, "LastModifiedDate": now, "SystemModstamp": now}
                self.store.put(conn, org, "Organization")
            for username, first, last in STANDARD_USERS:
                user_id = users.get(username) or new_id("005")
                users[username] = user_id
                if self.store.get(user_id, conn) is not None:
                    continue
                now = self.clock.now()
                record = {"Id": user_id, "Username": username, "FirstName": first, "LastName": last,
                          "Name": f"{first} {last}", "Email": username, "IsActive": True,
                          "IsDeleted": False, "CreatedDate": now, "LastModifiedDate": now,
                          "SystemModstamp": now, "CreatedById": users[ADMIN_USERNAME],
                          "LastModifiedById": users[ADMIN_USERNAME]}
                self.store.put(conn, record, "User")
                self.store.set_unique_values(conn, "User", user_id, {"Username": username})
            self.db.set_setting("standard_users", users, conn)
        self.admin_id = users[ADMIN_USERNAME]

    def add_user(self, username: str, email: str, first_name: str, last_name: str) -> str:
        """A new active user (as an admin adds a rep); its id. Raises ValueError."""
        if not username or "@" not in username or not email or "@" not in email or not last_name:
            raise ValueError("username and email must look like addresses, last_name is required")
        with self.db.transaction() as conn:
            if self.store.owner_of(conn, "User", "Username", username) is not None:
                raise ValueError(f"username {username!r} is taken (usernames are unique "
                                 "across Salesforce)")
            now = self.clock.now()
            user_id = new_id("005")
            record = {"Id": user_id, "Username": username, "FirstName": first_name,
                      "LastName": last_name, "Name": f"{first_name} {last_name}".strip(),
                      "Email": email, "IsActive": True, "IsDeleted": False, "CreatedDate": now,
                      "LastModifiedDate": now, "SystemModstamp": now,
                      "CreatedById": self.admin_id, "LastModifiedById": self.admin_id}
            self.store.put(conn, record, "User")
            self.store.set_unique_values(conn, "User", user_id, {"Username": username})
        return user_id

    def set_user_active(self, user_id: str, active: bool) -> None:
        found = self.store.get(to_18(user_id) or "")
        if found is None or found[0] != "User":
            raise ValueError(f"no user {user_id}")
        with self.db.transaction() as conn:
            record = dict(found[2])
            now = self.clock.now()
            record.update({"IsActive": active, "LastModifiedDate": now, "SystemModstamp": now})
            self.store.put(conn, record, "User")

    def user(self, username: str) -> dict[str, Any] | None:
        conn = self.db.connection()
        user_id = self.store.owner_of(conn, "User", "Username", username)
        return None if user_id is None else self.user_by_id(user_id)

    def user_by_id(self, user_id: str) -> dict[str, Any] | None:
        found = self.store.get(to_18(user_id) or "")
        return dict(found[2]) if found and found[0] == "User" and not found[1] else None

    def check_password(self, username: str, password: str) -> dict[str, Any] | None:
        """The user's record when the password is right (every standard user has the admin password)."""
        user = self.user(username)
        if user is None or not user.get("IsActive"):
            return None
        good = hashlib.sha256(self.admin_password.encode()).digest()
        given = hashlib.sha256(password.encode()).digest()
        return user if secrets.compare_digest(good, given) else None

    # -- writes ------------------------------------------------------------------------------
    def create(self, sobject: str, values: dict[str, Any],
               options: WriteOptions = REST_DEFAULT) -> WriteResult:
        return self.apply([Operation("create", sobject, values)], options=options)[0]

    def update(self, sobject: str, record_id: str, values: dict[str, Any],
               options: WriteOptions = REST_DEFAULT) -> WriteResult:
        return self.apply([Operation("update", sobject, values, record_id=record_id)],
                          options=options)[0]

    def upsert(self, sobject: str, ext_field: str, ext_value: str, values: dict[str, Any],
               options: WriteOptions = REST_DEFAULT) -> WriteResult:
        return self.apply([Operation("upsert", sobject, values, ext_field=ext_field,
                                     ext_value=ext_value)], options=options)[0]

    def delete(self, sobject: str, record_id: str) -> WriteResult:
        return self.apply([Operation("delete", sobject, record_id=record_id)])[0]

    def apply(self, operations: list[Operation | WriteResult], all_or_none: bool = False,
              options: WriteOptions = REST_DEFAULT) -> list[WriteResult]:
        """Write many records in one transaction; with all_or_none, one failure writes none.

        `options` are the request's rule headers (assignment, duplicate rules: org_rules.py).

        A WriteResult in `operations` stands for a record the caller already found invalid; it
        keeps its place in the results (and counts as a failure for all_or_none).
        """
        results: list[WriteResult] = []
        try:
            with self.db.transaction() as conn, self.clock.one_moment(), self.rules.held():
                for op in operations:
                    if isinstance(op, WriteResult):
                        results.append(op)
                        continue
                    try:
                        results.append(self._apply_one(conn, op, options))
                    except Invalid as exc:
                        results.append(WriteResult(None, False, False, exc.errors))
                if all_or_none and not all(r.success for r in results):
                    raise _RollBack
        except _RollBack:
            results = [r if not r.success else WriteResult(None, False, False, [_ROLLED_BACK])
                       for r in results]
        if any(isinstance(op, Operation) and self.schema.object_name(op.sobject) in SETUP_OBJECTS
               for op in operations):
            self.security.changed()
        return results

    def _apply_one(self, conn: sqlite3.Connection, op: Operation,
                   options: WriteOptions = REST_DEFAULT) -> WriteResult:
        # What the acting user may see and edit decides which fields a write may name.
        obj = self.security.view().object(op.sobject)
        if obj is None:
            raise Invalid(RecordError("INVALID_TYPE", f"sObject type '{op.sobject}' is not supported.", []))
        sobject = obj.name
        if op.kind == "create":
            return self._create(conn, obj, op.values, options)
        if op.kind == "upsert":
            return self._upsert(conn, obj, op, options)
        record_id = to_18(op.record_id or "")
        if record_id is None:
            raise Invalid(RecordError("MALFORMED_ID", f"malformed id {op.record_id}", []))
        found = self.store.get(record_id, conn)
        if found is None or found[0] != sobject:
            raise Invalid(RecordError("NOT_FOUND", "The requested resource does not exist", []))
        if found[1]:
            raise Invalid(RecordError("ENTITY_IS_DELETED", "entity is deleted", []))
        if op.kind == "update":
            return self._update(conn, obj, found[2], op.values, options)
        if op.kind == "delete":
            return self._delete(conn, sobject, found[2])
        raise ValueError(f"unknown operation {op.kind}")

    def _lookup(self, conn: sqlite3.Connection) -> Any:
        def lookup(record_id: str) -> tuple[str, bool] | None:
            found = self.store.get(record_id, conn)
            return None if found is None else (found[0], found[1])
        return lookup

    def _create(self, conn: sqlite3.Connection, sobject: str | ObjectInfo,
                values: dict[str, Any], options: WriteOptions = REST_DEFAULT) -> WriteResult:
        # An ObjectInfo is the object as the acting user sees it (their field-level security).
        obj = sobject if isinstance(sobject, ObjectInfo) else self.schema.objects[sobject]
        sobject = obj.name
        if not obj.createable:
            raise Invalid(RecordError("INVALID_TYPE", f"Cannot create {sobject}", []))
        clean = clean_values(obj, values, creating=True, lookup=self._lookup(conn))
        now = self.clock.now()
        record: dict[str, Any] = {"Id": new_id(obj.key_prefix)}
        for f in obj.fields.values():
            if f.defaulted_on_create and f.default_value is not None:
                record[f.name] = f.default_value
        record.update({"OwnerId": self.admin_id, "CreatedById": self.admin_id,
                       "LastModifiedById": self.admin_id, "IsDeleted": False})
        record.update({k: v for k, v in clean.items() if v is not None or k not in record})
        record.update({"CreatedDate": now, "LastModifiedDate": now, "SystemModstamp": now})
        self.rules.check(conn, sobject, record, True, options)
        self._write(conn, sobject, record)
        return WriteResult(record["Id"], True, True)

    def _update(self, conn: sqlite3.Connection, sobject: str | ObjectInfo, current: Record,
                values: dict[str, Any], options: WriteOptions = REST_DEFAULT) -> WriteResult:
        obj = sobject if isinstance(sobject, ObjectInfo) else self.schema.objects[sobject]
        sobject = obj.name
        if sobject == "Lead" and current.get("IsConverted"):
            raise Invalid(RecordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", []))
        if not obj.updateable:
            raise Invalid(RecordError("INVALID_TYPE", f"Cannot update {sobject}", []))
        clean = clean_values(obj, values, creating=False, lookup=self._lookup(conn))
        record = dict(current)
        record.update(clean)
        now = self.clock.now()
        record.update({"LastModifiedDate": now, "SystemModstamp": now,
                       "LastModifiedById": self.admin_id})
        self.rules.check(conn, sobject, record, False, options)
        self._write(conn, sobject, record)
        return WriteResult(record["Id"], True, False)

    def _upsert(self, conn: sqlite3.Connection, obj: ObjectInfo, op: Operation,
                options: WriteOptions = REST_DEFAULT) -> WriteResult:
        sobject = obj.name
        info = obj.field(op.ext_field or "")
        if info is None or not (info.external_id or info.name == "Id"):
            raise Invalid(RecordError(
                "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: "
                f"{op.ext_field}", []))
        values = {k: v for k, v in op.values.items() if k != "attributes"}
        if info.name == "Id":
            values = {k: v for k, v in values.items() if k.lower() != "id"}
            if not op.ext_value:
                return self._create(conn, obj, values, options)
            return self._apply_one(conn, Operation("update", sobject, values,
                                                   record_id=op.ext_value), options)
        if not op.ext_value:
            raise Invalid(RecordError("MISSING_ARGUMENT",
                                      f"{info.name} not specified", [info.name]))
        values = {k: v for k, v in values.items() if k.lower() != info.name.lower()}
        owner = self.store.owner_of(conn, sobject, info.name, str(op.ext_value))
        if owner is None:
            return self._create(conn, obj, {**values, info.name: op.ext_value}, options)
        found = self.store.get(owner, conn)
        assert found is not None
        return self._update(conn, obj, found[2], values, options)

    def _delete(self, conn: sqlite3.Connection, sobject: str, current: Record) -> WriteResult:
        if not self.schema.objects[sobject].deletable:
            raise Invalid(RecordError("INSUFFICIENT_ACCESS_OR_READONLY",
                                      "insufficient access rights on object id", []))
        record = dict(current)
        record["IsDeleted"] = True
        now = self.clock.now()
        record["SystemModstamp"] = now
        self.store.put(conn, record, sobject)
        self.store.drop_unique_values(conn, record["Id"])
        return WriteResult(record["Id"], True, False)

    def _write(self, conn: sqlite3.Connection, sobject: str, record: dict[str, Any]) -> None:
        """Derive computed fields, check required and unique values, and store the record."""
        obj = self.schema.objects[sobject]
        if "Name" in obj.fields and "LastName" in obj.fields:
            record["Name"] = " ".join(p for p in (record.get("FirstName"), record.get("LastName")) if p)
        if sobject == "Task":
            record["IsClosed"] = record.get("Status") in self.picklists.closed_task_statuses()
        record = {k: v for k, v in record.items() if v is not None}
        check_required(obj, record)
        if sobject in SETUP_OBJECTS:
            check_setup_record(self, conn, sobject, record)
        unique: dict[str, str | None] = {}
        for f in self.schema.external_id_fields(sobject):
            if not f.unique and not f.external_id:
                continue
            value = record.get(f.name)
            if value is not None and f.unique:
                owner = self.store.owner_of(conn, sobject, f.name, str(value))
                if owner is not None and owner != record["Id"]:
                    raise Invalid(RecordError(
                        "DUPLICATE_VALUE", f"duplicate value found: {f.name} duplicates value on "
                        f"record with id: {owner}", []))
            unique[f.name] = None if value is None else str(value)
        self.store.put(conn, record, sobject)
        self.store.set_unique_values(conn, sobject, record["Id"], unique)

    # -- reads -------------------------------------------------------------------------------
    def get(self, sobject: str, record_id: str) -> Record | None:
        """A live record of this object by 15- or 18-character id."""
        rid = to_18(record_id)
        found = self.store.get(rid) if rid else None
        if found is None or found[0] != sobject or found[1]:
            return None
        return found[2]

    def get_by_external_id(self, sobject: str, ext_field: str, value: str) -> Record | None:
        owner = self.store.owner_of(self.db.connection(), sobject, ext_field, value)
        return None if owner is None else self.get(sobject, owner)

    def parent_lookup(self) -> ParentLookup:
        return ParentLookup(self.store)

    def query(self, soql: str, include_deleted: bool = False) -> tuple[Any, list[dict[str, Any]]]:
        """Run SOQL: (the bound query, the matching raw records in order); raises soql.SoqlError.

        For COUNT() the records are the counted ones (their number is the count); for
        COUNT(field) they are the AggregateResult rows. (Bulk API 2.0 and small reads; the REST
        query resource pages through `find` instead, never holding the records.)
        """
        bound, found = self.find(soql, include_deleted)
        if bound.aggregate:
            return bound, found
        if bound.is_count:
            return bound, [{}] * found
        records = self.store.get_many(found)
        return bound, [dict(records[i][2]) for i in found if i in records]

    def find(self, soql: str, include_deleted: bool = False) -> tuple[Any, Any]:
        """Run SOQL without keeping records: (the bound query, what it found): the matching Ids
        in order, the count for COUNT(), or the AggregateResult rows for COUNT(field)."""
        from plx_desktop.sandbox.salesforce import soql as soql_module

        bound = soql_module.bind(soql_module.parse(soql), self.security.view(),
                                 indexed=INDEXED_TEXT_FIELDS, now=self.clock.datetime())
        hints = bound.hints()
        modstamp_from = None
        if hints.modstamp_from is not None:
            modstamp_from = _modstamp_bound(hints.modstamp_from)
        # Records narrowed by the modstamp bounds alone come from the store in (modstamp, Id)
        # order when asked: a sync's query over a million then keeps ids only, unsorted.
        # (An ORDER BY never comes with COUNT() or aggregates: bind refuses those.)
        presorted = bound.in_modstamp_order and hints.ids is None and hints.equal is None
        rows = self.store.candidates(bound.sobject, include_deleted=include_deleted,
                                     modstamp_from=modstamp_from, modstamp_to=hints.modstamp_to,
                                     ids={i for i in (to_18(x) for x in hints.ids) if i}
                                     if hints.ids is not None else None, equal=hints.equal,
                                     in_modstamp_order=presorted)
        if bound.aggregate:
            return bound, bound.aggregate_rows(rows, self.parent_lookup())
        if bound.is_count:
            return bound, bound.count(rows, self.parent_lookup())
        return bound, bound.ordered_ids(rows, self.parent_lookup(), presorted=presorted)

    def project(self, bound: Any, record: dict[str, Any], version: str,
                parent: ParentLookup | None = None) -> dict[str, Any]:
        """One record as the REST API shows it for this query (attributes, relationship fields)."""
        if bound.aggregate:
            return record  # AggregateResult rows come out of query() already in their JSON shape

        def url_for(sobject: str, record_id: str) -> str:
            return f"/services/data/v{version.lstrip('v')}/sobjects/{sobject}/{record_id}"
        return bound.project(record, parent or self.parent_lookup(), url_for)

    # -- housekeeping ------------------------------------------------------------------------
    def reset(self) -> None:
        """Every record goes, and the org's rules and picklist edits; users, the org, custom
        fields, permission sets and tokens stay."""
        self.store.clear(_KEEP_ON_RESET)
        self.ensure_standard_records()
        self.rules.clear_all()
        self.picklists.reset()

    def apply_preset(self, preset: str) -> None:
        """Start over as a `fresh` org (no PeopleLinx fields) or a `ready` one (installed and
        readable and editable by everyone); either way with no permission sets and the
        profile's field settings back to open."""
        if preset not in ORG_PRESETS:
            raise ValueError(f"org must be one of {list(ORG_PRESETS)}")
        with self.db.transaction() as conn:
            for sobject in SETUP_OBJECTS:
                conn.execute("DELETE FROM external_ids WHERE sobject = ?", (sobject,))
                conn.execute("DELETE FROM records WHERE sobject = ?", (sobject,))
        for spec in peoplelinx_field_specs():
            self.schema.remove_custom_field(str(spec["object"]), str(spec["name"]))
            if preset == "ready":
                self.schema.add_custom_field({**spec, "id": new_id("00N"),
                                              "created": self.clock.now()})
        self.security.clear_profile()

    def is_empty(self) -> bool:
        conn = self.db.connection()
        marks = ",".join("?" * len(_KEEP_ON_RESET))
        row = conn.execute(f"SELECT 1 FROM records WHERE sobject NOT IN ({marks}) LIMIT 1",
                           _KEEP_ON_RESET).fetchone()
        return row is None


def _modstamp_bound(hint: tuple[str, Any, bool]) -> str | None:
    """The lowest SystemModstamp a matching record can have (created/modified dates never exceed it)."""
    field_name, value, _inclusive = hint
    if field_name not in ("SystemModstamp", "LastModifiedDate", "CreatedDate"):
        return None
    from datetime import datetime

    from plx_desktop.sandbox.salesforce.records import format_datetime, parse_datetime

    try:
        moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    except ValueError:
        return None
    return format_datetime(int(moment.timestamp() * 1000))
