"""Field-level security of the sandbox org: what the acting user may read and edit, field by field.

Salesforce decides a user's access to a field from their profile and the permission sets assigned
to them (FieldPermissions records under a PermissionSet, PermissionSetAssignment to the user). The
sandbox keeps one profile for everyone: every standard field readable and editable unless
`POST /__sandbox__/field-security` says otherwise, and a custom field made through the Tooling API
hidden from it, as a field created through the API is visible to nobody until granted. A field the
user cannot read leaves describe and is unknown to SOQL and writes (INVALID_FIELD); one they can
read but not edit is refused on writes (INVALID_FIELD_FOR_INSERT_UPDATE).

The user acting is the one whose session the REST call carries (`ACTING_USER`, set per request);
with no user (control endpoints, seeding) everything is visible.
"""

from __future__ import annotations

import contextvars
import re
import threading
from dataclasses import replace
from typing import Any

from plx_desktop.sandbox.salesforce.schema import FieldInfo, ObjectInfo, Schema
from plx_desktop.sandbox.salesforce.validate import Invalid, RecordError

ACTING_USER: contextvars.ContextVar[str | None] = contextvars.ContextVar("acting_user", default=None)
SETUP_OBJECTS = ("PermissionSet", "FieldPermissions", "PermissionSetAssignment")
_API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
Access = tuple[bool, bool]  # (readable, editable)


def permissionable(f: FieldInfo) -> bool:
    """Whether field-level security applies: not to required, system or calculated fields."""
    return f.nillable and (f.createable or f.updateable) and f.type != "id" and not f.name_field


class FieldSecurity:
    """The profile's field settings and the permission-set grants, per user, cached."""

    def __init__(self, org: Any):
        self._org = org
        self._lock = threading.Lock()
        self._generation = 0
        self._cache: dict[str | None, tuple[int, dict[tuple[str, str], Access]]] = {}

    def changed(self) -> None:
        """Something that decides access changed (a grant, a field, a profile setting)."""
        with self._lock:
            self._generation += 1
            self._cache.clear()

    # -- the profile ------------------------------------------------------------------------
    def profile(self) -> dict[str, list[bool]]:
        return dict(self._org.db.get_setting("field_security", {}))

    def set_profile(self, sobject: str, field: str, readable: bool, editable: bool) -> None:
        settings = self.profile()
        settings[f"{sobject}.{field}"] = [readable, editable and readable]
        self._org.db.set_setting("field_security", settings)
        self.changed()

    def clear_profile(self) -> None:
        self._org.db.set_setting("field_security", {})
        self.changed()

    # -- access -----------------------------------------------------------------------------
    def access_for(self, user_id: str | None) -> dict[tuple[str, str], Access]:
        """(object, lower-case field) -> access, for the fields that are not fully open."""
        with self._lock:
            cached = self._cache.get(user_id)
            if cached is not None and cached[0] == self._generation:
                return cached[1]
            generation = self._generation
        access = self._compute(user_id)
        with self._lock:
            if generation == self._generation:
                self._cache[user_id] = (generation, access)
        return access

    def _compute(self, user_id: str | None) -> dict[tuple[str, str], Access]:
        schema: Schema = self._org.schema
        base: dict[tuple[str, str], Access] = {}
        for spec in schema.custom_specs():
            if not spec.get("profile_access", True):
                base[(spec["object"], spec["name"].lower())] = (False, False)
        for key, (readable, editable) in self.profile().items():
            sobject, _, name = key.partition(".")
            base[(sobject, name.lower())] = (bool(readable), bool(editable))
        grants = self._grants(user_id) if user_id else {}
        out: dict[tuple[str, str], Access] = {}
        for key, (readable, editable) in base.items():
            granted = grants.get(key, (False, False))
            read = readable or granted[0]
            out[key] = (read, read and (editable or granted[1]))
        return out

    def _grants(self, user_id: str) -> dict[tuple[str, str], Access]:
        store = self._org.store
        sets = {a.get("PermissionSetId") for a in store.all_of("PermissionSetAssignment")
                if a.get("AssigneeId") == user_id and not a.get("IsDeleted")}
        out: dict[tuple[str, str], Access] = {}
        for fp in store.all_of("FieldPermissions"):
            if fp.get("IsDeleted") or fp.get("ParentId") not in sets:
                continue
            sobject, _, name = str(fp.get("Field") or "").partition(".")
            key = (sobject, name.lower())
            old = out.get(key, (False, False))
            out[key] = (old[0] or bool(fp.get("PermissionsRead")),
                        old[1] or bool(fp.get("PermissionsEdit")))
        return out

    def view(self, user_id: str | None = None) -> Schema | UserSchema:
        """The schema as `user_id` (default: the acting user) sees it."""
        user = user_id if user_id is not None else ACTING_USER.get()
        if user is None:
            return self._org.schema
        access = self.access_for(user)
        return UserSchema(self._org.schema, access) if access else self._org.schema


class UserSchema:
    """The org's schema without the fields one user cannot read, and with theirs read-only
    where they cannot edit; speaks the same protocol as Schema for SOQL, describe and writes."""

    def __init__(self, schema: Schema, access: dict[tuple[str, str], Access]):
        self._schema = schema
        self._access = access
        self._objects: dict[str, ObjectInfo] = {}

    def _restricted(self, obj: ObjectInfo) -> ObjectInfo:
        if obj.name in self._objects:
            return self._objects[obj.name]
        fields: dict[str, FieldInfo] = {}
        for name, f in obj.fields.items():
            readable, editable = self._access.get((obj.name, name.lower()), (True, True))
            if not readable:
                continue
            fields[name] = f if editable else replace(f, createable=False, updateable=False)
        view = replace(obj, fields=fields)
        self._objects[obj.name] = view
        return view

    @property
    def objects(self) -> dict[str, ObjectInfo]:
        return {name: self._restricted(o) for name, o in self._schema.objects.items()}

    def object_name(self, name: str) -> str | None:
        return self._schema.object_name(name)

    def object(self, name: str) -> ObjectInfo | None:
        obj = self._schema.object(name)
        return None if obj is None else self._restricted(obj)

    def field(self, sobject: str, name: str) -> FieldInfo | None:
        obj = self.object(sobject)
        return None if obj is None else obj.field(name)

    def relationship(self, sobject: str, rel_name: str) -> FieldInfo | None:
        found = self._schema.relationship(sobject, rel_name)
        if found is None:
            return None
        canonical = self._schema.object_name(sobject) or sobject
        return found if self._access.get((canonical, found.name.lower()), (True, True))[0] else None

    def key_prefixes(self) -> dict[str, str]:
        return self._schema.key_prefixes()


# -- the setup objects' own rules -----------------------------------------------------------
def check_setup_record(org: Any, conn: Any, sobject: str, record: dict[str, Any]) -> None:
    """Salesforce's rules for PermissionSet, FieldPermissions and PermissionSetAssignment."""
    if sobject == "PermissionSet":
        name = str(record.get("Name") or "")
        if not _API_NAME.match(name) or "__" in name or name.endswith("_"):
            raise Invalid(RecordError(
                "FIELD_INTEGRITY_EXCEPTION", "The API Name can only contain underscores and "
                "alphanumeric characters. It must be unique, begin with a letter, not include "
                "spaces, not end with an underscore, and not contain two consecutive underscores.",
                ["Name"]))
    elif sobject == "FieldPermissions":
        _check_field_permission(org, conn, record)
    elif sobject == "PermissionSetAssignment":
        _check_unique_pair(org, conn, record, "PermissionSetAssignment", "AssigneeId",
                           "PermissionSetId")


def _check_field_permission(org: Any, conn: Any, record: dict[str, Any]) -> None:
    sobject = str(record.get("SobjectType") or "")
    field_name = str(record.get("Field") or "")
    prefix, _, name = field_name.partition(".")
    info = org.schema.field(sobject, name) if prefix.lower() == sobject.lower() else None
    if info is None or not permissionable(info):
        raise Invalid(RecordError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                                  f"Field Name: bad value for restricted picklist field: "
                                  f"{field_name}", ["Field"]))
    record["SobjectType"] = org.schema.object_name(sobject)
    record["Field"] = f"{record['SobjectType']}.{info.name}"
    if record.get("PermissionsEdit") and not record.get("PermissionsRead"):
        raise Invalid(RecordError("FIELD_INTEGRITY_EXCEPTION",
                                  "Permission Edit depends on permission(s): Read",
                                  ["PermissionsEdit"]))
    _check_unique_pair(org, conn, record, "FieldPermissions", "ParentId", "Field")


def _check_unique_pair(org: Any, conn: Any, record: dict[str, Any], sobject: str, first: str,
                       second: str) -> None:
    for other in org.store.all_of(sobject):
        if other["Id"] == record["Id"] or other.get("IsDeleted"):
            continue
        if other.get(first) == record.get(first) and other.get(second) == record.get(second):
            raise Invalid(RecordError(
                "DUPLICATE_VALUE", f"duplicate value found: <unknown> duplicates value on record "
                f"with id: {other['Id']}", []))
