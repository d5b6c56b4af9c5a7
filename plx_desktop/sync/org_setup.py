"""Set up: create the PeopleLinx fields a fresh org lacks and grant the connected user read and edit.

Fields through the Tooling API (CustomField: FullName + Metadata, Text(64), External ID, Unique);
the grant through one permission set, PeopleLinx_Integration, with a FieldPermissions record per
field (Read and Edit) and a PermissionSetAssignment to the connected user, over REST sobjects, as
an admin would in Setup. Each step looks before it writes, so running Set up twice, or after a
half-finished one, changes only what is still missing. Check org runs again afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plx_desktop.connectors.errors import ConnectorError
from plx_desktop.connectors.salesforce import SalesforceClient
from plx_desktop.connectors.salesforce_setup import (
    PERMISSION_SET_LABEL,
    PERMISSION_SET_NAME,
    create_custom_field,
    create_record,
    query,
    raw_text,
    tooling_query,
    update_record,
)
from plx_desktop.domain import Profile
from plx_desktop.sync.org_check import PEOPLELINX_FIELDS, CheckReport, run_check


@dataclass
class SetupResult:
    """What Set up did, what it could not do (with Salesforce's words), and the check after it."""

    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (what, raw Salesforce text)
    report: CheckReport | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


def set_up(client: SalesforceClient, profile: Profile | None,
           before: CheckReport | None = None) -> SetupResult:
    """Fix what Check org marked fixable; never raises for what Salesforce refuses."""
    before = before or run_check(client, profile)
    result = SetupResult()
    wanted = [(sobject, name, label) for sobject, name, label in PEOPLELINX_FIELDS
              if (item := before.item(f"field:{sobject}.{name}")) is not None and item.fixable]
    if wanted:
        _create_fields(client, wanted, result)
        if not result.failed:
            _grant(client, before.user_id, [(s, n) for s, n, _ in wanted], result)
    result.report = run_check(client, profile)
    return result


def _create_fields(client: SalesforceClient, wanted: list[tuple[str, str, str]],
                   result: SetupResult) -> None:
    names = ", ".join(sorted({f"'{name[:-3]}'" for _, name, _ in wanted}))
    try:
        existing = {(r.get("TableEnumOrId"), r.get("DeveloperName")) for r in tooling_query(
            client, f"SELECT Id, DeveloperName, TableEnumOrId FROM CustomField "
                    f"WHERE DeveloperName IN ({names})")}
    except ConnectorError as exc:
        result.failed.append(("Look up the custom fields (Tooling API)", raw_text(exc)))
        return
    for sobject, name, label in wanted:
        if (sobject, name[:-3]) in existing:
            continue  # made before (maybe by a Set up cut short): only the grant is missing
        try:
            create_custom_field(client, sobject, name, label)
            result.done.append(f"Created {sobject}.{name} (Text(64), External ID, Unique)")
        except ConnectorError as exc:
            result.failed.append((f"Create {sobject}.{name}", raw_text(exc)))


def _grant(client: SalesforceClient, user_id: str, fields: list[tuple[str, str]],
           result: SetupResult) -> None:
    try:
        permission_set = _permission_set(client, result)
        _field_permissions(client, permission_set, fields, result)
        assigned = query(client, "SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = "
                                 f"'{user_id}' AND PermissionSetId = '{permission_set}'")
        if not assigned:
            create_record(client, "PermissionSetAssignment",
                          {"AssigneeId": user_id, "PermissionSetId": permission_set})
            result.done.append(f"Assigned the {PERMISSION_SET_LABEL} permission set to the "
                               "connected user")
    except ConnectorError as exc:
        result.failed.append(("Grant the connected user read and edit on the fields",
                              raw_text(exc)))


def _permission_set(client: SalesforceClient, result: SetupResult) -> str:
    found = query(client, f"SELECT Id FROM PermissionSet WHERE Name = '{PERMISSION_SET_NAME}'")
    if found:
        return str(found[0]["Id"])
    made = create_record(client, "PermissionSet", {
        "Name": PERMISSION_SET_NAME, "Label": PERMISSION_SET_LABEL,
        "Description": "Read and edit on the PeopleLinx fields, for PLX Desktop's connected user"})
    result.done.append(f"Created the {PERMISSION_SET_LABEL} permission set")
    return made


def _field_permissions(client: SalesforceClient, permission_set: str,
                       fields: list[tuple[str, str]], result: SetupResult) -> None:
    rows = query(client, "SELECT Id, Field, PermissionsRead, PermissionsEdit FROM "
                         f"FieldPermissions WHERE ParentId = '{permission_set}'")
    have = {str(r.get("Field")).lower(): r for r in rows}
    for sobject, name in fields:
        full = f"{sobject}.{name}"
        row = have.get(full.lower())
        if row is None:
            create_record(client, "FieldPermissions", {
                "ParentId": permission_set, "SobjectType": sobject, "Field": full,
                "PermissionsRead": True, "PermissionsEdit": True})
        elif not (row.get("PermissionsRead") and row.get("PermissionsEdit")):
            update_record(client, "FieldPermissions", {"Id": row["Id"], "PermissionsRead": True,
                                                       "PermissionsEdit": True})
        else:
            continue
        result.done.append(f"Granted read and edit on {full}")
