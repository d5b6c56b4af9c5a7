"""The sandbox org's objects and fields: what describe answers and what SOQL and validation check.

Standard objects come from `objects.py`; custom fields (`__c`) are kept in the org's settings so that
they survive restarts and resets.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from plx_desktop.sandbox.salesforce.db import Database
from plx_desktop.sandbox.salesforce.ids import new_id

TEXT_TYPES = ("string", "email", "phone", "url", "textarea", "picklist", "combobox",
              "multipicklist")
SOAP_TYPES = {
    "id": "tns:ID", "reference": "tns:ID", "boolean": "xsd:boolean", "int": "xsd:int",
    "double": "xsd:double", "currency": "xsd:double", "percent": "xsd:double", "date": "xsd:date",
    "datetime": "xsd:dateTime", "address": "urn:address", "location": "urn:location",
}
CUSTOM_FIELD_TYPES = ("string", "textarea", "email", "phone", "url", "picklist", "boolean", "int",
                      "double", "currency", "percent", "date", "datetime")


@dataclass
class PicklistValue:
    value: str
    label: str | None = None
    active: bool = True
    default: bool = False


@dataclass
class FieldInfo:
    """One field of an object, as describe shows it."""

    name: str
    type: str
    label: str = ""
    length: int = 0
    required: bool = False  # createable, not nillable and not defaulted: REQUIRED_FIELD_MISSING
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    defaulted_on_create: bool = False
    default_value: Any = None
    picklist_values: list[PicklistValue] = field(default_factory=list)
    restricted_picklist: bool = False
    reference_to: list[str] = field(default_factory=list)
    relationship_name: str | None = None
    external_id: bool = False
    unique: bool = False
    custom: bool = False
    calculated: bool = False
    name_field: bool = False
    precision: int = 0
    scale: int = 0
    compound_field_name: str | None = None  # a part of MailingAddress, Name, ...

    def __post_init__(self) -> None:
        if not self.label:
            self.label = _label_for(self.name)
        if self.required:
            self.nillable = False

    @property
    def soap_type(self) -> str:
        return SOAP_TYPES.get(self.type, "xsd:string")

    @property
    def is_text(self) -> bool:
        return self.type in TEXT_TYPES


@dataclass
class ObjectInfo:
    """One object (sObject type)."""

    name: str
    label: str
    label_plural: str
    key_prefix: str
    fields: dict[str, FieldInfo]
    createable: bool = True
    updateable: bool = True
    deletable: bool = True

    def field(self, name: str) -> FieldInfo | None:
        found = self.fields.get(name)
        if found is not None:
            return found
        lowered = name.lower()
        for candidate in self.fields.values():
            if candidate.name.lower() == lowered:
                return candidate
        return None


def _label_for(name: str) -> str:
    base = name[:-3] if name.endswith("__c") else name
    if base.endswith("Id") and len(base) > 2:
        return base[:-2] + " ID"
    return base.replace("_", " ")


class Schema:
    """The org's describe data; also the SOQL module's schema (object_name / field / relationship)."""

    def __init__(self, db: Database, objects: dict[str, ObjectInfo]):
        self._db = db
        self._lock = threading.Lock()
        self.objects = objects
        for spec in db.get_setting("custom_fields", []):
            self._attach(spec)

    # -- the SOQL module's protocol ---------------------------------------------------------
    def object_name(self, name: str) -> str | None:
        if name in self.objects:
            return name
        lowered = name.lower()
        for canonical in self.objects:
            if canonical.lower() == lowered:
                return canonical
        return None

    def field(self, sobject: str, name: str) -> FieldInfo | None:
        obj = self.objects.get(sobject) or self.objects.get(self.object_name(sobject) or "")
        return None if obj is None else obj.field(name)

    def relationship(self, sobject: str, rel_name: str) -> FieldInfo | None:
        obj = self.objects.get(sobject) or self.objects.get(self.object_name(sobject) or "")
        if obj is None:
            return None
        lowered = rel_name.lower()
        for f in obj.fields.values():
            if f.relationship_name and f.relationship_name.lower() == lowered:
                return f
        return None

    # -- describe helpers -------------------------------------------------------------------
    def object(self, name: str) -> ObjectInfo | None:
        canonical = self.object_name(name)
        return None if canonical is None else self.objects[canonical]

    def key_prefixes(self) -> dict[str, str]:
        return {o.key_prefix: o.name for o in self.objects.values()}

    def external_id_fields(self, sobject: str) -> list[FieldInfo]:
        return [f for f in self.objects[sobject].fields.values() if f.external_id or f.unique]

    # -- custom fields ----------------------------------------------------------------------
    def custom_specs(self) -> list[dict[str, Any]]:
        """Every custom field's definition as kept in the org's settings."""
        return list(self._db.get_setting("custom_fields", []))

    def add_custom_field(self, spec: dict[str, Any]) -> FieldInfo:
        """Define (or redefine) a custom field and keep it in the org's settings.

        `profile_access` (default true) says whether the profile sees it without a grant;
        `id` and `created` are the Tooling API's CustomField Id and CreatedDate.
        """
        spec = normalize_custom_field(spec, self)
        with self._lock:
            info = self._attach(spec)
            kept = [s for s in self._db.get_setting("custom_fields", [])
                    if (s["object"], s["name"]) != (spec["object"], spec["name"])]
            kept.append(spec)
            self._db.set_setting("custom_fields", kept)
        return info

    def remove_custom_field(self, sobject: str, name: str) -> None:
        with self._lock:
            self.objects[sobject].fields.pop(name, None)
            kept = [s for s in self._db.get_setting("custom_fields", [])
                    if (s["object"], s["name"]) != (sobject, name)]
            self._db.set_setting("custom_fields", kept)

    def _attach(self, spec: dict[str, Any]) -> FieldInfo:
        values = [PicklistValue(v, v) for v in spec.get("picklist_values") or []]
        info = FieldInfo(
            name=spec["name"], type=spec["type"], label=spec.get("label") or "",
            length=int(spec.get("length") or 0), custom=True,
            external_id=bool(spec.get("external_id")), unique=bool(spec.get("unique")),
            picklist_values=values, restricted_picklist=bool(spec.get("restricted")),
            precision=18 if spec["type"] in ("double", "currency", "percent") else 0,
            scale=2 if spec["type"] in ("double", "currency", "percent") else 0,
        )
        if info.type == "boolean":
            info.nillable, info.defaulted_on_create, info.default_value = False, True, False
        self.objects[spec["object"]].fields[info.name] = info
        return info


def normalize_custom_field(spec: dict[str, Any], schema: Schema) -> dict[str, Any]:
    """Check a control-endpoint field definition; raises ValueError with a plain reason."""
    obj = schema.object_name(str(spec.get("object") or ""))
    if obj is None:
        raise ValueError(f"unknown object {spec.get('object')!r}")
    name = str(spec.get("name") or "")
    if not name.endswith("__c") or not name[:-3].replace("_", "").isalnum():
        raise ValueError("a custom field name must look like Something__c")
    kind = str(spec.get("type") or "string").lower()
    if kind not in CUSTOM_FIELD_TYPES:
        raise ValueError(f"type must be one of {list(CUSTOM_FIELD_TYPES)}")
    length = spec.get("length")
    if kind in ("string", "url", "phone", "picklist"):
        length = int(length or 255)
    elif kind == "email":
        length = 80
    elif kind == "textarea":
        length = int(length or 32768)
    else:
        length = 0
    return {"object": obj, "name": name, "type": kind, "length": length,
            "label": spec.get("label") or "", "external_id": bool(spec.get("external_id")),
            "unique": bool(spec.get("unique")),
            "picklist_values": [str(v) for v in spec.get("picklist_values") or []],
            "restricted": bool(spec.get("restricted")),
            "profile_access": bool(spec.get("profile_access", True)),
            "id": spec.get("id") or new_id("00N"), "created": spec.get("created")}
