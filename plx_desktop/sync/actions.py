"""A step's actions after it writes People: Add to sequence (with Exclude updated from action).

The people to add are put in the outbox in the same transaction that records the batch, then
sent; an add that a crash interrupted is sent again at the step's next run. Adding someone who is
already in the sequence is not an error, so sending twice is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from plx_desktop.connectors.errors import RequestError
from plx_desktop.domain import AddToSequence, Step
from plx_desktop.store import OutboxItem, Store
from plx_desktop.sync.context import FAILED, RunContext, StepReport

OPERATION = "add_to_sequence"


@dataclass(frozen=True)
class PlannedAdd:
    action: AddToSequence
    person_ids: tuple[str, ...]


def plan(step: Step, ctx: RunContext, created: list[str], updated: list[str]) -> list[PlannedAdd]:
    """Who goes to which sequence: created people always; updated ones unless excluded."""
    planned = []
    for action in step.actions:
        people = created if action.exclude_updated else created + updated
        if people:
            planned.append(PlannedAdd(action, tuple(dict.fromkeys(people))))
    return planned


def enqueue(step: Step, ctx: RunContext, planned: list[PlannedAdd], store: Store) -> None:
    """Put the planned adds in the outbox (the batch's commit calls this, as `also`)."""
    items = [OutboxItem(step_uid=step.uid, target_system="peoplelinx", operation=OPERATION,
                        idempotency_key=f"{step.uid}:seq:{p.action.sequence_id}:{ctx.run.run_id}:"
                                        f"{p.person_ids[0]}:{len(p.person_ids)}",
                        payload={"sequence_id": p.action.sequence_id,
                                 "sequence_name": p.action.sequence_name,
                                 "person_ids": list(p.person_ids)},
                        run_id=ctx.run.run_id)
             for p in planned]
    if items:
        store.outbox.enqueue_many(items)


def send(step: Step, ctx: RunContext, report: StepReport, planned: list[PlannedAdd]) -> None:
    """Send this batch's adds (they are in the outbox already); a preview says what it would."""
    for p in planned:
        ctx.recorder.would(report, p.action.sequence_name,
                           f"would add {len(p.person_ids)} people to sequence "
                           f"{p.action.sequence_name}")
    if planned:
        ctx.recorder.write_group()  # the adds are in the outbox once their batch is written
        resend_pending(step, ctx, report)


def resend_pending(step: Step, ctx: RunContext, report: StepReport | None = None) -> None:
    """Send every add of this step still in the outbox, oldest first."""
    for item in ctx.services.store.outbox.pending(step.uid):
        if item.operation != OPERATION or item.id is None:
            continue
        payload = item.payload
        try:
            results = ctx.services.plx.add_to_sequence(payload["sequence_id"], payload["person_ids"])
        except RequestError as exc:
            # The sequence was archived or deleted: say so once, and do not retry forever.
            ctx.recorder.write(partial(_mark_failed, {item.id: exc.reason}), None)
            if report is not None:
                ctx.recorder.log(report, FAILED, code=exc.code or "SEQUENCE", label=payload["sequence_name"],
                                 message=f"Could not add {len(payload['person_ids'])} people to sequence "
                                         f"{payload['sequence_name']}: {exc.reason}")
            continue
        if report is not None:
            for result in results:
                if not result.ok:
                    ctx.recorder.log(report, FAILED, plx_id=result.person_id,
                                     code=result.error.code if result.error else "SEQUENCE",
                                     message=f"Not added to sequence {payload['sequence_name']}: "
                                             + (result.error.message if result.error else "refused"))
        ctx.recorder.write(partial(_mark_done, [item.id]), None)


def _mark_failed(failed: dict[int, str], store: Store) -> None:
    store.outbox.mark_failed(failed)


def _mark_done(ids: list[int], store: Store) -> None:
    store.outbox.mark_done(ids)
