"""How the engine's writes meet the org's own rules: lead assignment and duplicate rules.

Updates never run assignment rules (the connector sends `Sforce-Auto-Assign: FALSE` on every
update), so syncing a status or a name never hands a lead to another owner. New leads run the
org's active lead assignment rule when "Run lead assignment rules on new leads" is on (the
default): Collections creates send `Sforce-Auto-Assign: TRUE`, and a Bulk API 2.0 job names the
active rule (`assignmentRuleId`), since a bulk job runs none unless told. With "Save past duplicate
rules that allow it", creates send `Sforce-Duplicate-Rule-Header: allowSave=true`.
"""

from __future__ import annotations

from dataclasses import dataclass

from plx_desktop.store.settings import DUPLICATE_RULES_ALLOW_SAVE, RUN_LEAD_ASSIGNMENT_RULES
from plx_desktop.sync.context import RunContext

_NO_RULE = ""


@dataclass(frozen=True)
class CreateRules:
    assign: bool
    allow_duplicates: bool


def create_rules(ctx: RunContext, sobject: str) -> CreateRules:
    settings = ctx.services.store.settings
    return CreateRules(
        assign=sobject == "Lead" and bool(settings.get(RUN_LEAD_ASSIGNMENT_RULES)),
        allow_duplicates=bool(settings.get(DUPLICATE_RULES_ALLOW_SAVE)))


def bulk_assignment_rule(ctx: RunContext, sobject: str) -> str | None:
    """The id of the org's active lead assignment rule, for a bulk job that creates leads (None:
    no rule to run, or the setting is off). Read once a run."""
    if not create_rules(ctx, sobject).assign:
        return None
    cache = ctx.run.cache
    if "lead_assignment_rule" not in cache:
        records = [r for page in ctx.services.sf.iter_query(
            "SELECT Id FROM AssignmentRule WHERE SobjectType = 'Lead' AND Active = true LIMIT 1")
            for r in page]
        cache["lead_assignment_rule"] = records[0]["Id"] if records else _NO_RULE
    return cache["lead_assignment_rule"] or None
