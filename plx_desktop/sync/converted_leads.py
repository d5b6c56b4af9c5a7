"""Converted lead follow-through (off by default): a converted lead's updates go to its contact.

Salesforce refuses any change to a converted lead (CANNOT_UPDATE_CONVERTED_LEAD). By default the
engine skips such updates and says why, as the Integrations article describes. With the setting
on, the same values are written to the contact the lead became (ConvertedContactId), limited to
the fields a Contact has.
"""

from __future__ import annotations

from typing import Any

from plx_desktop.domain import Step
from plx_desktop.sync.context import FAILED, UPDATED, RunContext, StepReport
from plx_desktop.sync.person_write import PersonWrite, contact_row


def follow_through(step: Step, ctx: RunContext, report: StepReport,
                   writes: list[PersonWrite]) -> None:
    """Send these refused lead updates to the contacts the leads became."""
    if not writes:
        return
    lead_ids = sorted({w.sf_id for w in writes if w.sf_id})
    contacts: dict[str, str] = {}
    for page in ctx.services.sf.iter_query_in(
            "SELECT Id, ConvertedContactId FROM Lead WHERE Id IN {}", lead_ids):
        contacts.update((r["Id"], r["ConvertedContactId"]) for r in page
                        if r.get("ConvertedContactId"))
    describe = ctx.queries.describe("Contact")
    rows: list[dict[str, Any]] = []
    sent: list[tuple[PersonWrite, str]] = []
    for write in writes:
        contact_id = contacts.get(write.sf_id or "")
        if not contact_id:
            continue
        row = contact_row(write, contact_id, describe)
        if row is not None:
            rows.append(row)
            sent.append((write, contact_id))
    if not rows:
        return
    for (write, contact_id), result in zip(sent, ctx.services.sf.update("Contact", rows), strict=True):
        if result.success:
            ctx.recorder.log(report, UPDATED, sf_id=contact_id, plx_id=write.person["id"],
                             label=write.label,
                             message=f"Lead {write.sf_id} was converted: its update went to contact "
                                     f"{contact_id}, which it became")
        else:
            ctx.recorder.log(report, FAILED, sf_id=contact_id, plx_id=write.person["id"],
                             label=write.label, code=result.error_code or "ERROR",
                             message="Salesforce refused the converted lead's update on its contact: "
                                     + result.message)
