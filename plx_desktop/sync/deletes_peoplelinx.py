"""Deletes in PeopleLinx: a person deleted (or merged away) there ends their Salesforce links.

Each People → Contact / People → Lead step reads the people deleted since its own deletes
cursor (GET /v1/people/deleted?since=) before its changes, and for the links of its object:

- a merged person's link moves to the person they were merged into, unless that person has a
  record of this object already (then the link ends and both records stay in Salesforce);
- a deleted person's link ends; the Salesforce record stays (the default setting), or with the
  setting "delete" it is deleted in Salesforce. Either way the record's → People step does not
  create the person again (an ended link, reason deleted in PeopleLinx).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from plx_desktop.connectors.peoplelinx_types import BatchItem
from plx_desktop.domain import Step
from plx_desktop.store import RecordLink, Store
from plx_desktop.store.ended_links import DELETED_IN_PEOPLELINX
from plx_desktop.store.settings import PEOPLELINX_DELETES
from plx_desktop.sync.context import FAILED, SKIPPED, UPDATED, RunContext, StepReport, after_cursor

CODE = "DELETED_IN_PEOPLELINX"
_SLOT = {"Contact": "salesforce_contact_id", "Lead": "salesforce_lead_id"}
_GONE_ALREADY = ("ENTITY_IS_DELETED", "NOT_FOUND", "INVALID_CROSS_REFERENCE_KEY")


def cursor_key(step: Step) -> str:
    return f"{step.uid}:deleted-people"


def run(step: Step, ctx: RunContext, report: StepReport) -> None:
    since = ctx.services.store.cursors.get(cursor_key(step))
    pages = ctx.services.plx.iter_deleted_people(since=since, page_size=ctx.run.tuning.page_size)
    for page in after_cursor(pages, since, stamp="deleted_at"):
        ctx.run.check_cancel()
        _handle(step, ctx, report, page)


def _handle(step: Step, ctx: RunContext, report: StepReport, page: list[dict[str, Any]]) -> None:
    sobject = step.target.name
    links = ctx.services.store.links.for_plx_ids(p["id"] for p in page)
    mine = {plx_id: [k for k in found if k.sf_object == sobject and k.plx_object == "person"]
            for plx_id, found in links.items()}
    ended: list[RecordLink] = []
    moved: list[RecordLink] = []
    to_delete: list[RecordLink] = []
    for person in page:
        for link in mine.get(person["id"], []):
            master = person.get("merged_into")
            if master:
                _merged(ctx, report, link, master, moved, ended)
            elif ctx.services.store.settings.get(PEOPLELINX_DELETES) == "delete":
                to_delete.append(link)
            else:
                ended.append(link)
                ctx.recorder.log(report, SKIPPED, sf_id=link.sf_id, plx_id=link.plx_id,
                                 label=link.email or link.sf_id, code=CODE,
                                 message=f"Deleted in PeopleLinx: unlinked; the {link.sf_object} stays in "
                                 "Salesforce (Sync settings)")
    ended += _delete_records(ctx, report, to_delete)
    cursor = page[-1]["deleted_at"] if page else None

    def also(store: Store) -> None:
        store.ended_links.end(ended, DELETED_IN_PEOPLELINX)
        store.links.upsert_many(moved)
        if cursor:
            store.cursors.set(cursor_key(step), cursor)

    ctx.recorder.commit(report, also=also)


def _merged(ctx: RunContext, report: StepReport, link: RecordLink, master: str,
            moved: list[RecordLink], ended: list[RecordLink]) -> None:
    theirs = [k for k in ctx.services.store.links.by_plx_id(master) if k.sf_object == link.sf_object]
    label = link.email or link.sf_id
    if theirs:
        ended.append(link)
        ctx.recorder.log(report, SKIPPED, sf_id=link.sf_id, plx_id=master, label=label, code=CODE,
                         message=f"Merged in PeopleLinx into {master}, who has a {link.sf_object} of "
                         f"their own ({theirs[0].sf_id}); this {link.sf_object} stays in Salesforce, "
                         "unlinked")
        return
    moved.append(replace(link, plx_id=master, id=None))
    ctx.services.plx.batch_people([BatchItem("update", {_SLOT[link.sf_object]: link.sf_id}, id=master)])
    ctx.recorder.log(report, UPDATED, sf_id=link.sf_id, plx_id=master, label=label, code=CODE,
                     message=f"Merged in PeopleLinx: {link.plx_id} was merged into {master}; the "
                     f"{link.sf_object} is linked to the surviving person")


def _delete_records(ctx: RunContext, report: StepReport,
                    links: list[RecordLink]) -> list[RecordLink]:
    if not links:
        return []
    results = ctx.services.sf.delete([k.sf_id for k in links])
    for link, result in zip(links, results, strict=True):
        label = link.email or link.sf_id
        if result.success or result.error_code in _GONE_ALREADY:
            ctx.recorder.log(report, UPDATED, sf_id=link.sf_id, plx_id=link.plx_id, label=label,
                             code=CODE, message=f"Deleted in PeopleLinx, so the {link.sf_object} was "
                             "deleted in Salesforce (Sync settings)")
        else:
            message = result.message
            ctx.recorder.log(report, FAILED, sf_id=link.sf_id, plx_id=link.plx_id, label=label,
                             code=result.error_code or "ERROR", message="Deleted in PeopleLinx, but "
                             f"Salesforce refused to delete the {link.sf_object}: {message}; it stays, "
                             "unlinked")
    return links
