"""The org's own picklists that the engine must follow: Lead Status, Task Status, Task Priority.

An admin edits them (here: POST /__sandbox__/picklist); describe answers the new values, and the
LeadStatus, TaskStatus and TaskPriority objects (Object Reference: "LeadStatus", "TaskStatus",
"TaskPriority") hold one queryable record per value with its flags: IsDefault, IsConverted (Lead),
IsClosed (Task Status), IsHighPriority (Task Priority). Lead Status stays unrestricted, as in
Salesforce, so an off-list value saves silently; the Task picklists refuse one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plx_desktop.sandbox.salesforce.ids import new_id
from plx_desktop.sandbox.salesforce.objects import LEAD_STATUSES, TASK_PRIORITIES, TASK_STATUSES
from plx_desktop.sandbox.salesforce.schema import PicklistValue

if TYPE_CHECKING:
    from plx_desktop.sandbox.salesforce.org import Org

# (object, field) -> (the object holding its values, the flag a value may carry)
EDITABLE = {("Lead", "Status"): ("LeadStatus", "converted"),
            ("Task", "Status"): ("TaskStatus", "closed"),
            ("Task", "Priority"): ("TaskPriority", "high")}
_FLAG_FIELDS = {"converted": "IsConverted", "closed": "IsClosed", "high": "IsHighPriority"}


def _standard() -> dict[str, list[dict[str, Any]]]:
    return {
        "Lead.Status": [{"value": v, "default": i == 0, "converted": v == "Closed - Converted"}
                        for i, v in enumerate(LEAD_STATUSES)],
        "Task.Status": [{"value": v, "default": i == 0, "closed": v == "Completed"}
                        for i, v in enumerate(TASK_STATUSES)],
        "Task.Priority": [{"value": v, "default": v == "Normal", "high": v == "High"}
                          for v in TASK_PRIORITIES],
    }


class OrgPicklists:
    def __init__(self, org: Org):
        self.org = org

    def current(self) -> dict[str, list[dict[str, Any]]]:
        return _standard() | (self.org.db.get_setting("picklists") or {})

    def set(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Replace one picklist's values (as an admin edits them); raises ValueError."""
        sobject = str(spec.get("object") or "")
        field = str(spec.get("field") or "")
        if (sobject, field) not in EDITABLE:
            raise ValueError("object and field must be Lead Status, Task Status or Task Priority")
        flag = EDITABLE[(sobject, field)][1]
        raw = spec.get("values")
        if not isinstance(raw, list) or not raw:
            raise ValueError("values must be a non-empty list of {value, default?, ...}")
        values = []
        for item in raw:
            if not isinstance(item, dict) or not str(item.get("value") or "").strip():
                raise ValueError("each value needs a non-empty \"value\"")
            values.append({"value": str(item["value"]).strip(), "default": bool(item.get("default")),
                           flag: bool(item.get(flag))})
        if len({v["value"] for v in values}) != len(values):
            raise ValueError("the values must differ")
        if sum(v["default"] for v in values) != 1:
            raise ValueError("exactly one value must be the default")
        if flag in ("converted", "closed") and not any(v[flag] for v in values):
            raise ValueError(f"at least one value must be {flag}")
        edits = dict(self.org.db.get_setting("picklists") or {})
        edits[f"{sobject}.{field}"] = values
        self.org.db.set_setting("picklists", edits)
        self.apply()
        return {"object": sobject, "field": field, "values": values}

    def reset(self) -> None:
        self.org.db.set_setting("picklists", {})
        self.apply()

    def apply(self) -> None:
        """Describe and the value objects follow the current values."""
        current = self.current()
        with self.org.db.transaction() as conn:
            for (sobject, field), (holder, flag) in EDITABLE.items():
                values = current[f"{sobject}.{field}"]
                info = self.org.schema.objects[sobject].fields[field]
                info.picklist_values = [PicklistValue(v["value"], v["value"], True, v["default"])
                                        for v in values]
                info.default_value = next(v["value"] for v in values if v["default"])
                conn.execute("DELETE FROM records WHERE sobject = ?", (holder,))
                now = self.org.clock.now()
                for order, v in enumerate(values, start=1):
                    self.org.store.put(conn, {
                        "Id": new_id("01J"), "MasterLabel": v["value"], "ApiName": v["value"],
                        "SortOrder": order, "IsDefault": v["default"],
                        _FLAG_FIELDS[flag]: v[flag], "IsDeleted": False, "CreatedDate": now,
                        "LastModifiedDate": now, "SystemModstamp": now,
                        "CreatedById": self.org.admin_id, "LastModifiedById": self.org.admin_id,
                    }, holder)

    def closed_task_statuses(self) -> set[str]:
        return {v["value"] for v in self.current()["Task.Status"] if v.get("closed")}
