"""How the per-field sync rules are named to the admin, and which steps offer a choice of rule."""

from __future__ import annotations

from plx_desktop.domain.mapping import SyncRule
from plx_desktop.domain.step import Step

SYNC_RULE_LABELS: dict[SyncRule, str] = {
    SyncRule.TWO_WAY: "Two-way (most recent wins)",
    SyncRule.PREFER_SALESFORCE_UNLESS_BLANK: "Prefer Salesforce unless blank",
    SyncRule.ALWAYS_SALESFORCE: "Always use Salesforce",
    SyncRule.ALWAYS_PEOPLELINX: "Always use PeopleLinx",
    SyncRule.DONT_SYNC: "Don't sync",
}
SYNC_RULE_TIPS: dict[SyncRule, str] = {
    SyncRule.TWO_WAY: "Changes flow both ways; when both sides changed, the most recent wins",
    SyncRule.PREFER_SALESFORCE_UNLESS_BLANK: "Salesforce's value wins unless it is blank",
    SyncRule.ALWAYS_SALESFORCE: "Salesforce is the master: PeopleLinx never writes this field",
    SyncRule.ALWAYS_PEOPLELINX: "PeopleLinx is the master: Salesforce never writes this field",
    SyncRule.DONT_SYNC: "This field is not synced in either direction",
}


def sync_rule_label(rule: SyncRule | str) -> str:
    return SYNC_RULE_LABELS[SyncRule(rule)]


def has_sync_rules(step: Step) -> bool:
    """Contact/Lead ↔ People steps: their fields can flow both ways, so each mapping has a rule."""
    names = {step.source.name, step.target.name}
    return "person" in names and bool(names & {"Contact", "Lead"})
