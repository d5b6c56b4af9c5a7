"""Config history in words: what changed between two saved versions of a profile.

Steps are matched by uid. Switching a step's direction gives it a new uid, so a removed step and
an added step of the reversed kind at the same position are told as one "direction switched".
Moves are the steps outside the longest run kept in order, so adding a step on top does not read
as every other step moving.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from plx_desktop.domain.filters import FilterRule, Operator
from plx_desktop.domain.mapping import FieldMapping
from plx_desktop.domain.profile import Profile
from plx_desktop.domain.profile_file import profile_from_document
from plx_desktop.domain.step import Step
from plx_desktop.domain.sync_rules import sync_rule_label


def diff_documents(old: str | dict[str, Any] | None, new: str | dict[str, Any]) -> list[str]:
    """The changes from `old` to `new` (export documents, as JSON text or data), one line each.
    `old` None: the first version."""
    after = _profile(new)
    if old is None:
        return [f"First saved version ({_count(len(after.steps), 'step')})"]
    return diff_profiles(_profile(old), after)


def summary(changes: list[str]) -> str:
    """One line for a version list: the first change, and how many more."""
    if not changes:
        return "No change"
    more = len(changes) - 1
    return changes[0] + (f" (and {_count(more, 'more change')})" if more else "")


def diff_profiles(old: Profile, new: Profile) -> list[str]:
    before = {s.uid: (i, s) for i, s in enumerate(old.steps)}
    after = {s.uid: (i, s) for i, s in enumerate(new.steps)}
    removed = [uid for uid in before if uid not in after]
    added = [uid for uid in after if uid not in before]
    changes: list[str] = []
    for uid in list(removed):  # a switch: the same place, the reversed kind, a new uid
        index, step = before[uid]
        twin = next((a for a in added if after[a][0] == index
                     and step.kind.reverse_key == after[a][1].kind.key), None)
        if twin is not None:
            removed.remove(uid)
            added.remove(twin)
            changes.append(f"{_name(old, step)}: direction switched (now {after[twin][1].label})")
            changes += _step_changes(_name(new, after[twin][1]), step, after[twin][1],
                                     ignore_mappings=True)
    changes += [f"Removed step {_name(old, before[uid][1])} (was at position {before[uid][0] + 1})"
                for uid in removed]
    changes += [f"Added step {after[uid][1].label} at position {after[uid][0] + 1}"
                for uid in added]
    kept_old = [s.uid for s in old.steps if s.uid in after]
    kept_new = [s.uid for s in new.steps if s.uid in before]
    in_order = _longest_common_run(kept_old, kept_new)
    for uid in kept_new:
        if uid not in in_order:
            changes.append(f"Step {before[uid][0] + 1} ({before[uid][1].label}) moved to "
                           f"position {after[uid][0] + 1}")
    for uid in kept_new:
        changes += _step_changes(_name(new, after[uid][1]), before[uid][1], after[uid][1])
    return changes


def _step_changes(name: str, old: Step, new: Step, *, ignore_mappings: bool = False) -> list[str]:
    out: list[str] = []
    if old.enabled != new.enabled:
        out.append(f"{name}: turned {'on' if new.enabled else 'off'}")
    if not ignore_mappings:
        out += _mapping_changes(name, old.mappings, new.mappings)
    out += [f"{name}: filter rule {_rule(r)} removed" for r in _minus(old.filter_rules,
                                                                       new.filter_rules)]
    out += [f"{name}: filter rule {_rule(r)} added" for r in _minus(new.filter_rules,
                                                                     old.filter_rules)]
    if new.saved_filter and new.saved_filter != old.saved_filter:
        out.append(f"{name}: saved filter {new.saved_filter.name} loaded")
    elif old.saved_filter and not new.saved_filter:
        out.append(f"{name}: saved filter {old.saved_filter.name} cleared")
    old_actions = {a.sequence_id: a for a in old.actions}
    new_actions = {a.sequence_id: a for a in new.actions}
    for key, action in old_actions.items():
        if key not in new_actions:
            out.append(f"{name}: action Add to sequence {action.sequence_name} removed")
        elif new_actions[key].exclude_updated != action.exclude_updated:
            state = "on" if new_actions[key].exclude_updated else "off"
            out.append(f"{name}: Add to sequence {action.sequence_name}: Exclude updated from "
                       f"action turned {state}")
    out += [f"{name}: action Add to sequence {a.sequence_name} added"
            for key, a in new_actions.items() if key not in old_actions]
    old_status, new_status = old.status_values(), new.status_values()
    for value in dict.fromkeys([*old_status, *new_status]):
        if old_status.get(value) != new_status.get(value):
            target = new_status.get(value) or "leave the Lead Status unchanged"
            out.append(f"{name}: status value {value} now maps to {target}")
    return out


def _mapping_changes(name: str, old: tuple[FieldMapping, ...],
                     new: tuple[FieldMapping, ...]) -> list[str]:
    def key(m: FieldMapping) -> tuple[str, str]:
        return m.salesforce_field, m.peoplelinx_field

    before, after = {key(m): m for m in old}, {key(m): m for m in new}
    out = [f"{name}: mapping {_pair(m)} removed" for k, m in before.items() if k not in after]
    out += [f"{name}: mapping {_pair(m)} added" for k, m in after.items() if k not in before]
    for k, m in after.items():
        if k in before and before[k].sync_rule != m.sync_rule:
            out.append(f"{name}: {_pair(m)} sync rule {sync_rule_label(before[k].sync_rule)} → "
                       f"{sync_rule_label(m.sync_rule)}")
    return out


def _profile(document: str | dict[str, Any]) -> Profile:
    return profile_from_document(json.loads(document) if isinstance(document, str) else document)


def _name(profile: Profile, step: Step) -> str:
    """The step's label, with its position when the profile has several of its kind."""
    if sum(s.kind == step.kind for s in profile.steps) > 1:
        return f"{step.label} (step {profile.index_of(step.uid) + 1})"
    return step.label


def _pair(m: FieldMapping) -> str:
    return f"{m.salesforce_field} ↔ {m.peoplelinx_field}"


def _rule(rule: FilterRule) -> str:
    if rule.operator in (Operator.IS_EMPTY, Operator.IS_NOT_EMPTY):
        return f"{rule.field} {rule.operator.label}"
    return f"{rule.field} {rule.operator.label} {rule.value}"


_Item = TypeVar("_Item")


def _minus(items: tuple[_Item, ...], others: tuple[_Item, ...]) -> list[_Item]:
    rest = list(others)
    out: list[_Item] = []
    for item in items:
        if item in rest:
            rest.remove(item)
        else:
            out.append(item)
    return out


def _longest_common_run(a: list[str], b: list[str]) -> set[str]:
    """The uids of a longest common subsequence of two orderings (the steps that kept their order)."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            table[i][j] = (table[i + 1][j + 1] + 1 if a[i] == b[j]
                           else max(table[i + 1][j], table[i][j + 1]))
    keep, i, j = set(), 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            keep.add(a[i])
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return keep


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
