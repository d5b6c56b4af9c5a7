"""Emails, Tasks and Calls → Contact Tasks / Lead Tasks: each activity becomes one Salesforce Task.

Tasks are upserted on PeopleLinx_Activity_Id__c ("email:<id>", "task:<id>", "call:<id>"), so an
activity becomes exactly one Task however often it is read or a batch is retried. Activities
prefer the contact: for a person who is both a contact and a lead (or whose lead was converted),
the Lead Tasks step leaves the activity to the Contact Tasks step when the profile has it.

A batch walks read → filter → map → decide → write → settle (`walk`), each a plain function from
the values of the stage before, as People → Salesforce does (people_to_salesforce.py): the links
and the Tasks' owners are read; the activities of people this step does not write for are
filtered out (a person linked to neither object is logged); each becomes its Task row; a Task
that already says exactly this is dropped; the rest are upserted (inflight.py in a fresh org);
each answer is logged and linked, and the batch committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from plx_desktop.connectors.salesforce_models import RecordResult
from plx_desktop.domain import Step
from plx_desktop.domain.convert import fingerprint
from plx_desktop.store import RecordLink
from plx_desktop.sync import inflight, retries
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
from plx_desktop.sync.org_picklists import OrgPicklists, picklists
from plx_desktop.sync.outbox_flow import InFlight, record_intent
from plx_desktop.sync.refusals import refusal
from plx_desktop.sync.task_owners import TaskOwners

EXTERNAL_ID = "PeopleLinx_Activity_Id__c"
OPERATION = "task_upsert"
SUBJECT_MAX, DESCRIPTION_MAX = 255, 32000
_SOURCES = {"emails": "email", "tasks": "task", "calls": "call"}


def activity_kind(step: Step) -> str:
    return _SOURCES[step.kind.key.split("_to_")[0]]


def run(step: Step, ctx: RunContext, report: StepReport) -> None:
    kind = activity_kind(step)
    reader = {"email": ctx.services.plx.iter_emails, "task": ctx.services.plx.iter_tasks,
              "call": ctx.services.plx.iter_calls}[kind]
    in_flight = InFlight(ctx, step.uid, (OPERATION,))
    batch = ctx.run.tuning.salesforce_batch
    wanted, again = retries.events(step, ctx, batch)
    retries.run_first(ctx, step, wanted, again, lambda page: _sync_batch(
        step, ctx, report, kind, page, in_flight, advance_cursor=False))
    since = ctx.services.store.cursors.get(step.uid)
    for page in after_cursor(reader(updated_since=since, page_size=ctx.run.tuning.page_size), since):
        for start in range(0, len(page), batch):
            ctx.run.check_cancel()
            _sync_batch(step, ctx, report, kind, page[start:start + batch], in_flight)
            ctx.recorder.progress(report, message=f"{report.done} {kind}s read")
    in_flight.settle()


def _sync_batch(step: Step, ctx: RunContext, report: StepReport, kind: str,
                activities: list[dict[str, Any]], in_flight: InFlight,
                advance_cursor: bool = True) -> None:
    cursor = activities[-1]["updated_at"] if activities and advance_cursor else None
    named = [BatchRecord(plx_id=a["id"], label=_subject(kind, a)) for a in activities]
    ctx.recorder.keep_items(report, {a["id"]: a for a in activities})  # to send a failed one again
    batch = Batch(step, ctx, report, kind, in_flight, cursor)
    guarded(ctx, report, named, cursor, lambda: walk(batch, activities))


# -- one batch, stage by stage: read → filter → map → decide → write → settle -------------------


@dataclass(frozen=True)
class Batch:
    """What every stage of one batch may use: the step, the run, and the batch's settings."""

    step: Step
    ctx: RunContext
    report: StepReport
    kind: str  # email, task, call
    in_flight: InFlight
    cursor: str | None

    @property
    def target(self) -> str:
        return "Contact" if self.step.target.label == "Contact Tasks" else "Lead"


@dataclass(frozen=True)
class Read:
    """The batch's activities, their people's links, the links of the Tasks they became, and
    the Salesforce users who own them."""

    activities: list[dict[str, Any]]
    people: dict[str, list[RecordLink]]
    existing: dict[str, list[RecordLink]]
    owners: TaskOwners


class Placed(NamedTuple):
    """An activity that becomes a Task on this person's record (`who`)."""

    activity: dict[str, Any]
    who: RecordLink


class TaskWrite(NamedTuple):
    """A Task to send: its row, the activity, the record it is on, its key, and whether new."""

    row: dict[str, Any]
    activity: dict[str, Any]
    who: RecordLink
    key: str
    new: bool


def walk(batch: Batch, activities: list[dict[str, Any]]) -> None:
    """One batch: the way of each activity from PeopleLinx to a Task and the Log."""
    read_ = read(batch, activities)
    writes = decide(batch, read_, map_tasks(batch, read_, filter_activities(batch, read_)))
    if not writes:
        batch.ctx.recorder.commit(batch.report, cursor=batch.cursor)
        return
    outbox_ids = record_intent(batch.ctx, batch.step.uid, "salesforce", OPERATION,
                               [(w.key, w.activity["updated_at"], w.new) for w in writes])
    links = settle(batch, writes, write(batch, read_, writes))
    batch.ctx.recorder.commit(batch.report, links=links, cursor=batch.cursor, done=outbox_ids)


def read(batch: Batch, activities: list[dict[str, Any]]) -> Read:
    links = batch.ctx.services.store.links
    people = links.for_plx_ids(a["person_id"] for a in activities)
    existing = links.for_plx_ids(f"{batch.kind}:{a['id']}" for a in activities)
    owners = TaskOwners(batch.ctx)
    owners.resolve(activities)
    return Read(activities, people, existing, owners)


def filter_activities(batch: Batch, read: Read) -> list[Placed]:
    """The activities this step writes, with the record each goes on: activities prefer the
    contact; a person linked only to the other object is the other Tasks step's; a person not
    linked at all is skipped (logged)."""
    ctx, kind, target = batch.ctx, batch.kind, batch.target
    contact_step, lead_step = f"{kind}s_to_contact_tasks", f"{kind}s_to_lead_tasks"
    out = []
    for activity in read.activities:
        batch.report.done += 1
        links = read.people.get(activity["person_id"], [])
        contact = next((k for k in links if k.sf_object == "Contact"), None)
        lead = next((k for k in links if k.sf_object == "Lead"), None)
        who = contact if target == "Contact" else lead
        if target == "Lead" and contact is not None and ctx.queries.step_enabled(contact_step):
            continue  # activities prefer the contact; the Contact Tasks step writes this one
        if who is None:
            other = lead if target == "Contact" else contact
            other_step = lead_step if target == "Contact" else contact_step
            if other is not None and ctx.queries.step_enabled(other_step):
                continue  # the other Tasks step writes it
            ctx.recorder.log(batch.report, SKIPPED, plx_id=activity["person_id"],
                             code=f"NOT_A_{target.upper()}",
                             message=f"The {kind} '{_subject(kind, activity)}' was not synced: "
                                     "this person is not linked to a Salesforce "
                                     f"{target.lower()}")
            continue
        out.append(Placed(activity, who))
    return out


def map_tasks(batch: Batch, read: Read, placed: list[Placed]) -> list[TaskWrite]:
    """Each activity's Task row, with the org's own Task values and the Task's owner."""
    if not placed:
        return []
    org = picklists(batch.ctx)  # read once a run, and only when a Task is to be written
    out = []
    for activity, who in placed:
        key = f"{batch.kind}:{activity['id']}"
        row = _task_row(batch.kind, activity, who.sf_id, org) | read.owners.owner_field(activity)
        out.append(TaskWrite(row, activity, who, key, not read.existing.get(key)))
    return out


def decide(batch: Batch, read: Read, writes: list[TaskWrite]) -> list[TaskWrite]:
    """The Tasks to send: not those that already say exactly this (an echo, or no change)."""
    out = []
    for task in writes:
        known = next(iter(read.existing.get(task.key, [])), None)
        if known is not None and known.sf_print() == fingerprint(task.row):
            continue
        out.append(task)
    return out


def write(batch: Batch, read: Read, writes: list[TaskWrite]) -> list[RecordResult]:
    """Upsert on the external id; a fresh org's Tasks are created once and updated by Id."""
    rows = [w.row for w in writes]
    if inflight.has_key_field(batch.ctx, "Task", EXTERNAL_ID):
        return _upsert_tasks(batch.ctx, rows, [w.new for w in writes])
    pending = [(w.activity, w.who, w.key, w.new) for w in writes]
    return inflight.write_tasks(batch.ctx, batch.report, rows, pending, read.existing,
                                batch.in_flight)


def settle(batch: Batch, writes: list[TaskWrite], results: list[RecordResult]
           ) -> list[RecordLink]:
    """Each answer logged, and linked when written; the links to commit."""
    ctx, report, kind = batch.ctx, batch.report, batch.kind
    links = []
    for (row, activity, who, key, new), result in zip(writes, results, strict=True):
        label = _subject(kind, activity)
        if not result.success:
            ctx.recorder.log(report, FAILED, sf_id=who.sf_id, plx_id=activity["id"], label=label,
                             code=result.error_code or "ERROR",
                             message=refusal(result, ctx.queries.record_url, "task"))
            continue
        created = result.created or (new and batch.in_flight.was_creating(key))
        links.append(RecordLink(sf_id=result.id or "", sf_object="Task", plx_id=key,
                                plx_object=kind, step_uid=batch.step.uid, sf_values=row,
                                sf_url=ctx.queries.record_url(result.id or "")))
        ctx.recorder.log(report, CREATED if created else UPDATED, sf_id=result.id or "",
                         plx_id=activity["id"], label=label,
                         message=f"{'Logged' if created else 'Updated'} as a Task on "
                                 f"{who.sf_object} {who.email or who.sf_id}")
    return links


def _upsert_tasks(ctx: RunContext, rows: list[dict[str, Any]], new: list[bool]
                  ) -> list[RecordResult]:
    """Upsert the Tasks; TaskSubtype only goes with creations, as Salesforce refuses it on update.

    A Task we have no link for may still exist (a crash after the write, before the commit): its
    upsert is refused for TaskSubtype, and is sent once more without it.
    """
    sent = [row if is_new else _without_subtype(row) for row, is_new in zip(rows, new, strict=True)]
    results = ctx.services.sf.upsert("Task", EXTERNAL_ID, sent)
    again = [i for i, (row, result) in enumerate(zip(sent, results, strict=True))
             if not result.success and result.error_code == _SUBTYPE_REFUSED and "TaskSubtype" in row]
    if again:
        retried = ctx.services.sf.upsert("Task", EXTERNAL_ID, [_without_subtype(sent[i]) for i in again])
        for i, result in zip(again, retried, strict=True):
            results[i] = result
    return results


_SUBTYPE_REFUSED = "INVALID_FIELD_FOR_INSERT_UPDATE"


def _without_subtype(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "TaskSubtype"}


def _subject(kind: str, activity: dict[str, Any]) -> str:
    if kind == "email":
        return f"Email: {activity.get('subject') or '(no subject)'}"
    if kind == "task":
        return f"Task: {activity.get('title') or '(untitled)'}"
    disposition = (activity.get("disposition") or "").replace("_", " ")
    return f"Call ({activity.get('direction', 'outbound')}): {disposition or 'logged'}"


def _date(value: str | None) -> str | None:
    return value[:10] if value else None


def _task_row(kind: str, activity: dict[str, Any], who_id: str,
              org: OrgPicklists) -> dict[str, Any]:
    """The Task for an activity, with the org's own Task Status and Priority values (a value
    the org lacks is left out, so Salesforce applies the org's default)."""
    done = org.closed_task_status()
    row: dict[str, Any] = {
        EXTERNAL_ID: f"{kind}:{activity['id']}",
        "WhoId": who_id,
        "Subject": _subject(kind, activity)[:SUBJECT_MAX],
        "Priority": org.priority(),
    }
    if kind == "email":
        row |= {"TaskSubtype": "Email", "Status": done,
                "Description": (activity.get("body") or "")[:DESCRIPTION_MAX],
                "ActivityDate": _date(activity.get("sent_at"))}
    elif kind == "task":
        finished = activity.get("status") == "completed"
        row |= {"TaskSubtype": "Task", "Status": done if finished else org.open_task_status(),
                "Description": (activity.get("note") or "")[:DESCRIPTION_MAX],
                "ActivityDate": activity.get("due_date") or _date(activity.get("completed_at"))}
    else:
        direction = activity.get("direction") or "outbound"
        row |= {"TaskSubtype": "Call", "Status": done,
                "Description": (activity.get("notes") or "")[:DESCRIPTION_MAX],
                "ActivityDate": _date(activity.get("called_at")),
                "CallDurationInSeconds": activity.get("duration_seconds"),
                "CallType": "Inbound" if direction == "inbound" else "Outbound",
                "CallDisposition": (activity.get("disposition") or "").replace("_", " ")}
    return {k: v for k, v in row.items() if v is not None}
