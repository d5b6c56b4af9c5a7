"""Before People → Salesforce updates: each mapping's sync rule, and changes made on both sides.

A Prefer-Salesforce-unless-blank field is filled from PeopleLinx only where Salesforce has it
blank. When the step that carries Salesforce changes into People has not run yet in this run (a
Custom profile may order the People → Salesforce step first), the records about to be updated are
read back in one query, so that a field changed in Salesforce too is settled by the mapping's rule
instead of being overwritten.
"""

from __future__ import annotations

from typing import Any

from plx_desktop.domain import FieldMapping, Step, SyncRule
from plx_desktop.domain.convert import parse_datetime
from plx_desktop.sync.context import RunContext, StepReport
from plx_desktop.sync.person_write import PersonWrite
from plx_desktop.sync.values import ACCOUNT_NAME, changed, salesforce_wins_conflict, sf_get

_BLANK = (None, "")


def apply_rules(step: Step, ctx: RunContext, report: StepReport, writes: list[PersonWrite],
                mappings: list[FieldMapping]) -> list[PersonWrite]:
    """The writes with the values about to go to linked records adjusted by the mappings' sync
    rules (and by Salesforce's own changes, logged as conflicts); in order."""
    rules = {m.salesforce_field: m.sync_rule for m in mappings}
    out = [_prefer_salesforce(w, rules) if w.sf_id and w.known else w for w in writes]
    if not any(w.sf_id and w.known for w in writes):
        return out
    reverse = ctx.queries.reverse_step(step)
    if reverse is None or reverse.uid in ctx.run.steps_run:
        return out  # what the links know of Salesforce is as fresh as it gets
    updating = [i for i, w in enumerate(out) if w.sf_id and w.known and changed(w.values, w.known)]
    if updating:
        settled = _settle_with_salesforce(step, ctx, report, [out[i] for i in updating], rules)
        for i, write in zip(updating, settled, strict=True):
            out[i] = write
    return out


def _prefer_salesforce(write: PersonWrite, rules: dict[str, SyncRule]) -> PersonWrite:
    """Prefer Salesforce unless blank: Salesforce's value stays where it has one."""
    kept = {name: write.known[name] for name, rule in rules.items()
            if rule is SyncRule.PREFER_SALESFORCE_UNLESS_BLANK and name in write.values
            and write.known.get(name) not in _BLANK}
    return write.updated(values={**write.values, **kept}) if kept else write


def _settle_with_salesforce(step: Step, ctx: RunContext, report: StepReport,
                            writes: list[PersonWrite], rules: dict[str, SyncRule]
                            ) -> list[PersonWrite]:
    sobject = step.target.name
    fields = sorted({k for w in writes for k in w.values if k != "AccountId"})
    select = ", ".join(dict.fromkeys(["Id", "LastModifiedDate", *fields]))
    current: dict[str, dict[str, Any]] = {}
    ids = sorted({w.sf_id for w in writes if w.sf_id})
    for page in ctx.services.sf.iter_query_in(f"SELECT {select} FROM {sobject} WHERE Id IN {{}}",
                                              ids):
        current.update((r["Id"], r) for r in page)
    out = []
    for write in writes:
        record = current.get(write.sf_id or "")
        out.append(write if record is None else _settle_one(ctx, report, write, record, rules))
    return out


def _settle_one(ctx: RunContext, report: StepReport, write: PersonWrite, record: dict[str, Any],
                rules: dict[str, SyncRule]) -> PersonWrite:
    """One record's fields changed on both sides: each kept by its rule, and logged."""
    sf_time = parse_datetime(record["LastModifiedDate"])
    plx_time = parse_datetime(write.person["updated_at"])
    values = dict(write.values)
    for key, value in changed(write.values, write.known).items():
        if key == "AccountId":
            continue
        now = sf_get(record, key)
        known = write.known.get(key)
        if now == known or now == value:
            continue
        rule = rules.get(key, SyncRule.TWO_WAY)
        salesforce_wins = salesforce_wins_conflict(rule, now, sf_time, plx_time)
        ctx.recorder.conflict(report, sf_id=write.sf_id or "", plx_id=write.plx_id,
                              label=write.label, field=key, salesforce_value=now,
                              peoplelinx_value=value, salesforce_time=sf_time,
                              peoplelinx_time=plx_time, salesforce_wins=salesforce_wins,
                              rule=rule)
        if salesforce_wins:
            # Leave Salesforce's value; the link keeps the old one, so the step that
            # carries Salesforce changes into People still sees it as a change.
            values[key] = known
            if key == ACCOUNT_NAME:
                values.pop("AccountId", None)
    return write.updated(values=values)
