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
from plx_desktop.sync.salesforce_matching import PersonWrite, sf_value
from plx_desktop.sync.values import ACCOUNT_NAME, changed, salesforce_wins_conflict

_BLANK = (None, "")


def apply_rules(step: Step, ctx: RunContext, report: StepReport, writes: list[PersonWrite],
                mappings: list[FieldMapping]) -> None:
    """Adjust the values about to be written to linked records by the mappings' sync rules."""
    linked = [w for w in writes if w.sf_id and w.known]
    if not linked:
        return
    rules = {m.salesforce_field: m.sync_rule for m in mappings}
    for write in linked:
        for field_name, rule in rules.items():
            if (rule is SyncRule.PREFER_SALESFORCE_UNLESS_BLANK and field_name in write.values
                    and write.known.get(field_name) not in _BLANK):
                write.values[field_name] = write.known[field_name]
    reverse = ctx.reverse_step(step)
    if reverse is None or reverse.uid in ctx.steps_run:
        return  # what the links know of Salesforce is as fresh as it gets
    updating = [w for w in linked if changed(w.values, w.known)]
    if updating:
        _settle_with_salesforce(step, ctx, report, updating, rules)


def _settle_with_salesforce(step: Step, ctx: RunContext, report: StepReport,
                            writes: list[PersonWrite], rules: dict[str, SyncRule]) -> None:
    sobject = step.target.name
    fields = sorted({k for w in writes for k in w.values if k != "AccountId"})
    select = ", ".join(dict.fromkeys(["Id", "LastModifiedDate", *fields]))
    current: dict[str, dict[str, Any]] = {}
    ids = sorted({w.sf_id for w in writes if w.sf_id})
    for page in ctx.sf.iter_query_in(f"SELECT {select} FROM {sobject} WHERE Id IN {{}}", ids):
        current.update((r["Id"], r) for r in page)
    for write in writes:
        record = current.get(write.sf_id or "")
        if record is None:
            continue
        sf_time = parse_datetime(record["LastModifiedDate"])
        plx_time = parse_datetime(write.person["updated_at"])
        for key, value in changed(write.values, write.known).items():
            if key == "AccountId":
                continue
            now = sf_value(record, key)
            known = write.known.get(key)
            if now == known or now == value:
                continue
            rule = rules.get(key, SyncRule.TWO_WAY)
            salesforce_wins = salesforce_wins_conflict(rule, now, sf_time, plx_time)
            ctx.conflict(report, sf_id=write.sf_id or "", plx_id=write.person["id"],
                         label=write.label, field=key, salesforce_value=now,
                         peoplelinx_value=value, salesforce_time=sf_time,
                         peoplelinx_time=plx_time, salesforce_wins=salesforce_wins, rule=rule)
            if salesforce_wins:
                # Leave Salesforce's value; the link keeps the old one, so the step that
                # carries Salesforce changes into People still sees it as a change.
                write.values[key] = known
                if key == ACCOUNT_NAME:
                    write.values.pop("AccountId", None)
