"""People → Contact and People → Lead: people changed since the cursor reach Salesforce.

One batch of people walks seven stages, each a plain function from the values of the stage
before to its own (`stage(batch, values) -> values`, where `batch` holds the step, the run and
the batch's settings, like the `state` of Orange3's `run(inputs, state)`). Read top to bottom,
`walk` is the way of one person from the PeopleLinx connector to the Log:

    read    the people's links and ended links, from the store                      -> Read
    filter  drop echoes of our own writes, people the other People step has, people
            whose record was deleted in Salesforce (logged)                          -> Candidates
    map     the mapped values as Salesforce would hold them (bad values logged)      -> Mapped
    match   by link, then by email (salesforce_matching.py); who is a Contact or a Lead
                                                                                     -> writes
    decide  sync rules and conflicts (salesforce_conflicts.py), Lead Status, Accounts,
            creates a crashed run sent (inflight.py)                                -> Plan
    write   the outbox intent, then updates, then creates: an upsert on the
            PeopleLinx_Id__c external id, so a retried or replayed batch never
            creates twice                                                            -> Answers
    tell    PeopleLinx told each person's new Salesforce link (tell_peoplelinx)
    settle  each answer logged and linked, converted leads followed (converted_leads.py),
            the batch committed

Each stage returns new values (PersonWrite is frozen); the rows sent are shaped in
person_write.py only.

The stages up to the outbox intent are `send` and the rest `settle_sent`: the network is hidden
behind the work (overlap.py). Up to `Tuning.salesforce_in_flight` batches' Salesforce writes (a
Bulk API job, Collections calls, then the write-back to PeopleLinx) are in flight on worker
threads while the next batches are read, matched and decided on the run's thread (which also
creates their Accounts, before any contact that needs one is sent). Each batch is settled and
committed on the run's thread in source order, so its cursor is committed only after every batch
before it; a batch that fails stops the later ones from committing anything (their outbox intents
stay, as after a crash: the upsert on the external id makes sending them again harmless). A batch
that shares a person, an email or a Salesforce record with one in flight waits for it first.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import count
from typing import Any, NamedTuple

from plx_desktop.connectors.peoplelinx import MAX_BATCH
from plx_desktop.connectors.peoplelinx_types import BatchItem
from plx_desktop.connectors.salesforce_models import ObjectDescription, RecordResult
from plx_desktop.domain import FieldMapping, Step, is_valid_email
from plx_desktop.store import RecordLink
from plx_desktop.store.duplicate_actions import create_anyway_ids
from plx_desktop.store.ended_links import EndedLink
from plx_desktop.sync import deletes, deletes_peoplelinx, inflight, people_reads, retries
from plx_desktop.sync.accounts import Accounts
from plx_desktop.sync.batch_guard import BatchRecord, send_ahead, settle_in_turn
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
from plx_desktop.sync.overlap import InOrder, read_ahead
from plx_desktop.sync.people_reads import Horizon, written_at
from plx_desktop.sync.person_write import PersonWrite, create_row, label_of, sf_row, update_row
from plx_desktop.sync.refusals import refusal
from plx_desktop.sync.salesforce_conflicts import apply_rules
from plx_desktop.sync.salesforce_matching import (
    EmailIndex,
    all_records_linked,
    decide_creations,
    email_index,
    keep_org_lead_statuses,
    left_to_other_step,
    link_to,
    match_by_email,
    resolve_accounts,
)
from plx_desktop.sync.values import active, changed, plx_get, to_salesforce
from plx_desktop.sync.write_rules import bulk_assignment_rule, create_rules

EXTERNAL_ID = "PeopleLinx_Id__c"
OPERATION = "salesforce_upsert"


def run(step: Step, ctx: RunContext, report: StepReport) -> None:
    # Up to `salesforce_in_flight` batches' Salesforce writes sent while the next ones are read,
    # matched and decided, and written back to PeopleLinx from the same worker; each settled
    # (logged, linked and committed with its cursor) on this thread in source order (overlap.py).
    # A Bulk job's write-backs (ten calls of 500) go `write_backs_in_flight` at a time, from the
    # worker that sent the job; the pool outlives the window, which waits for its workers.
    tuning, sobject = ctx.run.tuning, step.target.name
    with ThreadPoolExecutor(tuning.write_backs_in_flight, thread_name_prefix=f"plx-{sobject}-tell"
                            ) as tell_pool, \
            InOrder(tuning.salesforce_in_flight, name=f"plx-{sobject}-write") as window:
        step_state = StepState(ctx.queries.accounts, InFlight(ctx, step.uid, (OPERATION,)),
                               Horizon(), window, tell_pool)
        _steps(step, ctx, report, step_state)
    step_state.in_flight.settle()


def _steps(step: Step, ctx: RunContext, report: StepReport, step_state: StepState) -> None:
    window = step_state.window
    requests, again = retries.people(step, ctx)
    deletes.create_again(ctx, [plx_id for _, plx_id in requests.requests if plx_id])
    deletes_peoplelinx.run(step, ctx, report)

    def sync_now(page: list[dict[str, Any]]) -> None:
        # The people asked for again are few; each batch settles before run_first goes on.
        _sync_batch(step, ctx, report, page, step_state, advance_cursor=False)
        window.settle_all()

    retries.run_first(ctx, step, requests, again, sync_now)
    since = ctx.services.store.cursors.get(step.uid)
    given = people_reads.take(step, ctx)
    if given is not None:  # the other People step read the people in this run
        _from_handover(step, ctx, report, step_state, given, since)
    else:
        filter_id = step.saved_filter.id if step.saved_filter else None
        handover = people_reads.offer(step, ctx, since)
        pages = ctx.services.plx.iter_people(updated_since=since, filter_id=filter_id,
                                             page_size=ctx.run.tuning.page_size)
        # The next page is read while this one is synced; the horizon cuts what the run's
        # thread takes, so a page read ahead past it is only dropped.
        with read_ahead(pages, ctx.run.tuning.read_ahead_pages,
                        name=f"plx-{step.target.name}-read") as ahead:
            _sync_pages(step, ctx, report, step_state.horizon.cut(after_cursor(ahead, since)),
                        step_state, handover)
        window.settle_all()  # every batch kept in the handover is committed, in order
        if handover is not None:
            handover.complete = True


@dataclass(frozen=True)
class StepState:
    """What the step's batches share: the Accounts, the creates in flight, the read's horizon,
    and the batches sent and not yet settled."""

    accounts: Accounts
    in_flight: InFlight
    horizon: Horizon
    window: InOrder
    tell_pool: Executor
    jobs: deque[str] = field(default_factory=deque)  # the Bulk batches' keys, oldest first
    numbers: Iterator[int] = field(default_factory=count)


def _sync_pages(step: Step, ctx: RunContext, report: StepReport,
                pages: Iterable[list[dict[str, Any]]], state: StepState,
                handover: people_reads.Handover | None = None) -> None:
    """People are gathered until the step is known to be large: past the threshold they go to
    Salesforce a threshold's worth at a time through one Bulk API 2.0 job (a handful of calls
    instead of one per 200); a smaller step is written through Collections, 200 a call, and so
    are a large step's last people, matched by the email index if the step read it already."""
    batch, threshold = ctx.run.tuning.salesforce_batch, ctx.run.tuning.bulk_threshold
    waiting: list[dict[str, Any]] = []
    index: EmailIndex | None = None
    for page in pages:
        waiting.extend(page)
        if len(waiting) >= threshold:
            ctx.run.check_cancel()
            if index is None and not all_records_linked(ctx, step):
                index = email_index(ctx, step, active(step.mappings, to_salesforce=True))
            _sync_batch(step, ctx, report, waiting, state, bulk=True, index=index,
                        handover=handover)
            ctx.recorder.progress(report, message=f"{report.done} people read")
            waiting = []
    # The last people use the index only if it was read: reading every record's email for a
    # few people costs more calls than their own queries.
    index = index if index is not None and index.was_read else None
    for start in range(0, len(waiting), batch):
        ctx.run.check_cancel()
        _sync_batch(step, ctx, report, waiting[start:start + batch], state, index=index,
                    handover=handover)
        ctx.recorder.progress(report, message=f"{report.done} people read")


def _from_handover(step: Step, ctx: RunContext, report: StepReport, state: StepState,
                   given: people_reads.Handover, since: str | None) -> None:
    """The people the other People step read in this run, instead of reading them again: first
    those kept by id only whose links changed since (read again by id, the cursor left alone),
    then the rest in read order; the cursor goes to where the other step's read ended."""
    chunk = ctx.run.tuning.page_size
    for rows in given.rows(chunk):
        ctx.run.check_cancel()
        again = people_reads.changed_since(ctx, given, [i for i, whole in rows if whole is None])
        if again:
            found = ctx.services.plx.get_people(again)
            people = sorted(found.values(), key=lambda p: (p["updated_at"], p["id"]))
            for start in range(0, len(people), ctx.run.tuning.salesforce_batch):
                _sync_batch(step, ctx, report, people[start:start + ctx.run.tuning.salesforce_batch],
                            state, advance_cursor=False)
            state.window.settle_all()  # as retries: settled before the cursor's people go

    def kept() -> Iterator[list[dict[str, Any]]]:
        if not given.whole:
            return
        for rows in given.rows(chunk):
            page = [whole for _, whole in rows if whole is not None
                    and (since is None or not people_reads.later(since, whole["updated_at"]))]
            if page:
                yield page

    _sync_pages(step, ctx, report, kept(), state)
    state.window.settle_all()  # the read's end is committed after the last batch's cursor
    if given.end is not None and (since is None or not people_reads.later(since, given.end)):
        ctx.recorder.commit(report, cursor=given.end)


def _sync_batch(step: Step, ctx: RunContext, report: StepReport, people: list[dict[str, Any]],
                state: StepState, advance_cursor: bool = True, bulk: bool = False,
                index: EmailIndex | None = None,
                handover: people_reads.Handover | None = None) -> None:
    """Read, match, decide and send one batch now; settle it in its turn (after the batches
    before it), on this thread."""
    window = state.window
    cursor = people[-1]["updated_at"] if people and advance_cursor else None
    mappings = active(step.mappings, to_salesforce=True)
    # A person or an email still in flight is read and matched only once that batch is linked,
    # as when each batch settled before the next (no second create of one person or email).
    keys = _keys(people, mappings)
    window.settle_holding(keys)
    # The batch's own counts and log, added to the step's as it settles: what a batch sent
    # ahead logs must not go out with an earlier batch's commit.
    part = StepReport(step)
    batch = Batch(step, ctx, part, state.accounts, state.in_flight, mappings, cursor, bulk,
                  index, state.horizon, state.tell_pool)
    # Named only if the batch breaks (guarded reads them then): not a label per person per batch.
    named = (BatchRecord(plx_id=p["id"], label=label_of(p)) for p in people)
    ahead = send_ahead(report, part, lambda: send(batch, people))
    sent = ahead.sent
    if sent is not None and sent.records:
        # Two writes to one Salesforce record go one after the other, in source order.
        window.settle_holding(sent.records)
        keys |= sent.records
    walked: list[set[str]] = []

    def in_turn(result: Callable[[], Any]) -> None:
        def settle_half() -> None:
            assert sent is not None
            walked.append(settle_sent(batch, sent, result))

        settle_in_turn(ctx, report, ahead, named, cursor, settle_half)
        if handover is not None:  # a batch that broke is kept whole: the other step looks again
            handover.keep(people, walked[0] if walked else set())

    # A Bulk API job holds its thousands of people until it settles: fewer of them at once.
    depth = ctx.run.tuning.bulk_in_flight if bulk else None
    if depth is not None:
        state.jobs.append(f"bulk-job:{next(state.numbers)}")  # its own key, to settle it by
        keys.add(state.jobs[-1])
    window.submit(sent.call if sent is not None else None, in_turn, keys, depth=depth)
    if ahead.failure is not None:
        window.settle_all()  # the error surfaces now, after the batches before it
    elif depth is not None:
        _make_room(window, state.jobs, depth)


def _make_room(window: InOrder, jobs: deque[str], depth: int) -> None:
    """With `depth` jobs in flight, the oldest is settled now, before the next job's people are
    read: the next one is read and decided while `depth - 1` are in flight, so `depth` jobs'
    people are in memory at any N (a job read while `depth` were in flight made it one more,
    the peak at 100,000 people 1.17 × the one at 10,000, where only two jobs are ever sent)."""
    while jobs and window.in_flight >= depth:
        window.settle_holding({jobs.popleft()})  # a no-op for a job settled already


def _keys(people: list[dict[str, Any]], mappings: list[FieldMapping]) -> set[str]:
    """What a later batch may share with this one: the people, and their emails (the person's,
    and what is mapped to Email), by which a person is matched to a record or created once."""
    keys = {p["id"] for p in people}
    sources = ["email", *(m.peoplelinx_field for m in mappings if m.salesforce_field == "Email")]
    for person in people:
        for source in sources:
            value = plx_get(person, source)
            if value:
                keys.add(f"email:{str(value).strip().lower()}")
    return keys


# -- the values that pass from stage to stage -----------------------------------------------------


@dataclass(frozen=True)
class Batch:
    """What every stage of one batch may use: the step, the run, and the batch's settings."""

    step: Step
    ctx: RunContext
    report: StepReport
    accounts: Accounts
    in_flight: InFlight
    mappings: list[FieldMapping]  # those that carry values to Salesforce
    cursor: str | None  # where the step's cursor goes once the batch is committed
    bulk: bool = False  # a large step: creates go through Bulk API 2.0
    index: EmailIndex | None = None  # a large step's emails of the object, read once
    horizon: Horizon | None = None  # where the step's read stops (people_reads.py)
    tell_pool: Executor | None = None  # the write-back's calls in flight (tell_peoplelinx)

    @cached_property
    def sobject(self) -> str:
        return self.step.target.name

    @cached_property
    def _instance_url(self) -> str:
        return self.ctx.queries.instance_url

    def record_url(self, sf_id: str) -> str:
        """queries.record_url, with the instance's address asked once a batch, not per record."""
        return f"{self._instance_url}/{sf_id}"


@dataclass(frozen=True)
class Read:
    """The batch's people, their links, and the ended links of those deleted in Salesforce."""

    people: list[dict[str, Any]]
    links: dict[str, list[RecordLink]]
    deleted: dict[str, EndedLink]


class Candidate(NamedTuple):
    """A person with a mapped change to carry, and their link to this step's object, if any
    (a tuple: one per person of a Bulk batch of thousands, built at half a frozen dataclass's
    cost)."""

    person: dict[str, Any]
    plx_values: dict[str, Any]
    link: RecordLink | None


@dataclass(frozen=True)
class Mapped:
    """The people whose values convert, and the describe they were converted by."""

    writes: list[PersonWrite]
    describe: ObjectDescription | None


@dataclass(frozen=True)
class Plan:
    """What is sent: updates (changed fields), creates, and matches already equal (a link)."""

    updates: list[PersonWrite]
    creates: list[PersonWrite]
    unchanged: list[PersonWrite]
    describe: ObjectDescription
    ext: str | None  # the external-id field, when the org has it (else inflight.py)
    lead_default: str | None  # the org's default Lead Status, for new leads


class Answer(NamedTuple):
    """Salesforce's answer for one write."""

    write: PersonWrite
    result: RecordResult
    creating: bool


@dataclass
class Told:
    """The write-backs made, in order: (each person's `updated_at` as read, as written), up to
    the first call that failed, and that failure."""

    done: list[tuple[str, str | None]]
    error: Exception | None = None


class Answers(NamedTuple):
    """What the worker hands back: Salesforce's answers to the updates and the creates, and the
    write-back's."""

    updates: list[Answer]
    creates: list[Answer]
    told: Told


@dataclass(frozen=True)
class Settled:
    """The links the batch commits."""

    links: list[RecordLink]


# -- the walk -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """A batch sent ahead of its settling: what settle needs, and the call that writes it."""

    read: Read
    plan: Plan | None  # None: nothing to write (the batch only commits its cursor)
    outbox_ids: list[int]
    call: Callable[[], Answers] | None  # the updates', the creates', the write-backs' answers
    records: set[str]  # the Salesforce records it updates or links


def send(batch: Batch, people: list[dict[str, Any]]) -> Sent:
    """read → filter → map → match → decide (Accounts created here, on the run's thread,
    before any contact that needs them is sent), the outbox intent, and the write to send."""
    got = read(batch, people)
    mapped = map_people(batch, filter_people(batch, got))
    if not mapped.writes or mapped.describe is None:
        return Sent(got, None, [], None, set())
    plan = decide(batch, match(batch, mapped.writes, got.links), mapped.describe)
    outbox_ids = intend(batch, plan)
    records = {w.sf_id for w in plan.updates + plan.unchanged if w.sf_id}
    return Sent(got, plan, outbox_ids, write_calls(batch, plan), records)


def settle_sent(batch: Batch, sent: Sent, result: Callable[[], Any]) -> set[str]:
    """The answers logged and linked, the batch committed once PeopleLinx was told (overlap.py
    calls this in the batch's turn, on the run's thread)."""
    if sent.plan is None:
        batch.ctx.recorder.commit(batch.report, cursor=batch.cursor)
        return linked_here_only(batch, sent.read, [])
    answers: Answers = result()
    settled = settle(batch, answers.updates, already_equal(batch, sent.plan))
    settled = settle(batch, answers.creates, settled)
    commit(batch, settled, sent.outbox_ids, answers.told)
    return linked_here_only(batch, sent.read, settled.links)


def read(batch: Batch, people: list[dict[str, Any]]) -> Read:
    links = batch.ctx.services.store.links.for_plx_ids(p["id"] for p in people)
    deleted = deletes.deleted_in_salesforce(batch.ctx, [p["id"] for p in people], links)
    return Read(people, links, deleted)


def linked_here_only(batch: Batch, got: Read, new_links: list[RecordLink]) -> set[str]:
    """The batch's people linked to this step's object (before, or by this batch) and not to the
    other's. What the other People step finds later is looked up again (people_reads.py)."""
    other = "Lead" if batch.sobject == "Contact" else "Contact"
    linked = {k.plx_id for k in new_links}
    out = set()
    for person in got.people:
        plx_id = person["id"]
        links = got.links.get(plx_id, [])
        if link_to(links, other) is None and (plx_id in linked
                                              or link_to(links, batch.sobject) is not None):
            out.add(plx_id)
    return out


def filter_people(batch: Batch, read: Read) -> list[Candidate]:
    """The people with something to carry: not an echo of what we last synced (or no mapped
    change), not left to the other People step, not deleted in Salesforce (that is logged)."""
    keys = [m.peoplelinx_field for m in batch.mappings]
    out = []
    for person in read.people:
        batch.report.done += 1
        plx_now = {k: plx_get(person, k) for k in keys}
        links = read.links.get(person["id"], [])
        link = link_to(links, batch.sobject)
        if link is not None and not changed(plx_now, link.plx_values):
            continue  # what we last synced: an echo of our own write, or no mapped change
        if link is None and left_to_other_step(batch.ctx, batch.step, links):
            continue
        if link is None and person["id"] in read.deleted:  # never created again by itself
            deletes.skip_deleted(batch.ctx, batch.report, read.deleted[person["id"]],
                                 label_of(person))
            continue
        out.append(Candidate(person, plx_now, link))
    return out


def map_people(batch: Batch, candidates: list[Candidate]) -> Mapped:
    """Each person's values as Salesforce would hold them; a value that does not convert, or an
    email Salesforce would refuse, fails the person here."""
    if not candidates:
        return Mapped([], None)
    ctx, report = batch.ctx, batch.report
    # The key field named too: decide upserts on it once the org has it (Set up made it since
    # this process described the object).
    describe = ctx.queries.describe(
        batch.sobject, [*(m.salesforce_field for m in batch.mappings), EXTERNAL_ID])
    writes = []
    for candidate in candidates:
        person = candidate.person
        mapped = to_salesforce(person, batch.mappings, describe, candidate.plx_values)
        write = PersonWrite(person, candidate.plx_values, mapped.values,
                            warnings=tuple(mapped.warnings))
        email = mapped.values.get("Email")
        if mapped.error:
            ctx.recorder.log(report, FAILED, plx_id=write.plx_id, label=write.label,
                             code="BAD_VALUE", message=f"Not synced: {mapped.error}")
        elif email and not is_valid_email(str(email)):
            ctx.recorder.log(report, FAILED, plx_id=write.plx_id, label=write.label,
                             code="INVALID_EMAIL_ADDRESS",
                             message=f"Refused: '{email}' is not a valid email address; fix it "
                                     "in PeopleLinx")
        elif candidate.link is not None:
            writes.append(write.updated(sf_id=candidate.link.sf_id,
                                        known=candidate.link.sf_values))
        else:
            writes.append(write)
    return Mapped(writes, describe)


def match(batch: Batch, writes: list[PersonWrite],
          links: dict[str, list[RecordLink]] | None = None) -> list[PersonWrite]:
    """The unlinked people matched by email; of those still without a record, the ones the other
    People step creates are left to it."""
    ctx, step = batch.ctx, batch.step
    unlinked = [i for i, w in enumerate(writes) if w.sf_id is None]
    matched = match_by_email(ctx, step, [writes[i] for i in unlinked], batch.mappings,
                             batch.index)
    writes = list(writes)
    for i, write in zip(unlinked, matched, strict=True):
        writes[i] = write
    left = decide_creations(step, ctx, [w for w in writes if w.sf_id is None], batch.accounts,
                            links)
    return [w for w in writes if w.sf_id is not None or w.plx_id not in left]


def decide(batch: Batch, writes: list[PersonWrite], describe: ObjectDescription) -> Plan:
    """The values each write sends, by the sync rules, the org's Lead Status values and the
    contacts' Accounts; and which writes update, create, or only link."""
    ctx, report, sobject = batch.ctx, batch.report, batch.sobject
    writes = apply_rules(batch.step, ctx, report, writes, batch.mappings)
    lead_default = None
    if sobject == "Lead" and any(not w.sf_id or w.values.get("Status") for w in writes):
        org = picklists(ctx)
        writes = keep_org_lead_statuses(writes, org.lead_statuses)
        lead_default = org.lead_default
    writes = resolve_accounts(ctx, report, writes, batch.accounts, sobject)
    ext = EXTERNAL_ID if describe.field(EXTERNAL_ID) else None
    if ext is None:  # a fresh org: what a crashed run created is looked up first (inflight.py)
        writes = inflight.adopt_people(ctx, report, sobject, describe, writes, batch.in_flight,
                                       EXTERNAL_ID)
    return Plan(updates=[w for w in writes if w.sf_id and w.changes],
                creates=[w for w in writes if not w.sf_id],
                unchanged=[w for w in writes if w.sf_id and not w.changes],
                describe=describe, ext=ext, lead_default=lead_default)


def intend(batch: Batch, plan: Plan) -> list[int]:
    """The outbox items of the writes about to be sent (creates are remembered as such)."""
    return record_intent(batch.ctx, batch.step.uid, "salesforce", OPERATION,
                         [(w.plx_id, w.person["updated_at"], w.sf_id is None)
                          for w in plan.updates + plan.creates])


def write_calls(batch: Batch, plan: Plan) -> Callable[[], Answers]:
    """The batch's Salesforce writes as one call that only speaks HTTP (for a worker thread):
    updates, then creates, then PeopleLinx told each person's new link (tell_peoplelinx). What
    they need of the store is read here, on the run's thread."""
    updates = write_updates(batch, plan)
    tell = tell_peoplelinx(batch, plan.unchanged)
    if plan.ext is None:
        # A fresh org: creates go through inflight.py, which keeps what it sends in the store,
        # so they are made here and now; the call only hands the answers over.
        done = (updates(), write_creates(batch, plan)())
        return lambda: Answers(*done, tell(done[0] + done[1]))
    creates = write_creates(batch, plan)

    def call() -> Answers:
        sent = (updates(), creates())
        return Answers(*sent, tell(sent[0] + sent[1]))

    return call


def write_updates(batch: Batch, plan: Plan) -> Callable[[], list[Answer]]:
    sf, sobject, writes = batch.ctx.services.sf, batch.sobject, plan.updates
    rows = [update_row(w, plan.ext) for w in writes]

    def call() -> list[Answer]:
        if not rows:
            return []
        answers = sf.update(sobject, rows)
        return [Answer(w, r, False) for w, r in zip(writes, answers, strict=True)]

    return call


def write_creates(batch: Batch, plan: Plan) -> Callable[[], list[Answer]]:
    """Create (upsert on the external id); "Create anyway" people (Sync health) go with
    allowSave=true, in a call of their own."""
    writes = plan.creates
    if not writes:
        return list
    rows = [create_row(w, batch.sobject, plan.describe, plan.lead_default, plan.ext)
            for w in writes]
    anyway = create_anyway_ids(batch.ctx.services.store.settings, batch.step.uid)
    sends = []
    for allow in (False, True):
        picked = [i for i, w in enumerate(writes) if (w.plx_id in anyway) == allow]
        if picked:
            sends.append((picked, _send_creates(batch, plan.ext, [rows[i] for i in picked],
                                                allow)))

    def call() -> list[Answer]:
        results: list[RecordResult | None] = [None] * len(rows)
        for picked, sent in sends:
            for i, answer in zip(picked, sent(), strict=True):
                results[i] = answer
        out = []
        for write, result in zip(writes, results, strict=True):
            assert result is not None  # every create was in one of the two calls
            out.append(Answer(write, result, True))
        return out

    return call


def _send_creates(batch: Batch, ext: str | None, rows: list[dict[str, Any]],
                  allow: bool) -> Callable[[], list[RecordResult]]:
    """Create (upsert on the external id) with the org-rule headers the settings ask for (read
    now, on the run's thread; the call returned only speaks HTTP)."""
    ctx, sobject, sf = batch.ctx, batch.sobject, batch.ctx.services.sf
    rules = create_rules(ctx, sobject)
    allow = allow or rules.allow_duplicates
    if ext and batch.bulk and not allow and len(rows) > ctx.run.tuning.salesforce_batch:
        return partial(sf.bulk_upsert, sobject, ext, rows,
                       assignment_rule_id=bulk_assignment_rule(ctx, sobject))
    if ext:
        return partial(sf.upsert, sobject, ext, rows, assign=rules.assign,
                       allow_duplicates=allow)
    # No PeopleLinx_Id__c (a fresh org): created once, never twice (inflight.py), called at once
    # on the run's thread (write_calls).
    return partial(inflight.create_once, ctx, sobject, rows, assign=rules.assign,
                   allow_duplicates=allow)


def already_equal(batch: Batch, plan: Plan) -> Settled:
    """Matched by email and already equal: nothing to write, but the person still gets the link."""
    return Settled([_link(batch, w, w.sf_id) for w in plan.unchanged if w.sf_id])


def settle(batch: Batch, answers: list[Answer], settled: Settled) -> Settled:
    """Each answer logged, and linked when written; a converted lead's update goes to its
    contact (when Sync settings say so); a record deleted meanwhile is handled as a delete."""
    ctx, follow = batch.ctx, batch.ctx.run.follow_converted_leads
    converted: list[PersonWrite] = []
    links = list(settled.links)
    for answer in answers:
        if (not answer.creating and follow
                and answer.result.error_code == "CANNOT_UPDATE_CONVERTED_LEAD"):
            converted.append(answer.write)
            continue
        sf_id = _settle_one(batch, answer)
        if sf_id is not None:
            links.append(_link(batch, answer.write, sf_id))
    follow_through(batch.step, ctx, batch.report, converted)
    deletes.refused_as_deleted(batch.step, ctx, batch.report, batch.sobject,
                               [(a.write.sf_id, a.result) for a in answers if not a.creating])
    return Settled(links)


def linked_id(answer: Answer) -> str:
    """The Id a write that went through links its person to."""
    return answer.result.id or answer.write.sf_id or ""


def _settle_one(batch: Batch, answer: Answer) -> str | None:
    """The answer logged; the Id to link to, when it went through."""
    ctx, report = batch.ctx, batch.report
    write, result = answer.write, answer.result
    if not result.success:
        code = result.error_code or "ERROR"
        if code == "ENTITY_IS_DELETED":  # a delete arriving late (deletes.refused_as_deleted)
            ctx.recorder.log(report, SKIPPED, sf_id=write.sf_id or "", plx_id=write.plx_id,
                             label=write.label, code=deletes.CODE,
                             message="Not updated: the record was deleted in Salesforce")
        elif code == "CANNOT_UPDATE_CONVERTED_LEAD":
            ctx.recorder.log(report, SKIPPED, sf_id=write.sf_id or "", plx_id=write.plx_id,
                             label=write.label, code=code,
                             message="Not updated: this lead was converted, and Salesforce does "
                                     "not allow changes to converted leads; the contact it "
                                     "became is synced instead")
        else:
            ctx.recorder.log(report, FAILED, sf_id=write.sf_id or "", plx_id=write.plx_id,
                             label=write.label, code=code,
                             message=refusal(result, ctx.queries.record_url))
        return None
    sf_id = linked_id(answer)
    created = answer.creating and (result.created or batch.in_flight.was_creating(write.plx_id)
                                   or not write.sf_id)
    note = "; ".join(write.warnings)
    what = "Created" if created else \
        f"Updated {', '.join(sorted(sf_row(write.changes)) or ['links'])} in"
    ctx.recorder.log(report, CREATED if created else UPDATED, sf_id=sf_id, plx_id=write.plx_id,
                     label=write.label,
                     message=f"{what} Salesforce" + (f" ({note})" if note else ""))
    return sf_id


def commit(batch: Batch, settled: Settled, outbox_ids: list[int], told: Told) -> None:
    """The batch in one transaction (links, log, cursor, outbox), once PeopleLinx was told each
    person's new Salesforce link (on the worker thread, after the Salesforce writes).

    In this order so that a crash between the two loses nothing: the person knows the link
    and the store does not yet, so the next run reads them again (the write-back moved their
    updated_at, and the cursor did not move) and links them to the record its upsert finds by
    PeopleLinx_Id__c. The other way round, a link committed before a write-back that never
    landed would leave the person without it for good: nothing would read them again."""
    if batch.horizon is not None:
        batch.horizon.note(told.done)
    if told.error is not None:
        raise told.error  # a write-back that failed fails the step here, in its turn
    batch.ctx.recorder.commit(batch.report, links=settled.links, cursor=batch.cursor,
                              done=outbox_ids)


def _link(batch: Batch, write: PersonWrite, sf_id: str) -> RecordLink:
    sf_values = {k: v for k, v in write.values.items() if k != "AccountId"}
    return RecordLink(sf_id=sf_id, sf_object=batch.sobject, plx_id=write.plx_id,
                      plx_object="person", step_uid=batch.step.uid,
                      email=write.person.get("email") or "", sf_values=sf_values,
                      plx_values=write.plx_values, sf_url=batch.record_url(sf_id))


def tell_peoplelinx(batch: Batch, unchanged: list[PersonWrite]
                    ) -> Callable[[list[Answer]], Told]:
    """The write-back, for the worker thread: each person written (or matched and already equal)
    given their Salesforce link (and URL) where it is new, MAX_BATCH a call, up to the pool's
    size at once (Tuning.write_backs_in_flight). Only HTTP: the record URLs' instance is asked
    for here, on the run's thread."""
    plx, pool, sobject = batch.ctx.services.plx, batch.tell_pool, batch.sobject
    slot = "salesforce_contact_id" if sobject == "Contact" else "salesforce_lead_id"
    url_base = batch.record_url("")  # the instance's address, then the record's Id

    def tell(answers: list[Answer]) -> Told:
        items, stamps = [], []
        written = [(w, w.sf_id) for w in unchanged if w.sf_id]
        written += [(a.write, linked_id(a)) for a in answers if a.result.success]
        for write, sf_id in written:
            person = write.person
            if person.get(slot) == sf_id:
                continue
            body: dict[str, Any] = {slot: sf_id}
            if sobject == "Contact" or not person.get("salesforce_contact_id"):
                body |= {"salesforce_id": sf_id, "salesforce_object": sobject,
                         "salesforce_url": url_base + sf_id}
            items.append(BatchItem("update", body, id=write.plx_id))
            stamps.append(str(person.get("updated_at") or ""))
        chunks = [(items[i:i + MAX_BATCH], stamps[i:i + MAX_BATCH])
                  for i in range(0, len(items), MAX_BATCH)]

        def send(chunk: list[BatchItem], read_at: list[str]) -> list[tuple[str, str | None]]:
            # Only the stamps are kept of the answers: not 500 whole people per call in flight.
            return list(zip(read_at, map(written_at, plx.batch_people(chunk)), strict=True))

        sends = [pool.submit(send, *chunk) if pool and len(chunks) > 1 else chunk
                 for chunk in chunks]
        told = Told([])
        for sent in sends:
            try:
                stamped = sent.result() if isinstance(sent, Future) else send(*sent)
            except Exception as exc:  # noqa: BLE001 - raised in the batch's turn (commit)
                told.error = told.error or exc
                continue
            if told.error is None:  # the horizon learns from the write-backs before a failure
                told.done.extend(stamped)
        return told

    return tell
