"""Sequence People Status → Lead Status and Inbox States → Lead Status.

Each status change read from PeopleLinx becomes the linked lead's Status through the step's value
map; a value the map leaves out leaves the lead as it is. The last change of a person in a batch
wins, and a lead already at that status is not written again.
"""

from __future__ import annotations

from typing import Any

from plx_desktop.domain import Step
from plx_desktop.store import RecordLink
from plx_desktop.sync import retries
from plx_desktop.sync.batch_guard import BatchRecord, guarded
from plx_desktop.sync.context import (
    FAILED,
    SKIPPED,
    UPDATED,
    RunContext,
    StepReport,
    after_cursor,
)
from plx_desktop.sync.org_picklists import picklists
from plx_desktop.sync.refusals import refusal

NOT_IN_PICKLIST = "NOT_IN_ORG_PICKLIST"


def run(step: Step, ctx: RunContext, report: StepReport) -> None:
    since = ctx.services.store.cursors.get(step.uid)
    if step.kind.key == "sequence_status_to_lead_status":
        reader, value_key, what = ctx.services.plx.iter_sequence_memberships, "status", "sequence status"
    else:
        reader, value_key, what = ctx.services.plx.iter_inbox_states, "state", "inbox state"
    batch = ctx.run.tuning.salesforce_batch
    wanted, again = retries.events(step, ctx, batch)
    retries.run_first(ctx, step, wanted, again, lambda page: _sync_batch(
        step, ctx, report, page, value_key, what, advance_cursor=False))
    for page in after_cursor(reader(updated_since=since, page_size=ctx.run.tuning.page_size), since):
        for start in range(0, len(page), batch):
            ctx.run.check_cancel()
            _sync_batch(step, ctx, report, page[start:start + batch], value_key, what)
            ctx.recorder.progress(report, message=f"{report.done} {what} changes read")


def _sync_batch(step: Step, ctx: RunContext, report: StepReport, events: list[dict[str, Any]],
                value_key: str, what: str, advance_cursor: bool = True) -> None:
    cursor = events[-1]["updated_at"] if events and advance_cursor else None
    named = [BatchRecord(plx_id=e["person_id"], label=f"{what} {e.get(value_key)}") for e in events]
    ctx.recorder.keep_items(report, {e["person_id"]: e for e in events})  # to send a failed one again
    guarded(ctx, report, named, cursor,
            lambda: _write_batch(step, ctx, report, events, value_key, what, cursor))


def _write_batch(step: Step, ctx: RunContext, report: StepReport, events: list[dict[str, Any]],
                 value_key: str, what: str, cursor: str | None) -> None:
    value_map = step.status_values()
    links = ctx.services.store.links.for_plx_ids(e["person_id"] for e in events)
    latest: dict[str, tuple[RecordLink, str, str]] = {}  # lead id -> (link, value, new status)
    for event in events:
        report.done += 1
        value = event[value_key]
        status = value_map.get(value)
        if status is None:
            continue  # the map leaves this value out: the lead keeps its status
        lead = next((k for k in links.get(event["person_id"], []) if k.sf_object == "Lead"), None)
        if lead is None:
            ctx.recorder.log(report, SKIPPED, plx_id=event["person_id"], code="NOT_A_LEAD",
                             message=f"The {what} '{value}' was not synced: this person is not linked to "
                                     "a Salesforce lead")
            continue
        latest[lead.sf_id] = (lead, value, status)
    writes = [(lead, value, status) for lead, value, status in latest.values()
              if lead.sf_values.get("Status") != status]
    if writes:
        writes = _in_org_picklist(ctx, report, writes, what)
    new_links: list[RecordLink] = []
    if writes:
        results = ctx.services.sf.update("Lead", [{"Id": lead.sf_id, "Status": status}
                                                  for lead, _, status in writes])
        for (lead, value, status), result in zip(writes, results, strict=True):
            if result.success:
                new_links.append(_with_status(lead, status))
                ctx.recorder.log(report, UPDATED, sf_id=lead.sf_id, plx_id=lead.plx_id, label=lead.email,
                                 message=f"Lead Status set to '{status}' ({what} '{value}')")
            elif result.error_code == "CANNOT_UPDATE_CONVERTED_LEAD":
                ctx.recorder.log(report, SKIPPED, sf_id=lead.sf_id, plx_id=lead.plx_id, label=lead.email,
                                 code=result.error_code,
                                 message=f"Lead Status not set to '{status}': the lead was converted, and "
                                         "Salesforce does not allow changes to converted leads")
            else:
                ctx.recorder.log(report, FAILED, sf_id=lead.sf_id, plx_id=lead.plx_id, label=lead.email,
                                 code=result.error_code or "ERROR",
                                 message=refusal(result, ctx.queries.record_url, "status"))
    ctx.recorder.commit(report, links=new_links, cursor=cursor)


def _in_org_picklist(ctx: RunContext, report: StepReport,
                     writes: list[tuple[RecordLink, str, str]],
                     what: str) -> list[tuple[RecordLink, str, str]]:
    """The writes whose status the org's Lead Status picklist has; the others are skipped with
    the reason (Lead Status is unrestricted: Salesforce would save them silently)."""
    org = picklists(ctx)
    kept = []
    for lead, value, status in writes:
        if status in org.lead_statuses:
            kept.append((lead, value, status))
            continue
        ctx.recorder.log(report, SKIPPED, sf_id=lead.sf_id, plx_id=lead.plx_id, label=lead.email,
                         code=NOT_IN_PICKLIST,
                         message=f"Lead Status not set to '{status}' ({what} '{value}'): this org's Lead "
                                 f"Status picklist has no such value (it has: {', '.join(org.lead_statuses)})"
                                 "; pick one of its values in the step's Status values")
    return kept


def _with_status(link: RecordLink, status: str) -> RecordLink:
    """The link remembering the status we wrote (so the same status is not written again)."""
    from dataclasses import replace

    return replace(link, sf_values={**link.sf_values, "Status": status})
