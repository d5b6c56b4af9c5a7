"""Creates without the PeopleLinx external-id fields: never twice, after a retry or a crash.

With Contact/Lead.PeopleLinx_Id__c and Task.PeopleLinx_Activity_Id__c the engine upserts, and a
write sent again finds what the first one made. A fresh org has neither (until Set up), so a create
is a plain create, and one whose answer was lost (a dropped connection after Salesforce saved it,
or a crash between sending and committing) would make a second record if sent again. Here a create
is sent once without the connector's automatic retry; when its answer is lost, the records it may
have made are looked up by a query (created since just before it was sent, with the same values in
the fields that say who they are) before what is still missing goes again. A crashed run's
in-flight creates (the outbox) are looked up the same way before the next run sends them.

The run says once, plainly, what Set up would change (`tell_setup_once`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from simple_salesforce.format import format_soql

from plx_desktop.connectors.errors import TransientError
from plx_desktop.connectors.salesforce import SalesforceClient
from plx_desktop.connectors.salesforce_models import ObjectDescription, RecordResult
from plx_desktop.domain.convert import parse_datetime
from plx_desktop.store import LogEntry
from plx_desktop.sync.context import SKIPPED, RunContext, StepReport
from plx_desktop.sync.outbox_flow import InFlight
from plx_desktop.sync.person_write import PersonWrite, create_row

# Fields that say who a record is, per object: a created record is recognised by these.
IDENTITY = {"Contact": ("LastName", "FirstName", "Email"),
            "Lead": ("LastName", "FirstName", "Email", "Company"),
            "Task": ("WhoId", "Subject", "ActivityDate", "CallDurationInSeconds", "Description")}
# The sandbox's and Salesforce's clocks differ, and CreatedDate comparisons drop milliseconds.
SKEW = timedelta(minutes=2)
_SETUP_TOLD = "inflight.setup_told"


def has_key_field(ctx: RunContext, sobject: str, field: str) -> bool:
    # Named, so that a describe kept from before Set up made the field is asked again.
    return ctx.queries.describe(sobject, [field]).field(field) is not None


def tell_setup_once(ctx: RunContext, report: StepReport, sobject: str, field: str) -> None:
    """One log line per run: the org lacks the key field, and what Set up would do about it."""
    if ctx.run.cache.get(_SETUP_TOLD):
        return
    ctx.run.cache[_SETUP_TOLD] = True  # once per run, whichever step is first
    step = report.step
    report.pending_log.append(LogEntry(
        outcome=SKIPPED, step_uid=step.uid, step_label=step.label,
        direction=step.direction.value, error_code="SETUP_NEEDED", run_id=ctx.run.run_id,
        message=f"This Salesforce org has no {sobject}.{field}: each record created here is "
                "looked up before it is ever sent again, so nothing is created twice, at the cost "
                "of a query. Set up (Check org, or `plx-desktop check --fix`) would create "
                "Contact.PeopleLinx_Id__c, Lead.PeopleLinx_Id__c and "
                "Task.PeopleLinx_Activity_Id__c (Text, External ID, Unique) and grant the "
                "connected user read and edit on them."))


def adopt_created(ctx: RunContext, sobject: str, keys: Sequence[str],
                  rows: Sequence[dict[str, Any]], in_flight: InFlight) -> list[str | None]:
    """For writes a crashed run sent as creates: the Id of the record each one made, or None.

    `keys` are the outbox keys (person id, activity key), `rows` what would be created now."""
    wanted = [i for i, key in enumerate(keys) if in_flight.was_creating(key)]
    out: list[str | None] = [None] * len(keys)
    if not wanted:
        return out
    since = min(_sent_at(in_flight, keys[i]) for i in wanted)
    found = find_created(ctx.services.sf, sobject, [rows[i] for i in wanted], since)
    for i, sf_id in zip(wanted, found, strict=True):
        out[i] = sf_id
    return out


def adopt_people(ctx: RunContext, report: StepReport, sobject: str,
                 describe: ObjectDescription, writes: list[PersonWrite], in_flight: InFlight,
                 external_id: str) -> list[PersonWrite]:
    """People about to be created whose create a crashed run sent: linked to what it made (and
    sent their values as an update); the writes in order."""
    tell_setup_once(ctx, report, sobject, external_id)
    creating = [i for i, w in enumerate(writes) if not w.sf_id]
    if not creating:
        return writes
    rows = [create_row(writes[i], sobject, describe) for i in creating]
    found = adopt_created(ctx, sobject, [writes[i].plx_id for i in creating], rows, in_flight)
    out = list(writes)
    for i, sf_id in zip(creating, found, strict=True):
        if sf_id is not None:
            out[i] = out[i].updated(sf_id=sf_id, known={})  # made by that run: an update
    return out


def write_tasks(ctx: RunContext, report: StepReport, rows: list[dict[str, Any]],
                pending: list[tuple[Any, Any, str, bool]], existing: dict[str, list[Any]],
                in_flight: InFlight) -> list[RecordResult]:
    """Tasks without PeopleLinx_Activity_Id__c: update the linked ones by Id, create the others
    once (after looking up what a crashed run may have made)."""
    from plx_desktop.sync.activity_steps import EXTERNAL_ID

    tell_setup_once(ctx, report, "Task", EXTERNAL_ID)
    plain = [{k: v for k, v in row.items() if k != EXTERNAL_ID} for row in rows]
    ids: list[str | None] = [next((link.sf_id for link in existing.get(key, [])), None)
                             for _, _, key, _ in pending]
    fresh = [i for i, sf_id in enumerate(ids) if sf_id is None]
    adopted = adopt_created(ctx, "Task", [pending[i][2] for i in fresh], [plain[i] for i in fresh],
                            in_flight)
    for i, sf_id in zip(fresh, adopted, strict=True):
        ids[i] = sf_id
    results: list[RecordResult | None] = [None] * len(rows)
    updates = [i for i, sf_id in enumerate(ids) if sf_id is not None]
    if updates:
        # TaskSubtype can be set only on create (INVALID_FIELD_FOR_INSERT_UPDATE after).
        sent = [{"Id": ids[i], **{k: v for k, v in plain[i].items() if k != "TaskSubtype"}}
                for i in updates]
        for i, result in zip(updates, ctx.services.sf.update("Task", sent), strict=True):
            results[i] = result
    creates = [i for i, sf_id in enumerate(ids) if sf_id is None]
    if creates:
        made = create_once(ctx, "Task", [plain[i] for i in creates])
        for i, result in zip(creates, made, strict=True):
            results[i] = result
    return [r for r in results if r is not None]


def _sent_at(in_flight: InFlight, key: str) -> datetime:
    sent = in_flight.sent_at(key)
    return parse_datetime(sent) if sent else datetime.now(UTC) - timedelta(days=1)


def create_once(ctx: RunContext, sobject: str, rows: list[dict[str, Any]],
                **headers: Any) -> list[RecordResult]:
    """Create the rows, never twice: a lost answer is reconciled by a query before a resend.
    `headers` go to the client's create as they are (assignment and duplicate rules)."""
    client: SalesforceClient = ctx.services.sf
    policy = client.retry
    once = _without_retries(client)
    results: list[RecordResult | None] = [None] * len(rows)
    pending = list(range(len(rows)))
    attempt = 1
    while pending:
        sent_at = datetime.now(UTC)
        try:
            answer = once.create(sobject, [rows[i] for i in pending], **headers)
        except TransientError as exc:
            if attempt >= policy.attempts:
                raise
            policy.sleep(policy.delay(attempt, exc.retry_after))
            attempt += 1
            found = find_created(client, sobject, [rows[i] for i in pending], sent_at)
            for i, sf_id in zip(pending, found, strict=True):
                if sf_id is not None:
                    results[i] = RecordResult(id=sf_id, success=True, created=True)
            pending = [i for i in pending if results[i] is None]
            continue
        for i, result in zip(pending, answer, strict=True):
            results[i] = result
        pending = []
    return [r for r in results if r is not None]


def _without_retries(client: SalesforceClient) -> SalesforceClient:
    """The same client (session, connection, usage) whose calls are tried once: a create whose
    answer was lost must be looked up, not sent blind again."""
    once = copy.copy(client)
    once.retry = replace(client.retry, attempts=1)
    return once


def find_created(client: Any, sobject: str, rows: Sequence[dict[str, Any]],
                 since: datetime) -> list[str | None]:
    """The record each row made, if it was made at or after `since`; each record used once."""
    fields = [f for f in IDENTITY.get(sobject, ()) if any(f in r for r in rows)]
    if not fields or not rows:
        return [None] * len(rows)
    first = fields[0]
    values = sorted({str(r[first]) for r in rows if r.get(first) is not None})
    start = (since - SKEW).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    soql = format_soql(f"SELECT Id, {', '.join(fields)} FROM {sobject} WHERE CreatedDate >= "
                       f"{start} AND {first} IN {{}} ORDER BY CreatedDate", values)
    candidates = [r for page in client.iter_query(soql) for r in page]
    return _pair(rows, candidates, fields)


def _pair(rows: Sequence[dict[str, Any]], candidates: list[dict[str, Any]],
          fields: list[str]) -> list[str | None]:
    def identity(record: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(_norm(record.get(f)) for f in fields)

    free: dict[tuple[Any, ...], list[str]] = {}
    for record in candidates:
        free.setdefault(identity(record), []).append(str(record["Id"]))
    out: list[str | None] = []
    for row in rows:
        ids = free.get(identity(row)) or []
        out.append(ids.pop(0) if ids else None)
    return out


def _norm(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.strip().lower()
    return value

