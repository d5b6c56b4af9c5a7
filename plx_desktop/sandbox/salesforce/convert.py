"""Lead conversion as Salesforce's Convert button does it: a contact, an account, and the lead's flags."""

from __future__ import annotations

import sqlite3
from typing import Any

from plx_desktop.sandbox.salesforce.ids import to_18
from plx_desktop.sandbox.salesforce.org import Org
from plx_desktop.sandbox.salesforce.validate import Invalid, RecordError

CONVERTED_STATUS = "Closed - Converted"
_COPIED = ("FirstName", "LastName", "Email", "Phone", "Title", "LeadSource", "Description",
           "OwnerId")


def convert_lead(org: Org, lead_id: str, account_id: str | None = None) -> dict[str, str]:
    """Convert a lead; returns {"lead_id","contact_id","account_id"}; raises Invalid."""
    with org.db.transaction() as conn:
        return _convert(org, conn, lead_id, account_id)


def _convert(org: Org, conn: sqlite3.Connection, lead_id: str, account_id: str | None) -> dict[str, str]:
    rid = to_18(lead_id or "")
    found = org.store.get(rid, conn) if rid else None
    if found is None or found[0] != "Lead" or found[1]:
        raise Invalid(RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", []))
    lead = found[2]
    if lead.get("IsConverted"):
        raise Invalid(RecordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", []))
    if account_id:
        account = org.store.get(to_18(account_id) or "", conn)
        if account is None or account[0] != "Account" or account[1]:
            raise Invalid(RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id",
                                      ["AccountId"]))
        account_id = account[2]["Id"]
    else:
        created = org._create(conn, "Account", {"Name": lead.get("Company") or lead.get("LastName")})
        account_id = created.id
    contact_values: dict[str, Any] = {k: lead[k] for k in _COPIED if lead.get(k) is not None}
    contact_values["AccountId"] = account_id
    contact = org._create(conn, "Contact", contact_values)
    now = org.clock.now()
    lead = dict(lead)
    lead.update({"IsConverted": True, "ConvertedContactId": contact.id,
                 "ConvertedAccountId": account_id, "Status": CONVERTED_STATUS,
                 "ConvertedDate": org.clock.datetime().date().isoformat(),
                 "LastModifiedDate": now, "SystemModstamp": now})
    org._write(conn, "Lead", lead)
    return {"lead_id": lead["Id"], "contact_id": str(contact.id), "account_id": str(account_id)}
