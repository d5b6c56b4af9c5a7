"""The org's own rules, as an admin sets them up: lead assignment, duplicate and validation rules.

Each write of Org passes through `OrgRules.check` with the request's `WriteOptions` (its
Sforce-Auto-Assign and Sforce-Duplicate-Rule-Header headers), the way Salesforce documents them:

- Assignment Rule header (REST API Developer Guide, "Assignment Rule Header"): without
  `Sforce-Auto-Assign: FALSE`, a REST or Collections create or update of a Lead runs the active
  lead assignment rule, which sets OwnerId. Bulk API 2.0 runs it only for a job created with
  `assignmentRuleId` ("Create a Job").
- Duplicate rules ("Duplicate Rule Header", DuplicateError / DuplicateResult / MatchResult in
  the SOAP API Developer Guide): a create matching an existing record on the rule's fields
  (case-insensitive) fails with DUPLICATES_DETECTED and the matched records in `duplicateResult`,
  unless the rule's action is allow (an alert) and the request sent `allowSave=true`. As
  Salesforce's standard Lead rule does, a Lead rule matches Leads and Contacts; a Contact rule
  matches Contacts.
- Validation rules: FIELD_CUSTOM_VALIDATION_EXCEPTION with the rule's message, naming its field.

The rules are kept in the org's settings; a reset clears them (each test starts from a plain org).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from plx_desktop.sandbox.salesforce.ids import new_id
from plx_desktop.sandbox.salesforce.validate import Invalid, RecordError

if TYPE_CHECKING:
    from plx_desktop.sandbox.salesforce.org import Org

RULE_OBJECTS = ("Lead", "Contact", "Account")
_MATCHED_BY = {"Lead": ("Lead", "Contact"), "Contact": ("Contact",), "Account": ("Account",)}
_DUPLICATE_MESSAGE = "You're creating a duplicate record. We recommend you use an existing record instead."


@dataclass(frozen=True)
class WriteOptions:
    """What a request's headers ask of the org's rules."""

    auto_assign: str | None = None  # None or "TRUE": active rules run; "FALSE": none; else a rule id
    allow_save: bool = False  # Sforce-Duplicate-Rule-Header: allowSave=true

    @property
    def assigns(self) -> bool:
        return (self.auto_assign or "TRUE").upper() != "FALSE"


REST_DEFAULT = WriteOptions()
BULK_DEFAULT = WriteOptions(auto_assign="FALSE")  # Bulk API runs no assignment rule unasked


def options_from_headers(header: Any) -> WriteOptions:
    """WriteOptions from a request (`header(name)` reads one header)."""
    assign = (header("sforce-auto-assign") or "").strip() or None
    allow = False
    for part in (header("sforce-duplicate-rule-header") or "").split(";"):
        key, _, value = part.partition("=")
        if key.strip().lower() == "allowsave":
            allow = value.strip().lower() == "true"
    return WriteOptions(auto_assign=assign, allow_save=allow)


class OrgRules:
    """The assignment, duplicate and validation rules of one sandbox org."""

    def __init__(self, org: Org):
        self.org = org
        self._held = threading.local()  # the rules of the write call on this thread (held)

    # -- set up (the control endpoints) --------------------------------------------------------
    def set_assignment_rule(self, spec: dict[str, Any]) -> dict[str, Any]:
        if spec.get("object", "Lead") != "Lead":
            raise ValueError("object must be Lead (the sandbox models lead assignment rules)")
        owner = self.org.user_by_id(str(spec.get("owner_id") or ""))
        if owner is None or not owner.get("IsActive"):
            raise ValueError("owner_id must be the id of an active user (POST /__sandbox__/users)")
        rule = {"id": self._rule_id(), "object": "Lead", "owner_id": owner["Id"],
                "name": str(spec.get("name") or "Standard Lead Assignment")}
        self.org.db.set_setting("assignment_rule", rule)
        self._write_rule_record(rule, active=True)
        return rule

    def clear_assignment_rule(self) -> None:
        rule = self.org.db.get_setting("assignment_rule")
        self.org.db.set_setting("assignment_rule", None)
        if rule:
            self._write_rule_record(rule, active=False)

    def _rule_id(self) -> str:
        current = self.org.db.get_setting("assignment_rule") or {}
        return current.get("id") or new_id("01Q")

    def _write_rule_record(self, rule: dict[str, Any], active: bool) -> None:
        now = self.org.clock.now()
        record = {"Id": rule["id"], "Name": rule["name"], "SobjectType": "Lead", "Active": active,
                  "IsDeleted": False, "CreatedDate": now, "LastModifiedDate": now,
                  "SystemModstamp": now, "CreatedById": self.org.admin_id,
                  "LastModifiedById": self.org.admin_id}
        with self.org.db.transaction() as conn:
            self.org.store.put(conn, record, "AssignmentRule")

    def set_duplicate_rule(self, spec: dict[str, Any]) -> dict[str, Any]:
        sobject = str(spec.get("object") or "")
        if sobject not in RULE_OBJECTS:
            raise ValueError(f"object must be one of {list(RULE_OBJECTS)}")
        fields = spec.get("match_fields")
        if not isinstance(fields, list) or not fields:
            raise ValueError("match_fields must be a list of field names")
        obj = self.org.schema.objects[sobject]
        names = []
        for name in fields:
            info = obj.field(str(name))
            if info is None:
                raise ValueError(f"{sobject} has no field {name!r}")
            names.append(info.name)
        action = str(spec.get("action") or "block")
        if action not in ("block", "allow"):
            raise ValueError('action must be "block" or "allow"')
        rule = {"object": sobject, "match_fields": names, "action": action,
                "name": f"Standard_{sobject}_Duplicate_Rule"}
        rules = {r["object"]: r for r in self.org.db.get_setting("duplicate_rules", [])}
        rules[sobject] = rule
        self.org.db.set_setting("duplicate_rules", list(rules.values()))
        return rule

    def clear_duplicate_rule(self, sobject: str) -> bool:
        rules = self.org.db.get_setting("duplicate_rules", [])
        kept = [r for r in rules if r["object"].lower() != sobject.lower()]
        self.org.db.set_setting("duplicate_rules", kept)
        return len(kept) != len(rules)

    def set_validation_rule(self, spec: dict[str, Any]) -> dict[str, Any]:
        sobject = self.org.schema.object_name(str(spec.get("object") or ""))
        if sobject is None:
            raise ValueError(f"unknown object {spec.get('object')!r}")
        name = str(spec.get("name") or "")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            raise ValueError("name must be a rule name like Phone_Required")
        info = self.org.schema.objects[sobject].field(str(spec.get("field") or ""))
        if info is None:
            raise ValueError(f"{sobject} has no field {spec.get('field')!r}")
        pattern = spec.get("pattern")
        if not spec.get("required") and pattern is None:
            raise ValueError('give "required": true or a "pattern"')
        if pattern is not None:
            try:
                re.compile(str(pattern))
            except re.error as exc:
                raise ValueError(f"pattern is not a regular expression: {exc}") from None
        if not str(spec.get("message") or "").strip():
            raise ValueError("message is required (it is what the user sees)")
        rule = {"object": sobject, "name": name, "field": info.name,
                "required": bool(spec.get("required")),
                "pattern": None if pattern is None else str(pattern),
                "message": str(spec["message"])}
        rules = [r for r in self.org.db.get_setting("validation_rules", []) if r["name"] != name]
        self.org.db.set_setting("validation_rules", [*rules, rule])
        return rule

    def clear_validation_rule(self, name: str) -> bool:
        rules = self.org.db.get_setting("validation_rules", [])
        kept = [r for r in rules if r["name"] != name]
        self.org.db.set_setting("validation_rules", kept)
        return len(kept) != len(rules)

    def clear_all(self) -> None:
        with self.org.db.transaction() as conn:
            conn.execute("DELETE FROM records WHERE sobject = 'AssignmentRule'")
        self.org.db.set_setting("assignment_rule", None)
        self.org.db.set_setting("duplicate_rules", [])
        self.org.db.set_setting("validation_rules", [])

    # -- on each write ------------------------------------------------------------------------
    @contextmanager
    def held(self) -> Iterator[None]:
        """The rules read once for all the records of one write call (on this thread), not
        once a record: a Bulk job's 2,000-record chunk read the three settings 6,000 times.
        A control call that changes a rule lands between write calls, as a Setup change
        lands between transactions in Salesforce."""
        if getattr(self._held, "rules", None) is not None:
            yield
            return
        self._held.rules = {}
        try:
            yield
        finally:
            self._held.rules = None

    def _in_force(self, key: str, default: Any = None) -> Any:
        held = getattr(self._held, "rules", None)
        if held is None:
            return self.org.db.get_setting(key, default)
        if key not in held:
            held[key] = self.org.db.get_setting(key, default)
        return held[key]

    def check(self, conn: sqlite3.Connection, sobject: str, record: dict[str, Any],
              creating: bool, options: WriteOptions) -> None:
        """Apply the org's rules to a record about to be saved; raises Invalid."""
        self._assign(sobject, record, creating, options)
        self._validate(sobject, record)
        if creating:
            self._duplicates(conn, sobject, record, options)

    def _assign(self, sobject: str, record: dict[str, Any], creating: bool,
                options: WriteOptions) -> None:
        if sobject != "Lead" or not options.assigns:
            return
        rule = self._in_force("assignment_rule")
        if not rule:
            return
        named = (options.auto_assign or "TRUE").upper() != "TRUE"
        if named and (not creating or options.auto_assign[:15] != rule["id"][:15]):  # type: ignore[index]
            return  # a rule id applies to creates, and only that rule
        record["OwnerId"] = rule["owner_id"]

    def _validate(self, sobject: str, record: dict[str, Any]) -> None:
        for rule in self._in_force("validation_rules", []):
            if rule["object"] != sobject:
                continue
            value = record.get(rule["field"])
            text = "" if value is None else str(value)
            broken = (rule["required"] and text.strip() == "") or (
                rule["pattern"] is not None and re.fullmatch(rule["pattern"], text) is None)
            if broken:
                raise Invalid(RecordError("FIELD_CUSTOM_VALIDATION_EXCEPTION", rule["message"],
                                          [rule["field"]]))

    def _duplicates(self, conn: sqlite3.Connection, sobject: str, record: dict[str, Any],
                    options: WriteOptions) -> None:
        rule = next((r for r in self._in_force("duplicate_rules", [])
                     if r["object"] == sobject), None)
        if rule is None:
            return
        values = [record.get(f) for f in rule["match_fields"]]
        if any(v in (None, "") for v in values):
            return  # a blank field matches nothing, as in Salesforce's matching rules
        if rule["action"] == "allow" and options.allow_save:
            return
        matches = {o: self._matches(conn, o, rule["match_fields"], values)
                   for o in _MATCHED_BY[sobject]}
        matches = {o: ids for o, ids in matches.items() if ids}
        if not matches:
            return
        raise Invalid(RecordError("DUPLICATES_DETECTED", "Use one of these records?", [],
                                  {"duplicateResult": self._result(rule, matches)}))

    @staticmethod
    def _matches(conn: sqlite3.Connection, sobject: str, fields: list[str],
                 values: list[Any]) -> list[str]:
        where = " AND ".join(f"lower(json_extract(data, '$.{f}')) = ?" for f in fields)
        rows = conn.execute(f"SELECT id FROM records WHERE sobject = ? AND is_deleted = 0 AND "
                            f"{where} ORDER BY modstamp DESC LIMIT 100",
                            (sobject, *(str(v).lower() for v in values)))
        return [r[0] for r in rows]

    def _result(self, rule: dict[str, Any], matches: dict[str, list[str]]) -> dict[str, Any]:
        version = self.org.api_version
        return {
            "allowSave": rule["action"] == "allow", "duplicateRule": rule["name"],
            "duplicateRuleEntityType": rule["object"], "errorMessage": _DUPLICATE_MESSAGE,
            "matchResults": [{
                "entityType": sobject, "errors": [], "matchEngine": "ExactMatchEngine",
                "matchRecords": [{
                    "additionalInformation": [], "fieldDiffs": [], "matchConfidence": 100.0,
                    "record": {"attributes": {"type": sobject, "url": f"/services/data/v{version}"
                                              f"/sobjects/{sobject}/{record_id}"},
                               "Id": record_id}} for record_id in ids],
                "rule": f"Standard_{sobject}_Match_Rule_v1_0", "size": len(ids),
                "success": True} for sobject, ids in matches.items()],
        }
