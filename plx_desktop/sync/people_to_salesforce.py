"""People → Contact and People → Lead: people changed since the cursor reach Salesforce.

Per batch: skip people whose mapped values are what we last synced (echoes of our own writes);
match the rest by link, then by email (our links, then one Salesforce query for the batch); update
what matched with the changed fields and create the others through an upsert on the
PeopleLinx_Id__c external id, so that a retried or replayed batch can never create twice.

Who is matched to what, and who becomes a contact or a lead: salesforce_matching.py.
"""

from __future__ import annotations

from typing import Any

from plx_desktop.connectors.peoplelinx_types import BatchItem
from plx_desktop.connectors.salesforce_models import ObjectDescription, RecordResult
from plx_desktop.domain import Step, is_valid_email
from plx_desktop.store import RecordLink
from plx_desktop.store.duplicate_actions import create_anyway_ids
from plx_desktop.sync import deletes, deletes_peoplelinx, inflight, retries
from plx_desktop.sync.accounts import Accounts
from plx_desktop.sync.batch_guard import BatchRecord, guarded
from plx_desktop.sync.context import (
    CREATED,
    FAILED,
    SKIPPED,
    UPDATED,
    RunContext,
    StepReport,
    after_cursor,
)
from plx_desktop.sync.converted_leads import follow_through
from plx_desktop.sync.org_picklists import picklists
from plx_desktop.sync.outbox_flow import InFlight, record_intent
from plx_desktop.sync.refusals import refusal
from plx_desktop.sync.salesforce_conflicts import apply_rules
from plx_desktop.sync.salesforce_matching import (
    EmailIndex,
    PersonWrite,
    all_records_linked,
    create_row,
    decide_creations,
    email_index,
    keep_org_lead_statuses,
    left_to_other_step,
    link_to,
    match_by_email,
    resolve_accounts,
    sf_row,
)
from plx_desktop.sync.values import active, changed, plx_get, to_salesforce
from plx_desktop.sync.write_rules import bulk_assignment_rule, create_rules

EXTERNAL_ID = "PeopleLinx_Id__c"
OPERATION = "salesforce_upsert"


def run(step: Step, ctx: RunContext, report: StepReport) -> None:
    accounts = ctx.queries.accounts
    in_flight = InFlight(ctx, step.uid, (OPERATION,))
    requests, again = retries.people(step, ctx)
    deletes.create_again(ctx, [plx_id for _, plx_id in requests.requests if plx_id])
    deletes_peoplelinx.run(step, ctx, report)
    retries.run_first(ctx, step, requests, again, lambda page: _sync_batch(
        step, ctx, report, page, accounts, in_flight, advance_cursor=False))
    since = ctx.services.store.cursors.get(step.uid)
    filter_id = step.saved_filter.id if step.saved_filter else None
    batch, threshold = ctx.run.tuning.salesforce_batch, ctx.run.tuning.bulk_threshold
    pages = ctx.services.plx.iter_people(updated_since=since, filter_id=filter_id,
                                page_size=ctx.run.tuning.page_size)
    # People are gathered until the step is known to be large: past the threshold they go to
    # Salesforce a threshold's worth at a time through one Bulk API 2.0 job (a handful of calls
    # instead of one per 200); a smaller step is written through Collections, 200 a call.
    waiting: list[dict[str, Any]] = []
    index: EmailIndex | None = None
    for page in after_cursor(pages, since):
        waiting.extend(page)
        if len(waiting) >= threshold:
            ctx.run.check_cancel()
            if index is None and not all_records_linked(ctx, step):
                index = email_index(ctx, step, active(step.mappings, to_salesforce=True))
            _sync_batch(step, ctx, report, waiting, accounts, in_flight, bulk=True, index=index)
            ctx.recorder.progress(report, message=f"{report.done} people read")
            waiting = []
    for start in range(0, len(waiting), batch):
        ctx.run.check_cancel()
        _sync_batch(step, ctx, report, waiting[start:start + batch], accounts, in_flight)
        ctx.recorder.progress(report, message=f"{report.done} people read")
    in_flight.settle()


def _sync_batch(step: Step, ctx: RunContext, report: StepReport, people: list[dict[str, Any]],
                accounts: Accounts, in_flight: InFlight, advance_cursor: bool = True,
                bulk: bool = False, index: EmailIndex | None = None) -> None:
    cursor = people[-1]["updated_at"] if people and advance_cursor else None
    named = [BatchRecord(plx_id=p["id"], label=PersonWrite(p, {}, {}).label) for p in people]
    guarded(ctx, report, named, cursor, lambda: _write_batch(
        step, ctx, report, people, accounts, in_flight, cursor, bulk, index))


def _write_batch(step: Step, ctx: RunContext, report: StepReport, people: list[dict[str, Any]],
                 accounts: Accounts, in_flight: InFlight, cursor: str | None, bulk: bool,
                 index: EmailIndex | None) -> None:
    sobject = step.target.name
    mappings = active(step.mappings, to_salesforce=True)
    keys = [m.peoplelinx_field for m in mappings]
    links = ctx.services.store.links.for_plx_ids(p["id"] for p in people)
    deleted = deletes.deleted_in_salesforce(ctx, [p["id"] for p in people], links)
    todo: list[PersonWrite] = []
    describe: ObjectDescription | None = None
    for person in people:
        report.done += 1
        plx_now = {k: plx_get(person, k) for k in keys}
        link = link_to(links.get(person["id"], []), sobject)
        if link is not None and not changed(plx_now, link.plx_values):
            continue  # what we last synced: an echo of our own write, or no mapped change
        if link is None and left_to_other_step(ctx, step, links.get(person["id"], [])):
            continue
        if link is None and person["id"] in deleted:  # never created again by itself
            deletes.skip_deleted(ctx, report, deleted[person["id"]], PersonWrite(person, {}, {}).label)
            continue
        describe = describe or ctx.queries.describe(sobject, (m.salesforce_field for m in mappings))
        mapped = to_salesforce(person, mappings, describe)
        write = PersonWrite(person, plx_now, mapped.values, warnings=mapped.warnings)
        if mapped.error:
            ctx.recorder.log(report, FAILED, plx_id=person["id"], label=write.label, code="BAD_VALUE",
                    message=f"Not synced: {mapped.error}")
            continue
        email = mapped.values.get("Email")
        if email and not is_valid_email(str(email)):
            ctx.recorder.log(report, FAILED, plx_id=person["id"], label=write.label,
                    code="INVALID_EMAIL_ADDRESS",
                    message=f"Refused: '{email}' is not a valid email address; fix it in PeopleLinx")
            continue
        if link is not None:
            write.sf_id, write.known = link.sf_id, link.sf_values
        todo.append(write)
    if not todo:
        ctx.recorder.commit(report, cursor=cursor)
        return
    match_by_email(ctx, step, [w for w in todo if w.sf_id is None], mappings, index)
    creating = [w for w in todo if w.sf_id is None]
    if creating:
        decide_creations(step, ctx, report, creating, accounts)
    todo = [w for w in todo if w.sf_id is not None or not w.leave]
    apply_rules(step, ctx, report, todo, mappings)
    lead_default = None
    if sobject == "Lead" and any(not w.sf_id or w.values.get("Status") for w in todo):
        org = picklists(ctx)
        keep_org_lead_statuses(todo, org.lead_statuses)
        lead_default = org.lead_default
    todo = resolve_accounts(ctx, report, todo, accounts, sobject)
    describe = describe or ctx.queries.describe(sobject, (m.salesforce_field for m in mappings))
    ext = EXTERNAL_ID if describe.field(EXTERNAL_ID) else None
    if ext is None:  # a fresh org: what a crashed run created is looked up first (inflight.py)
        inflight.adopt_people(ctx, report, sobject, describe, [w for w in todo if not w.sf_id],
                              in_flight)
    updates = [w for w in todo if w.sf_id and changed(w.values, w.known)]
    creates = [w for w in todo if not w.sf_id]
    unchanged = [w for w in todo if w.sf_id and not changed(w.values, w.known)]
    outbox_ids = record_intent(
        ctx, step.uid, "salesforce", OPERATION,
        [(w.person["id"], w.person["updated_at"], w.sf_id is None) for w in updates + creates])
    new_links = [_link(ctx, step, w, w.sf_id) for w in unchanged if w.sf_id]
    # Matched by email and already equal: nothing to write, but the person still gets the link.
    written: list[tuple[PersonWrite, str, bool]] = [(w, w.sf_id, False) for w in unchanged if w.sf_id]
    if updates:
        rows = [{"Id": w.sf_id, **sf_row(changed(w.values, w.known))}
                | ({ext: w.person["id"]} if ext else {}) for w in updates]
        converted: list[PersonWrite] = []
        answers = ctx.services.sf.update(sobject, rows)
        for write, result in zip(updates, answers, strict=True):
            if result.error_code == "CANNOT_UPDATE_CONVERTED_LEAD" and ctx.run.follow_converted_leads:
                converted.append(write)
                continue
            _settle(ctx, report, step, write, result, False, written, new_links, in_flight)
        follow_through(step, ctx, report, converted)
        deletes.refused_as_deleted(step, ctx, report, sobject,
                                   [(w.sf_id, r) for w, r in zip(updates, answers, strict=True)])
    if creates:
        rows = [create_row(w, sobject, describe, lead_default)
                | ({ext: w.person["id"]} if ext else {}) for w in creates]
        # "Create anyway" (Sync health) people go with allowSave=true, in a call of their own.
        anyway = create_anyway_ids(ctx.services.store.settings, step.uid)
        results: list[RecordResult | None] = [None] * len(rows)
        for allow in (False, True):
            picked = [i for i, w in enumerate(creates) if (w.person["id"] in anyway) == allow]
            if picked:
                sent = _send_creates(ctx, sobject, ext, [rows[i] for i in picked], bulk, allow)
                for i, result in zip(picked, sent, strict=True):
                    results[i] = result
        for write, result in zip(creates, results, strict=True):
            assert result is not None
            _settle(ctx, report, step, write, result, True, written, new_links, in_flight)
    ctx.recorder.commit(report, links=new_links, cursor=cursor, done=outbox_ids)
    _tell_peoplelinx(ctx, step, written)


def _send_creates(ctx: RunContext, sobject: str, ext: str | None, rows: list[dict[str, Any]],
                  bulk: bool, allow: bool) -> list[RecordResult]:
    """Create (upsert on the external id) with the org-rule headers the settings ask for."""
    rules = create_rules(ctx, sobject)
    allow = allow or rules.allow_duplicates
    if ext and bulk and not allow and len(rows) > ctx.run.tuning.salesforce_batch:
        return ctx.services.sf.bulk_upsert(sobject, ext, rows,
                                  assignment_rule_id=bulk_assignment_rule(ctx, sobject))
    if ext:
        return ctx.services.sf.upsert(sobject, ext, rows, assign=rules.assign, allow_duplicates=allow)
    # No PeopleLinx_Id__c (a fresh org): created once, never twice (inflight.py).
    return inflight.create_once(ctx, sobject, rows, assign=rules.assign, allow_duplicates=allow)


def _settle(ctx: RunContext, report: StepReport, step: Step, write: PersonWrite, result: RecordResult,
            creating: bool, written: list, new_links: list, in_flight: InFlight) -> None:
    person_id = write.person["id"]
    if not result.success:
        code = result.error_code or "ERROR"
        if code == "ENTITY_IS_DELETED":  # a delete arriving late (deletes.refused_as_deleted)
            ctx.recorder.log(report, SKIPPED, sf_id=write.sf_id or "", plx_id=person_id, label=write.label,
                    code=deletes.CODE, message="Not updated: the record was deleted in Salesforce")
        elif code == "CANNOT_UPDATE_CONVERTED_LEAD":
            ctx.recorder.log(report, SKIPPED, sf_id=write.sf_id or "", plx_id=person_id, label=write.label,
                    code=code, message="Not updated: this lead was converted, and Salesforce "
                    "does not allow changes to converted leads; the contact it became is synced "
                    "instead")
        else:
            ctx.recorder.log(report, FAILED, sf_id=write.sf_id or "", plx_id=person_id, label=write.label,
                    code=code, message=refusal(result, ctx.queries.record_url))
        return
    sf_id = result.id or write.sf_id or ""
    created = creating and (result.created or in_flight.was_creating(person_id) or not write.sf_id)
    write.sf_id = sf_id
    new_links.append(_link(ctx, step, write, sf_id))
    written.append((write, sf_id, created))
    note = "; ".join(write.warnings)
    what = "Created" if created else f"Updated {', '.join(sorted(sf_row(changed(write.values, write.known))) or ['links'])} in"
    ctx.recorder.log(report, CREATED if created else UPDATED, sf_id=sf_id, plx_id=person_id,
            label=write.label, message=f"{what} Salesforce" + (f" ({note})" if note else ""))


def _link(ctx: RunContext, step: Step, write: PersonWrite, sf_id: str) -> RecordLink:
    sf_values = {k: v for k, v in write.values.items() if k != "AccountId"}
    return RecordLink(sf_id=sf_id, sf_object=step.target.name, plx_id=write.person["id"],
                      plx_object="person", step_uid=step.uid, email=write.person.get("email") or "",
                      sf_values=sf_values, plx_values=write.plx_values,
                      sf_url=ctx.queries.record_url(sf_id))


def _tell_peoplelinx(ctx: RunContext, step: Step, written: list[tuple[PersonWrite, str, bool]]) -> None:
    """Give each person their Salesforce link (and URL) where it is new."""
    sobject = step.target.name
    items = []
    for write, sf_id, _created in written:
        person = write.person
        slot = "salesforce_contact_id" if sobject == "Contact" else "salesforce_lead_id"
        if person.get(slot) == sf_id:
            continue
        body: dict[str, Any] = {slot: sf_id}
        if sobject == "Contact" or not person.get("salesforce_contact_id"):
            body |= {"salesforce_id": sf_id, "salesforce_object": sobject,
                     "salesforce_url": ctx.queries.record_url(sf_id)}
        items.append(BatchItem("update", body, id=person["id"]))
    if items:
        ctx.services.plx.batch_people(items)
