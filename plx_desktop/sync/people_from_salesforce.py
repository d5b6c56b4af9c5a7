"""Contact → People and Lead → People: Salesforce records changed since the cursor become people.

A batch walks the stages of People → Salesforce (people_to_salesforce.py) the other way, each a
plain function from the values of the stage before (`send`, then `settle`, read top to bottom):

    read    deleted records handled as deletes; the live ones' links, undeletes, people
            deleted in PeopleLinx, records sharing an email                         -> Read
    filter  not read again unchanged in the look-back window, not a deleted person's, not
            a second record of one person (logged)                                  -> records
    map     each record's values as PeopleLinx would hold them, and what of them to send;
            an echo (PeopleLinx holds exactly those values) is dropped              -> writes
    decide  when People → this object runs later in this run, the people about to be
            updated are read first, so that a field changed on both sides is settled by
            its mapping's rule (the most recent change), not overwritten          -> writes
    write   the outbox intent; the linked person updated with the changed fields, any
            other upserted by email (Salesforce id when there is no email), so an existing
            person is matched, never duplicated                                     -> answers
    settle  each answer logged and linked; the batch committed with its actions' outbox
            items; Add to sequence sent

The network is hidden behind the work (overlap.py): the next Salesforce page is read while this
one is synced, and up to `Tuning.peoplelinx_in_flight` batches are sent while the next ones are
read and mapped. Each batch is settled on the run's thread in source order, so its cursor is
committed only after every batch before it; a batch that fails stops the later ones from
committing anything (their outbox intents stay, as after a crash).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any

from plx_desktop.connectors.peoplelinx_types import BatchItem, ItemResult
from plx_desktop.domain import FieldMapping, Step, SyncRule, normalise_email
from plx_desktop.domain.convert import parse_datetime
from plx_desktop.store import RecordLink, Store
from plx_desktop.store.ended_links import EndedLink
from plx_desktop.sync import actions, deletes, deletes_reconcile, lookback, retries
from plx_desktop.sync.batch_guard import BatchRecord, send_ahead, settle_in_turn
from plx_desktop.sync.context import (
    CREATED,
    FAILED,
    SKIPPED,
    UPDATED,
    RunContext,
    StepReport,
)
from plx_desktop.sync.outbox_flow import InFlight, record_intent
from plx_desktop.sync.overlap import InOrder, read_ahead
from plx_desktop.sync.salesforce_matching import one_record_per_person
from plx_desktop.sync.values import (
    PeopleLinxValues,
    active,
    changed,
    plx_get,
    plx_payload,
    salesforce_wins_conflict,
    sf_get,
)

BASE_FIELDS = ("Id", "FirstName", "LastName", "Email", "LastModifiedDate", "SystemModstamp")
LEAD_FIELDS = ("IsConverted", "ConvertedContactId")
OPERATION = "people_upsert"


@dataclass
class _Read:
    """One read of the step's changes: the cursor as it stood before it, and as it moves."""

    before: lookback.Cursor
    read_at: datetime | None = None
    now: lookback.Cursor | None = None

    def advance(self, last: dict[str, Any]) -> str | None:
        self.now = (self.now or self.before).after(last, self.read_at)
        return self.now.text()


def label_of(record: dict[str, Any]) -> str:
    name = " ".join(str(p) for p in (record.get("FirstName"), record.get("LastName")) if p)
    email = record.get("Email")
    return f"{name} <{email}>" if name and email else (name or email or record.get("Id", ""))


def run(step: Step, ctx: RunContext, report: StepReport) -> None:
    sobject = step.source.name
    mappings = active(step.mappings, to_salesforce=False)
    fields = list(dict.fromkeys([*BASE_FIELDS, *(LEAD_FIELDS if sobject == "Lead" else ()),
                                 *deletes.FIELDS, *(m.salesforce_field for m in mappings)]))
    in_flight = InFlight(ctx, step.uid, (OPERATION,))
    actions.resend_pending(step, ctx)
    reverse = ctx.queries.reverse_step(step)
    read_people_first = reverse is not None and reverse.uid not in ctx.run.steps_run
    tuning = ctx.run.tuning
    # Up to `peoplelinx_in_flight` batches sent while the next ones are read and mapped; each
    # settled (logged, linked, committed with its cursor) in source order (overlap.py), and the
    # settled ones written to the store a few at a time (Recorder.grouped).
    with ctx.recorder.grouped(tuning.batches_per_commit, tuning.commit_every_seconds), \
            InOrder(tuning.peoplelinx_in_flight, name=f"plx-{sobject}-write") as window:
        sync = partial(_sync_batch, step, ctx, report, mappings=mappings, in_flight=in_flight,
                       read_people_first=read_people_first, window=window)
        requests, again = retries.salesforce_records(step, ctx, fields)

        def sync_now(page: list[dict[str, Any]]) -> None:
            # The records asked for again are few; each batch settles (and is written: the read
            # that follows may meet the same records) before run_first goes on.
            sync(page)
            window.settle_all()
            ctx.recorder.write_group()

        retries.run_first(ctx, step, requests, again, sync_now)
        position = lookback.Cursor.parse(ctx.services.store.cursors.get(step.uid))
        since = lookback.read_from(position, lookback.window_seconds(ctx.services.store.settings))
        batch = tuning.peoplelinx_batch
        sf = ctx.services.sf
        # queryAll: deleted records come with the changes (IsDeleted, MasterRecordId after a
        # merge). The next page is read while this one is synced; Salesforce's clock is taken
        # as each page comes, on the reading thread.
        pages = sf.iter_changed(sobject, fields, since, where=step.soql_where(),
                                page_size=tuning.salesforce_page_size, include_deleted=True)
        read = _Read(position)
        with read_ahead(((page, sf.server_time) for page in pages), tuning.read_ahead_pages,
                        name=f"plx-{sobject}-read") as ahead:
            for page, server_time in ahead:
                read.read_at = read.read_at or server_time
                for start in range(0, len(page), batch):
                    ctx.run.check_cancel()
                    sync(page[start:start + batch], read=read)
                    ctx.recorder.progress(report, message=f"{report.done} {sobject} records read")
    # Every batch is settled by now: the read's end is committed after the last batch's cursor.
    _mark_read_complete(step, ctx, report, read)
    deletes_reconcile.check(step, ctx, report)
    in_flight.settle()


def _mark_read_complete(step: Step, ctx: RunContext, report: StepReport, read: _Read) -> None:
    """Every page was read: the next read may start a window behind this one's time even past
    the cursor (lookback.read_from), so that a quiet poll is one empty page."""
    done = (read.now or read.before).completed(read.read_at or ctx.services.sf.server_time)
    # The batches wrote `read.now` (not yet complete); a quiet poll's cursor only moves in time.
    if done.text() is not None and (read.now is not None or done != read.before):
        ctx.recorder.commit(report, cursor=done.text())


@dataclass(frozen=True)
class _Sent:
    """A batch sent ahead of its settling: what settle needs, and the write to wait for."""

    read: Read
    writes: list[_Write]
    items: list[BatchItem]
    outbox_ids: list[int]


def _sync_batch(step: Step, ctx: RunContext, report: StepReport, records: list[dict[str, Any]],
                *, mappings: list[FieldMapping], in_flight: InFlight, read_people_first: bool,
                window: InOrder, read: _Read | None = None) -> None:
    """Read, map and send one batch now; settle it in its turn (after the batches before it)."""
    covered = read.before if read else None
    cursor = read.advance(records[-1]) if records and read else None
    # Named only if the batch fails unexpectedly (batch_guard): not a label per record before.
    named = (BatchRecord(sf_id=r["Id"], label=label_of(r)) for r in records)
    keys = _keys(records)
    if any(r.get("IsDeleted") for r in records):
        window.settle_all()  # deletes are recorded as they are read: nothing before in flight
        ctx.recorder.write_group()  # and they read (and end) links the batches before made
    else:
        # A record of this batch that shares an email (or an id) with one still in flight is
        # read only once that one is linked, as when each batch settled before the next; and
        # its links are read from the store, so the batch that made them is written first.
        window.settle_holding(keys)
        ctx.recorder.write_holding(keys)
    # The batch's own counts and log, added to the step's as it settles: what a batch sent
    # ahead logs must not go out with an earlier batch's commit.
    part = StepReport(step)
    batch = Batch(step, ctx, part, mappings, in_flight, read_people_first, cursor, covered, keys)
    ahead = send_ahead(report, part, lambda: send(batch, records))
    sent = ahead.sent

    def in_turn(result: Callable[[], list[ItemResult]]) -> None:
        def settle_half() -> None:
            if sent is None:
                ctx.recorder.commit(part, cursor=cursor)
            else:
                settle(batch, sent.read, sent.writes, result(), sent.outbox_ids)

        settle_in_turn(ctx, report, ahead, named, cursor, settle_half)

    plx = ctx.services.plx
    window.submit(partial(plx.batch_people, sent.items) if sent is not None else None, in_turn,
                  keys)
    if ahead.failure is not None:
        window.settle_all()  # the error surfaces now, after the batches before it


def _keys(records: list[dict[str, Any]]) -> set[str]:
    """What a later batch may share with this one: record ids, emails, converted contacts."""
    keys = {r["Id"] for r in records}
    keys.update(e for e in (normalise_email(r.get("Email")) for r in records) if e)
    keys.update(r["ConvertedContactId"] for r in records if r.get("ConvertedContactId"))
    return keys


# -- one batch, stage by stage: read → filter → map → decide → write → settle -------------------


@dataclass(frozen=True)
class Batch:
    """What every stage of one batch may use: the step, the run, and the batch's settings."""

    step: Step
    ctx: RunContext
    report: StepReport
    mappings: list[FieldMapping]  # those that carry values to PeopleLinx
    in_flight: InFlight
    read_people_first: bool  # People → this object runs later: settle conflicts first
    cursor: str | None
    covered: lookback.Cursor | None  # the look-back window this read goes over again
    keys: set[str]  # what a later batch may share with this one (_keys)

    @property
    def sobject(self) -> str:
        return self.step.source.name


@dataclass(frozen=True)
class Read:
    """The batch's live records, their links, and what the deletes say of them."""

    records: list[dict[str, Any]]
    links: dict[str, RecordLink]
    again: dict[str, RecordLink]  # undeleted records, linked to their people again
    refused: dict[str, EndedLink]  # records whose person was deleted in PeopleLinx
    one_each: dict[str, str]  # records skipped for another with the same email: why
    contact_emails: set[str]  # (Lead steps) emails of people linked to a Contact
    people_fields: dict[str, dict[str, Any]]  # PeopleLinx's, to convert values to


# Not frozen: made for every record of a sync, and a frozen dataclass's __init__ (object.__setattr__
# per field) cost about 5 µs against under 1. Treat it as immutable all the same.
@dataclass
class _Write:
    record: dict[str, Any]
    link: RecordLink | None
    values: dict[str, Any]  # all mapped values (PeopleLinx representation)
    send: dict[str, Any]  # what to write
    label: str
    warnings: tuple[str, ...]


def send(batch: Batch, records: list[dict[str, Any]]) -> _Sent | None:
    """read → filter → map → decide, and the outbox intent: what to send (None: nothing)."""
    read_ = read(batch, records)
    writes = decide(batch, map_records(batch, read_, filter_records(batch, read_)))
    if not writes:
        return None
    items = [_batch_item(batch.ctx, w, batch.sobject, read_.contact_emails) for w in writes]
    outbox_ids = record_intent(
        batch.ctx, batch.step.uid, "peoplelinx", OPERATION,
        [(w.record["Id"], w.record["SystemModstamp"], w.link is None) for w in writes])
    return _Sent(read_, writes, items, outbox_ids)


def read(batch: Batch, records: list[dict[str, Any]]) -> Read:
    """Deleted records are handled as deletes (deletes.py); the live ones come with their
    links, and with what tells whether they may be synced at all."""
    ctx, report, sobject = batch.ctx, batch.report, batch.sobject
    gone = [r for r in records if r.get("IsDeleted")]
    if gone:
        report.done += len(gone)
        deletes.from_salesforce(batch.step, ctx, report, gone)
        # A merge moves the winner's link: the live records below read links from the store.
        ctx.recorder.write_group()
        records = [r for r in records if not r.get("IsDeleted")]
    people_fields = ctx.queries.people_fields(m.peoplelinx_field for m in batch.mappings)
    links = ctx.services.store.links.for_sf_ids(r["Id"] for r in records)
    again, refused = deletes.relinks(ctx, records, links)
    links |= again
    contact_emails = _emails_with_contact_links(ctx, records) if sobject == "Lead" else set()
    one_each = one_record_per_person(ctx, sobject, records, links)
    return Read(records, links, again, refused, one_each, contact_emails, people_fields)


def filter_records(batch: Batch, read: Read) -> list[dict[str, Any]]:
    """The records to map: not read again unchanged inside the look-back window, not of a
    person deleted in PeopleLinx, not sharing an email with the record the person has (both
    logged)."""
    ctx, report, covered = batch.ctx, batch.report, batch.covered
    sf_fields = _sf_fields(batch.step)
    out = []
    for record in read.records:
        report.done += 1
        sf_id = record["Id"]
        if covered and covered.covers(record) and lookback.unchanged(
                record, read.links.get(sf_id), sf_fields):
            continue  # read again inside the look-back window, and synced as it is
        if sf_id in read.refused:
            if not (covered and covered.covers(record)):
                ctx.recorder.log(report, SKIPPED, sf_id=sf_id, plx_id=read.refused[sf_id].plx_id,
                                 label=label_of(record), code="DELETED_IN_PEOPLELINX",
                                 message="Not created again: the person was deleted in "
                                         "PeopleLinx")
            continue
        if sf_id in read.one_each:
            ctx.recorder.log(report, SKIPPED, sf_id=sf_id, label=label_of(record),
                             code="DUPLICATE_EMAIL", message=read.one_each[sf_id])
            continue
        out.append(record)
    return out


def map_records(batch: Batch, read: Read, records: list[dict[str, Any]]) -> list[_Write]:
    """Each record's values as PeopleLinx would hold them, and what of them to send; a value
    that does not convert fails the record here."""
    ctx, report = batch.ctx, batch.report
    to_peoplelinx = PeopleLinxValues(batch.mappings, read.people_fields)
    out = []
    for record in records:
        link = read.links.get(record["Id"])
        label = label_of(record)
        mapped = to_peoplelinx(record)
        if mapped.error:
            ctx.recorder.log(report, FAILED, sf_id=record["Id"], label=label, code="BAD_VALUE",
                             message=f"Not synced: {mapped.error}")
            continue
        send = _to_send(record, batch.mappings, mapped.values, link)
        if link and not send:
            continue  # PeopleLinx already holds these values: an echo, or nothing mapped changed
        notes = (*mapped.warnings, *(["undeleted in Salesforce: linked to its person again"]
                                     if record["Id"] in read.again else []))
        out.append(_Write(record, link, mapped.values, send, label, notes))
    return out


def decide(batch: Batch, writes: list[_Write]) -> list[_Write]:
    """The writes with something to send, after a field changed on both sides is settled by
    its mapping's rule (when the step that carries People back runs later in this run)."""
    if batch.read_people_first:
        writes = _settle_conflicts(batch.step, batch.ctx, batch.report, writes)
    return [w for w in writes if w.send]


def settle(batch: Batch, read: Read, writes: list[_Write], results: list[ItemResult],
           outbox_ids: list[int]) -> None:
    """Each answer logged and linked; the batch committed with its actions' outbox items; then
    the actions (Add to sequence) sent."""
    ctx, report, step = batch.ctx, batch.report, batch.step
    new_links: list[RecordLink] = []
    sf_fields = _sf_fields(step)
    created_ids: list[str] = []
    updated_ids: list[str] = []
    for write, result in zip(writes, results, strict=True):
        sf_id = write.record["Id"]
        if not result.ok or result.person is None:
            error = result.error
            ctx.recorder.log(report, FAILED, sf_id=sf_id, label=write.label,
                             code=(error.code if error else str(result.status)),
                             message="PeopleLinx refused the person: "
                                     f"{error.message if error else ''}")
            continue
        person = result.person
        created = result.created or (write.link is None and batch.in_flight.created_by_us(
            sf_id, person.get("created_at")))
        (created_ids if created else updated_ids).append(person["id"])
        new_links += _links_for(ctx, step, write, person, sf_fields)
        note = "; ".join(write.warnings)
        ctx.recorder.log(report, CREATED if created else UPDATED, sf_id=sf_id,
                         plx_id=person["id"], label=write.label,
                         message=("Created in PeopleLinx" if created else
                                  f"Updated {', '.join(sorted(write.send))} in PeopleLinx")
                         + (f" ({note})" if note else ""))
    pending_actions = actions.plan(step, ctx, created_ids, updated_ids)
    relinked = [link.sf_id for link in new_links if link.sf_id in read.again]

    def also(store: Store) -> None:
        if relinked:
            store.ended_links.forget(sf_ids=relinked)
        actions.enqueue(step, ctx, pending_actions, store)

    ctx.recorder.commit(report, links=new_links, cursor=batch.cursor, done=outbox_ids,
                        also=also, holding=batch.keys)
    actions.send(step, ctx, report, pending_actions)


def _to_send(record: dict[str, Any], mappings: list[FieldMapping], values: dict[str, Any],
             link: RecordLink | None) -> dict[str, Any]:
    """What to write to PeopleLinx: every mapped value for a new link; for a linked record, the
    values that differ from PeopleLinx's, of the fields Salesforce changed since the last sync.

    A value PeopleLinx holds differently while Salesforce's is unchanged (a name cut to fit
    Salesforce, say) is not a Salesforce change, and must not be written back over PeopleLinx.
    """
    if link is None:
        return dict(values)
    moved = {m.peoplelinx_field for m in mappings
             if sf_get(record, m.salesforce_field) != link.sf_values.get(m.salesforce_field)}
    return {k: v for k, v in changed(values, link.plx_values).items() if k in moved}


def _emails_with_contact_links(ctx: RunContext, records: list[dict[str, Any]]) -> set[str]:
    found = ctx.services.store.links.for_emails(r.get("Email") or "" for r in records)
    return {email for email, links in found.items() if any(k.sf_object == "Contact" for k in links)}


def _batch_item(ctx: RunContext, write: _Write, sobject: str, contact_emails: set[str]) -> BatchItem:
    record = write.record
    body = plx_payload(write.send)
    sf_id = record["Id"]
    if sobject == "Contact":
        body |= {"salesforce_id": sf_id, "salesforce_object": "Contact",
                 "salesforce_url": ctx.queries.record_url(sf_id), "salesforce_contact_id": sf_id}
    else:
        body["salesforce_lead_id"] = sf_id
        contact_id = record.get("ConvertedContactId") if record.get("IsConverted") else None
        if contact_id:
            body |= {"salesforce_id": contact_id, "salesforce_object": "Contact",
                     "salesforce_url": ctx.queries.record_url(contact_id),
                     "salesforce_contact_id": contact_id}
        elif normalise_email(record.get("Email")) not in contact_emails:
            # A person who is also a contact keeps pointing at the contact.
            body |= {"salesforce_id": sf_id, "salesforce_object": "Lead",
                     "salesforce_url": ctx.queries.record_url(sf_id)}
    if write.link is not None:
        return BatchItem("update", body, id=write.link.plx_id)
    if write.send != write.values:
        body = plx_payload(write.values) | body
    # (A new person's send is all its values: the body holds them already.)
    return BatchItem("upsert", body, match_on="email" if record.get("Email") else "salesforce_id")


def _links_for(ctx: RunContext, step: Step, write: _Write, person: dict[str, Any],
               sf_fields: list[str]) -> list[RecordLink]:
    record = write.record
    sobject = step.source.name
    keys = list(write.values)
    sf_values = {m: sf_get(record, m) for m in sf_fields}
    # Only what this write sent counts as synced: a field PeopleLinx changed meanwhile (and we
    # left alone) must still look changed to the step that carries People back to Salesforce.
    synced = {k: plx_get(person, k) if write.link is None or k in write.send
              else write.link.plx_values.get(k) for k in keys}
    link = RecordLink(
        sf_id=record["Id"], sf_object=sobject, plx_id=person["id"], plx_object="person",
        step_uid=step.uid, email=record.get("Email") or person.get("email") or "",
        sf_values=sf_values, plx_values=synced,
        sf_url=ctx.queries.record_url(record["Id"]))
    out = [link]
    contact_id = record.get("ConvertedContactId") if record.get("IsConverted") else None
    if contact_id and ctx.services.store.links.by_sf_id(contact_id) is None:
        # The contact a lead became is the same person; its activities go there from now on.
        out.append(RecordLink(sf_id=contact_id, sf_object="Contact", plx_id=person["id"],
                              plx_object="person", step_uid=step.uid, email=link.email,
                              sf_url=ctx.queries.record_url(contact_id)))
    return out


def _sf_fields(step: Step) -> list[str]:
    return [m.salesforce_field for m in step.mappings]


def _settle_conflicts(step: Step, ctx: RunContext, report: StepReport,
                      writes: list[_Write]) -> list[_Write]:
    """Read the linked people about to be updated; where PeopleLinx changed the same field since
    the last sync, the mapping's sync rule decides (Two-way: the most recent change wins), and the
    conflict is logged and recorded with both values. Returns the writes, in order."""
    linked = [w for w in writes if w.link is not None]
    if not linked:
        return writes
    rules = {m.peoplelinx_field: m.sync_rule for m in step.mappings}
    people = ctx.services.plx.get_people([w.link.plx_id for w in linked if w.link])
    out = []
    for write in writes:
        person = people.get(write.link.plx_id) if write.link is not None else None
        out.append(write if person is None else _settle_one(ctx, report, write, person, rules))
    return out


def _settle_one(ctx: RunContext, report: StepReport, write: _Write, person: dict[str, Any],
                rules: dict[str, SyncRule]) -> _Write:
    assert write.link is not None
    sf_time = parse_datetime(write.record["LastModifiedDate"])
    plx_time = parse_datetime(person["updated_at"])
    send, values = dict(write.send), dict(write.values)
    for key in list(write.send):
        known = write.link.plx_values.get(key)
        current = plx_get(person, key)
        if current == known or current == write.send[key]:
            continue
        rule = rules.get(key, SyncRule.TWO_WAY)
        salesforce_wins = salesforce_wins_conflict(rule, write.send[key], sf_time, plx_time)
        ctx.recorder.conflict(report, sf_id=write.record["Id"], plx_id=person["id"],
                              label=write.label, field=key, salesforce_value=write.send[key],
                              peoplelinx_value=current, salesforce_time=sf_time,
                              peoplelinx_time=plx_time, salesforce_wins=salesforce_wins,
                              rule=rule)
        if not salesforce_wins:
            del send[key]
            values[key] = known  # PeopleLinx's value still has to reach Salesforce
    return replace(write, send=send, values=values)
