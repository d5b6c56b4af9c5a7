"""Deletes and merges from Salesforce: what a Contact or Lead's deletion does to its person.

A Salesforce-sourced step reads its changes through queryAll, so deleted records come with the
rest (`IsDeleted`, and `MasterRecordId` when a merge deleted them). For each linked one:

- Deleted: the link ends (remembered as an ended link). The person stays (the default setting),
  their Salesforce fields cleared and marked "Deleted in Salesforce" (a People filter can select
  it), and People → Salesforce never creates the record again by itself; or, with the setting
  "delete", the person is deleted in PeopleLinx (unless another record is still linked to them).
- Merged: the link moves to the surviving record. When the survivor has a person of its own, the
  two people are merged in PeopleLinx (POST /v1/people/merge: memberships, activities and custom
  fields move to the survivor's person, and activities recorded later go there too), and the
  merged person's other links move to the survivor's person.
- An undeleted record is linked to its person again by the step's normal path (see `relinks`).

ENTITY_IS_DELETED on a write is the same news arriving late (`gone_on_write`). Each handler
writes PeopleLinx first (repeatable: a second merge or unlink finds nothing to do), then ends
the links and logs in one transaction, so a crash between the two is settled by the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from plx_desktop.connectors.errors import RequestError
from plx_desktop.connectors.peoplelinx_types import BatchItem
from plx_desktop.connectors.salesforce_models import RecordResult
from plx_desktop.domain import Step
from plx_desktop.store import RecordLink, Store
from plx_desktop.store.ended_links import (
    DELETED_IN_PEOPLELINX,
    DELETED_IN_SALESFORCE,
    MERGED_IN_SALESFORCE,
    EndedLink,
)
from plx_desktop.store.settings import SALESFORCE_DELETES
from plx_desktop.sync.context import SKIPPED, UPDATED, RunContext, StepReport

FIELDS = ("IsDeleted", "MasterRecordId")
CODE = "DELETED_IN_SALESFORCE"
MERGED_CODE = "MERGED_IN_SALESFORCE"
_SLOT = {"Contact": "salesforce_contact_id", "Lead": "salesforce_lead_id"}


@dataclass
class _Ending:
    """What one deleted record does to the store: links ended, links moved."""

    ended: list[tuple[RecordLink, str, str]]  # (link, reason, master id)
    moved: list[RecordLink]


def from_salesforce(step: Step, ctx: RunContext, report: StepReport,
                    gone: list[dict[str, Any]], commit: bool = True) -> None:
    """Deleted records read by the step (queryAll rows with IsDeleted true). With `commit`
    false the log entries wait for the caller's commit (a batch's own)."""
    links = ctx.services.store.links.for_sf_ids(r["Id"] for r in gone)
    plain = [(r, links[r["Id"]]) for r in gone if r["Id"] in links and not r.get("MasterRecordId")]
    merged = [(r, links[r["Id"]]) for r in gone if r["Id"] in links and r.get("MasterRecordId")]
    ending = _Ending([], [])
    if plain:
        _deleted(ctx, report, [link for _, link in plain], ending)
    for record, link in merged:
        _merged(ctx, report, link, str(record["MasterRecordId"]), ending)
    _record(ctx, report, ending, commit)


def refused_as_deleted(step: Step, ctx: RunContext, report: StepReport, sobject: str,
                       results: list[tuple[str | None, RecordResult]]) -> None:
    """After a batch of writes: the records Salesforce refused with ENTITY_IS_DELETED."""
    sf_ids = [sf_id for sf_id, result in results
              if sf_id and result.error_code == "ENTITY_IS_DELETED"]
    if sf_ids:
        gone_on_write(step, ctx, report, sobject, sf_ids)


def gone_on_write(step: Step, ctx: RunContext, report: StepReport, sobject: str,
                  sf_ids: list[str], commit: bool = False) -> None:
    """Records a write was refused for with ENTITY_IS_DELETED: read them through queryAll (a
    merge names its survivor), and handle them as the read would have: a delete, never a
    failure that comes back at each change."""
    found: dict[str, dict[str, Any]] = {}
    for page in ctx.services.sf.iter_query_in(
            f"SELECT Id, IsDeleted, MasterRecordId FROM {sobject} WHERE Id IN {{}}", sf_ids,
            include_deleted=True):
        found |= {r["Id"]: r for r in page}
    # Not found at all: deleted for good (the Recycle Bin was emptied); a plain delete.
    gone = [found.get(sf_id) or {"Id": sf_id, "IsDeleted": True} for sf_id in sf_ids
            if found.get(sf_id, {"IsDeleted": True}).get("IsDeleted")]
    from_salesforce(step, ctx, report, gone, commit=commit)


def relinks(ctx: RunContext, records: list[dict[str, Any]],
            links: dict[str, RecordLink]) -> tuple[dict[str, RecordLink], dict[str, EndedLink]]:
    """For live records without a link: (links to their people again, for records that were
    deleted in Salesforce and came back; ended links of records whose people PeopleLinx
    deleted, which are not created again)."""
    unlinked = [r["Id"] for r in records if r["Id"] not in links]
    if not unlinked:
        return {}, {}
    again: dict[str, RecordLink] = {}
    refused: dict[str, EndedLink] = {}
    for sf_id, ended in ctx.services.store.ended_links.for_sf_ids(unlinked).items():
        if ended.reason == DELETED_IN_SALESFORCE:
            # Empty values: everything the record holds counts as new, and is written.
            again[sf_id] = RecordLink(sf_id=sf_id, sf_object=ended.sf_object, plx_id=ended.plx_id,
                                      plx_object="person", step_uid=ended.step_uid,
                                      email=ended.email)
        elif ended.reason == DELETED_IN_PEOPLELINX:
            refused[sf_id] = ended
    return again, refused


def deleted_in_salesforce(ctx: RunContext, plx_ids: list[str],
                          links: dict[str, list[RecordLink]]) -> dict[str, EndedLink]:
    """People with no live link whose record was deleted in Salesforce: not created again."""
    unlinked = [p for p in plx_ids if not any(k.plx_object == "person" for k in links.get(p, []))]
    found = ctx.services.store.ended_links.for_plx_ids(unlinked) if unlinked else {}
    return {plx_id: ended for plx_id, items in found.items()
            for ended in items if ended.reason == DELETED_IN_SALESFORCE}


def skip_deleted(ctx: RunContext, report: StepReport, ended: EndedLink, label: str) -> None:
    ctx.recorder.log(report, SKIPPED, sf_id=ended.sf_id, plx_id=ended.plx_id, label=label, code=CODE,
                     message=f"Not created again: its {ended.sf_object} was deleted in Salesforce. To "
                             "create it again, retry it from Sync health")


def create_again(ctx: RunContext, plx_ids: list[str]) -> None:
    """Sync health's Retry of a person whose record was deleted: it may be created again."""
    if plx_ids:
        ctx.recorder.write(lambda store: store.ended_links.forget(plx_ids=plx_ids), None)


# -- deleted -------------------------------------------------------------------------------------

def _deleted(ctx: RunContext, report: StepReport, links: list[RecordLink],
             ending: _Ending) -> None:
    delete_people = ctx.services.store.settings.get(SALESFORCE_DELETES) == "delete"
    others = ctx.services.store.links.for_plx_ids(link.plx_id for link in links)
    gone_ids = {link.sf_id for link in links}
    unlink: list[BatchItem] = []
    for link in links:
        remaining = [k for k in others.get(link.plx_id, [])
                     if k.sf_id not in gone_ids and k.plx_object == "person"]
        label = link.email or link.plx_id
        if delete_people and not remaining:
            ctx.services.plx.delete_person(link.plx_id)
            ending.ended.append((link, "", ""))  # nobody to link again: no ended link kept
            ctx.recorder.log(report, UPDATED, sf_id=link.sf_id, plx_id=link.plx_id, label=label,
                             code=CODE, message=f"Deleted in Salesforce: the {link.sf_object} was deleted, "
                             "so the person was deleted in PeopleLinx (Sync settings)")
            continue
        unlink.append(BatchItem("update", _unlinked_fields(link, remaining), id=link.plx_id))
        ending.ended.append((link, DELETED_IN_SALESFORCE, ""))
        ctx.recorder.log(report, UPDATED, sf_id=link.sf_id, plx_id=link.plx_id, label=label, code=CODE,
                         message=f"Deleted in Salesforce: the {link.sf_object} was deleted; the person "
                         "stays in PeopleLinx, unlinked" + ("" if remaining else
                                                            " and marked Deleted in Salesforce"))
    if unlink:
        # A person deleted in PeopleLinx meanwhile answers 404: nothing left to unlink.
        ctx.services.plx.batch_people(unlink)


def _unlinked_fields(link: RecordLink, remaining: list[RecordLink]) -> dict[str, Any]:
    body: dict[str, Any] = {_SLOT.get(link.sf_object, "salesforce_contact_id"): None}
    primary = next((k for k in remaining if k.sf_object == "Contact"), None) or (
        remaining[0] if remaining else None)
    if primary is None:
        return body | {"salesforce_url": None, "salesforce_deleted": True}
    return body | {"salesforce_url": primary.sf_url or None}


# -- merged --------------------------------------------------------------------------------------

def _merged(ctx: RunContext, report: StepReport, link: RecordLink, master_id: str,
            ending: _Ending) -> None:
    survivor = ctx.services.store.links.by_sf_id(master_id)
    label = link.email or link.plx_id
    if survivor is None:
        moved = replace(link, sf_id=master_id, sf_url=ctx.queries.record_url(master_id), id=None)
        ending.moved.append(moved)
        ending.ended.append((link, MERGED_IN_SALESFORCE, master_id))
        body: dict[str, Any] = {_SLOT.get(link.sf_object, "salesforce_contact_id"): master_id}
        if link.sf_object == "Contact" or not _has_contact(ctx, link.plx_id, link.sf_id):
            body |= {"salesforce_id": master_id, "salesforce_object": link.sf_object,
                     "salesforce_url": moved.sf_url}
        ctx.services.plx.batch_people([BatchItem("update", body, id=link.plx_id)])
        ctx.recorder.log(report, UPDATED, sf_id=master_id, plx_id=link.plx_id, label=label,
                         code=MERGED_CODE, message=f"Merged in Salesforce: {link.sf_id} was merged into "
                         f"{master_id}; the person's link moved to the surviving {link.sf_object}")
        return
    ending.ended.append((link, MERGED_IN_SALESFORCE, master_id))
    if survivor.plx_id == link.plx_id:
        ctx.recorder.log(report, UPDATED, sf_id=master_id, plx_id=link.plx_id, label=label,
                         code=MERGED_CODE, message=f"Merged in Salesforce: {link.sf_id} was merged into "
                         f"{master_id}, already this person's record")
        return
    _merge_people(ctx, survivor.plx_id, link, ending)
    ctx.recorder.log(report, UPDATED, sf_id=master_id, plx_id=survivor.plx_id, label=label,
                     code=MERGED_CODE, message=f"Merged in Salesforce: {link.sf_id} was merged into "
                     f"{master_id}, so person {link.plx_id} was merged into {survivor.plx_id} in "
                     "PeopleLinx (memberships, activities and custom fields moved)")


def _merge_people(ctx: RunContext, master_plx: str, link: RecordLink, ending: _Ending) -> None:
    try:
        ctx.services.plx.merge_people(master_plx, [link.plx_id])
    except RequestError as exc:
        if exc.code != "not_found":
            raise
        # Merged by an earlier try of this batch that was cut short: carry on.
    master_links = {k.sf_object for k in ctx.services.store.links.by_plx_id(master_plx)
                    if k.plx_object == "person"}
    repoint: list[BatchItem] = []
    for other in ctx.services.store.links.by_plx_id(link.plx_id):
        if other.sf_id == link.sf_id or other.plx_object != "person":
            continue
        if other.sf_object in master_links:
            ending.ended.append((other, MERGED_IN_SALESFORCE, ""))
            continue
        ending.moved.append(replace(other, plx_id=master_plx, id=None))
        repoint.append(BatchItem("update", {_SLOT.get(other.sf_object, "salesforce_lead_id"):
                                            other.sf_id}, id=master_plx))
    if repoint:
        ctx.services.plx.batch_people(repoint)


def _has_contact(ctx: RunContext, plx_id: str, except_id: str) -> bool:
    return any(k.sf_object == "Contact" and k.sf_id != except_id
               for k in ctx.services.store.links.by_plx_id(plx_id))


def _record(ctx: RunContext, report: StepReport, ending: _Ending, commit: bool) -> None:
    """End and move the links, and log, in one transaction."""

    def end(store: Store) -> None:
        for link, reason, master_id in ending.ended:
            if reason:
                store.ended_links.end([link], reason, master_id)
            else:
                store.links.delete(link.sf_id)
        store.links.upsert_many(ending.moved)

    changes = end if ending.ended or ending.moved else None
    if commit:
        ctx.recorder.commit(report, also=changes)
    elif changes is not None:
        ctx.recorder.write(changes, None)
