"""The Salesforce calls of Check org and Set up: Tooling API CustomField, permission sets, limits.

Shapes follow Salesforce's references: Tooling API *CustomField* (POST tooling/sobjects/CustomField
with FullName + Metadata, GET tooling/query), Object Reference *PermissionSet*, *FieldPermissions*
(ParentId, SobjectType, Field "Object.Field", PermissionsRead, PermissionsEdit) and
*PermissionSetAssignment* (AssigneeId, PermissionSetId), all over REST sobjects. Every call goes
through the client's one door (cap, error mapping, session renewal, retries).
"""

from __future__ import annotations

from typing import Any

from plx_desktop.connectors.errors import RequestError
from plx_desktop.connectors.salesforce import SalesforceClient

PERMISSION_SET_NAME = "PeopleLinx_Integration"
PERMISSION_SET_LABEL = "PeopleLinx Integration"


def raw_text(exc: BaseException) -> str:
    """What Salesforce itself said, for the admin's "show details" (the mapped reason otherwise)."""
    cause = exc.__cause__
    content = getattr(cause, "content", None)
    if content is not None:
        return str(content)
    return str(cause or exc)


def tooling_query(client: SalesforceClient, soql: str) -> list[dict[str, Any]]:
    answer = client._call(lambda: client.sf.toolingexecute(  # noqa: SLF001 - the one door
        "query/", params={"q": soql})) or {}
    return list(answer.get("records") or [])


def create_custom_field(client: SalesforceClient, sobject: str, name: str, label: str,
                        length: int = 64) -> str:
    """A Text(length) External ID, Unique (case-insensitive) field; returns its id."""
    body = {"FullName": f"{sobject}.{name}",
            "Metadata": {"type": "Text", "length": length, "externalId": True, "unique": True,
                         "caseSensitive": False, "label": label,
                         "description": "Set by PLX Desktop: the PeopleLinx record this one "
                                        "mirrors, so retried writes never create twice."}}
    answer = client._call(lambda: client.sf.toolingexecute(  # noqa: SLF001
        "sobjects/CustomField", method="POST", data=body)) or {}
    return str(answer.get("id") or "")


def query(client: SalesforceClient, soql: str) -> list[dict[str, Any]]:
    return [dict(r) for page in client.iter_query(soql) for r in page]


def create_record(client: SalesforceClient, sobject: str, values: dict[str, Any]) -> str:
    """Create one record; RequestError with Salesforce's reason when it is refused."""
    [result] = client.create(sobject, [values])
    if not result.success:
        raise RequestError(f"Salesforce refused the {sobject}: {result.message}",
                           code=result.error_code)
    return str(result.id)


def update_record(client: SalesforceClient, sobject: str, values: dict[str, Any]) -> None:
    [result] = client.update(sobject, [values])
    if not result.success:
        raise RequestError(f"Salesforce refused the {sobject} change: {result.message}",
                           code=result.error_code)


def daily_api_requests(client: SalesforceClient) -> tuple[int, int] | None:
    """(remaining, max) of today's API requests, from the limits resource."""
    daily = client.limits().get("DailyApiRequests") or {}
    if "Max" not in daily:
        return None
    return int(daily.get("Remaining", 0)), int(daily["Max"])
