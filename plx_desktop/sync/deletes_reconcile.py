"""Deletes that queryAll no longer shows: the delete log, and reconciling when it was purged.

queryAll sees a deleted record until the Recycle Bin is emptied (by an admin, or after about 15
days); after that a record deleted between two polls is gone without a trace in the changes.
So, at most once an hour (and after any longer pause), a Salesforce-sourced step asks the
object's delete log (sObject Get Deleted) for the time since its last check and handles the
linked ids it names. When the log no longer reaches back that far (INVALID_REPLICATION_DATE:
purged, or more than 15 days), every linked id of the object is read with an `Id IN` queryAll
instead: one that is missing was deleted for good, one with IsDeleted was deleted or merged.
A normal poll costs nothing more; the check costs one call, the reconcile one query per 200
linked records.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from plx_desktop.connectors.errors import RequestError
from plx_desktop.connectors.salesforce import to_json_value
from plx_desktop.domain import Step
from plx_desktop.domain.datetimes import parse_datetime
from plx_desktop.sync import deletes
from plx_desktop.sync.context import RunContext, StepReport

CHECK_EVERY = timedelta(hours=1)
INVALID_REPLICATION_DATE = "INVALID_REPLICATION_DATE"


def cursor_key(step: Step) -> str:
    return f"{step.uid}:delete-log"


def check(step: Step, ctx: RunContext, report: StepReport) -> None:
    sobject = step.source.name
    now = ctx.services.sf.server_time or datetime.now(UTC)
    last_text = ctx.services.store.cursors.get(cursor_key(step))
    if last_text is not None:
        last = parse_datetime(last_text)
        if now - last < CHECK_EVERY:
            return
        try:
            named = ctx.services.sf.deleted_ids(sobject, last, now)
        except RequestError as exc:
            if exc.code != INVALID_REPLICATION_DATE:
                raise
            named = None
        linked = ctx.services.store.links.person_ids_of(sobject)
        if named is not None:
            wanted = set(named)
            linked = [sf_id for sf_id in linked if sf_id in wanted]
        if linked:
            ctx.run.check_cancel()
            deletes.gone_on_write(step, ctx, report, sobject, linked, commit=True)
    ctx.recorder.write(lambda store: store.cursors.set(cursor_key(step), str(to_json_value(now))),
                       None)
