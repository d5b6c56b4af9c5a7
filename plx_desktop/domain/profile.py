"""Integration profiles: the read-only Default profile and the admin's Custom profile.

Every edit goes through a Profile method, so the Default profile's read-only rule holds whatever
the caller is (GUI, CLI import, tests). Listeners hear about each change after it is made, which is
what a Qt list model needs to announce rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from plx_desktop.domain.actions import AddToSequence
from plx_desktop.domain.catalog import STEP_KINDS, StepKind, step_kind
from plx_desktop.domain.errors import (
    InvalidAction,
    InvalidFilter,
    InvalidMapping,
    InvalidStep,
    ReadOnlyProfile,
    UnknownStep,
)
from plx_desktop.domain.filters import FilterRule, SavedFilter
from plx_desktop.domain.mapping import FieldMapping, SyncRule
from plx_desktop.domain.step import Step, new_step, new_uid, switched


class ProfileKind(StrEnum):
    DEFAULT = "default"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return "Default profile" if self is ProfileKind.DEFAULT else "Custom profile"


@dataclass(frozen=True)
class ProfileChange:
    """What changed: "inserted" / "removed" / "changed" at `index`, or "moved" from index to `to`."""

    what: str
    index: int
    to: int | None = None


Listener = Callable[[ProfileChange], None]


class Profile:
    """An ordered list of steps, with the editing operations the Integrations page offers."""

    def __init__(self, kind: ProfileKind, steps: Iterable[Step] = ()):
        self.kind = kind
        self._steps: list[Step] = list(steps)
        self._listeners: list[Listener] = []

    # -- reading -------------------------------------------------------------------------------

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(self._steps)

    @property
    def read_only(self) -> bool:
        return self.kind is ProfileKind.DEFAULT

    @property
    def label(self) -> str:
        return self.kind.label

    def step(self, uid: str) -> Step:
        return self._steps[self.index_of(uid)]

    def index_of(self, uid: str) -> int:
        for index, step in enumerate(self._steps):
            if step.uid == uid:
                return index
        raise UnknownStep(f"no step '{uid}' in the {self.label}")

    def enabled_steps(self) -> tuple[Step, ...]:
        return tuple(step for step in self._steps if step.enabled)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Profile) and (self.kind, self._steps) == (other.kind, other._steps)

    def __repr__(self) -> str:
        return f"Profile({self.kind.value}, {len(self._steps)} steps)"

    def copy(self) -> Profile:
        """The same steps in a new profile object (listeners are not copied)."""
        return Profile(self.kind, self._steps)

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    # -- editing the list ---------------------------------------------------------------------

    def add_step(self, kind: StepKind | str, index: int | None = None) -> Step:
        """A new step of `kind` at `index` (default: the end), with its preset settings."""
        self.require_editable("Adding a step")
        step = new_step(step_kind(kind) if isinstance(kind, str) else kind)
        return self._insert(step, index)

    def clone_step(self, uid: str) -> Step:
        """A copy right below the original: mappings, filters and actions come along; new uid."""
        self.require_editable("Cloning a step")
        index = self.index_of(uid)
        return self._insert(replace(self._steps[index], uid=new_uid()), index + 1)

    def remove_step(self, uid: str) -> Step:
        self.require_editable("Removing a step")
        index = self.index_of(uid)
        step = self._steps.pop(index)
        self._emit(ProfileChange("removed", index))
        return step

    def restore_step(self, step: Step, index: int) -> Step:
        """Put a removed step back (Undo): the same step, uid and all, so its cursor and its
        links still belong to it."""
        self.require_editable("Restoring a step")
        if any(s.uid == step.uid for s in self._steps):
            raise InvalidStep(f"{step.label} is already in the profile")
        return self._insert(step, index)

    def move_step(self, uid: str, to_index: int) -> None:
        """Move a step so that it ends at `to_index` (clamped to the list)."""
        self.require_editable("Moving a step")
        index = self.index_of(uid)
        to_index = max(0, min(to_index, len(self._steps) - 1))
        if to_index == index:
            return
        self._steps.insert(to_index, self._steps.pop(index))
        self._emit(ProfileChange("moved", index, to_index))

    def switch_direction(self, uid: str) -> tuple[Step, list[str]]:
        """Flip the step's direction (e.g. Contact → People becomes People → Contact).

        Returns the new step (new uid) and what could not come along; `direction_switch_losses`
        tells the same beforehand, for a confirmation.
        """
        self.require_editable("Switching a step's direction")
        index = self.index_of(uid)
        step, dropped = switched(self._steps[index])
        self._steps[index] = step
        self._emit(ProfileChange("changed", index))
        return step, dropped

    def direction_switch_losses(self, uid: str) -> list[str]:
        return switched(self.step(uid))[1]

    def set_enabled(self, uid: str, enabled: bool) -> Step:
        self.require_editable("Turning a step off" if not enabled else "Turning a step on")
        return self._update(uid, lambda s: replace(s, enabled=bool(enabled)))

    def rename_step(self, uid: str, name: str) -> Step:
        """Give a step the admin's name ("" gives it back its kind's label)."""
        self.require_editable("Renaming a step")
        return self._update(uid, lambda s: s.with_name(name))

    def replace_step(self, uid: str, step: Step) -> Step:
        """Put an edited copy of a step in its place, in one change (the settings dialog's Save).

        The uid and the kind must stay those of the step replaced (switch_direction changes the
        kind); every setting is checked against the kind first, so a refusal changes nothing.
        """
        self.require_editable("Changing a step")

        def change(current: Step) -> Step:
            if step.uid != current.uid:
                raise InvalidStep(f"the edited step is '{step.uid}', not '{current.uid}'")
            if step.kind != current.kind:
                raise InvalidStep(f"{current.label} cannot become {step.label}; switch its "
                                  "direction or add a new step instead")
            checked = (step.with_mappings(step.mappings).with_filter_rules(step.filter_rules)
                       .with_saved_filter(step.saved_filter).with_actions(step.actions))
            if step.status_map or step.kind.is_status_step:
                checked = checked.with_status_map(dict(step.status_map))
            return checked

        return self._update(uid, change)

    # -- field mappings ---------------------------------------------------------------------

    def set_mappings(self, uid: str, mappings: Iterable[FieldMapping]) -> Step:
        """Replace all mappings at once (the dialog's Save); mandatory ones must be among them."""
        self.require_editable("Changing field mappings")
        mappings = tuple(mappings)
        return self._update(uid, lambda s: s.with_mappings(mappings))

    def add_mapping(self, uid: str, mapping: FieldMapping) -> Step:
        self.require_editable("Adding a field mapping")
        return self._update(uid, lambda s: s.with_mappings((*s.mappings, mapping)))

    def replace_mapping(self, uid: str, index: int, mapping: FieldMapping) -> Step:
        self.require_editable("Changing a field mapping")

        def change(step: Step) -> Step:
            old = _at(step.mappings, index, "mapping")
            if old.mandatory and not old.same_fields(mapping):
                raise InvalidMapping(f"{old.peoplelinx_field} ↔ {old.salesforce_field} is "
                                     f"mandatory for {step.label} and cannot be changed")
            return step.with_mappings(_replaced(step.mappings, index, mapping))

        return self._update(uid, change)

    def set_sync_rule(self, uid: str, index: int, rule: SyncRule) -> Step:
        self.require_editable("Changing a field's sync rule")
        return self._update(uid, lambda s: s.with_mappings(_replaced(
            s.mappings, index, replace(_at(s.mappings, index, "mapping"), sync_rule=SyncRule(rule)))))

    def remove_mapping(self, uid: str, index: int) -> Step:
        self.require_editable("Removing a field mapping")

        def change(step: Step) -> Step:
            old = _at(step.mappings, index, "mapping")
            if old.mandatory:
                raise InvalidMapping(f"{old.peoplelinx_field} ↔ {old.salesforce_field} is "
                                     f"mandatory for {step.label} and cannot be removed")
            return step.with_mappings(step.mappings[:index] + step.mappings[index + 1:])

        return self._update(uid, change)

    # -- filtering rules and saved filters ---------------------------------------------------

    def set_filter_rules(self, uid: str, rules: Iterable[FilterRule]) -> Step:
        self.require_editable("Changing filtering rules")
        rules = tuple(rules)
        return self._update(uid, lambda s: s.with_filter_rules(rules))

    def add_filter_rule(self, uid: str, rule: FilterRule) -> Step:
        self.require_editable("Adding a filtering rule")
        return self._update(uid, lambda s: s.with_filter_rules((*s.filter_rules, rule)))

    def remove_filter_rule(self, uid: str, index: int) -> Step:
        self.require_editable("Removing a filtering rule")

        def change(step: Step) -> Step:
            _at(step.filter_rules, index, "filtering rule")
            return step.with_filter_rules(step.filter_rules[:index] + step.filter_rules[index + 1:])

        return self._update(uid, change)

    def load_filter(self, uid: str, saved: SavedFilter) -> Step:
        """Use a saved People filter for a PeopleLinx → Salesforce step (Load filter)."""
        self.require_editable("Loading a filter")
        return self._update(uid, lambda s: s.with_saved_filter(saved))

    def clear_filter(self, uid: str) -> Step:
        self.require_editable("Clearing the filter")
        return self._update(uid, lambda s: s.with_saved_filter(None))

    # -- actions ------------------------------------------------------------------------------

    def add_action(self, uid: str, action: AddToSequence) -> Step:
        self.require_editable("Adding an action")
        return self._update(uid, lambda s: s.with_actions((*s.actions, action)))

    def remove_action(self, uid: str, index: int) -> Step:
        self.require_editable("Removing an action")

        def change(step: Step) -> Step:
            _at(step.actions, index, "action")
            return step.with_actions(step.actions[:index] + step.actions[index + 1:])

        return self._update(uid, change)

    def set_exclude_updated(self, uid: str, index: int, exclude: bool) -> Step:
        """The Exclude updated from action slider."""
        self.require_editable("Changing an action")
        return self._update(uid, lambda s: s.with_actions(_replaced(
            s.actions, index, replace(_at(s.actions, index, "action"), exclude_updated=exclude))))

    # -- status value maps ------------------------------------------------------------------

    def set_status_map(self, uid: str, values: Mapping[str, str]) -> Step:
        """Replace the status value map (PeopleLinx value -> Lead Status); missing values leave
        the lead's status unchanged."""
        self.require_editable("Changing status values")
        values = dict(values)
        return self._update(uid, lambda s: s.with_status_map(values))

    def set_status_value(self, uid: str, source: str, lead_status: str | None) -> Step:
        """Map one PeopleLinx value to a Lead Status (None: leave the status unchanged)."""
        self.require_editable("Changing status values")

        def change(step: Step) -> Step:
            values = step.status_values()
            if lead_status is None:
                values.pop(source, None)
            else:
                values[source] = lead_status
            return step.with_status_map(values)

        return self._update(uid, change)

    # -- internals ----------------------------------------------------------------------------

    def require_editable(self, what: str) -> None:
        """Raise ReadOnlyProfile naming `what` when the profile is the read-only Default one.

        For callers that want to refuse an edit before they start it (e.g. a drag in the GUI).
        """
        if self.read_only:
            raise ReadOnlyProfile(what)

    def _insert(self, step: Step, index: int | None) -> Step:
        index = len(self._steps) if index is None else max(0, min(index, len(self._steps)))
        self._steps.insert(index, step)
        self._emit(ProfileChange("inserted", index))
        return step

    def _update(self, uid: str, change: Callable[[Step], Step]) -> Step:
        index = self.index_of(uid)
        step = change(self._steps[index])  # raises before anything changes
        self._steps[index] = step
        self._emit(ProfileChange("changed", index))
        return step

    def _emit(self, change: ProfileChange) -> None:
        for listener in list(self._listeners):
            listener(change)


_Item = TypeVar("_Item")


def _at(items: tuple[_Item, ...], index: int, what: str) -> _Item:
    if not 0 <= index < len(items):
        error = InvalidAction if what == "action" else InvalidFilter if "rule" in what else InvalidMapping
        raise error(f"there is no {what} number {index + 1}")
    return items[index]


def _replaced(items: tuple[_Item, ...], index: int, item: _Item) -> tuple[_Item, ...]:
    return items[:index] + (item,) + items[index + 1:]


def default_profile() -> Profile:
    """The twelve steps, in catalog order, with preset mappings and status values; read-only.

    Uids are "default.<kind key>", stable across versions so the engine's cursors survive.
    """
    return Profile(ProfileKind.DEFAULT, (new_step(kind, f"default.{kind.key}") for kind in STEP_KINDS))


def custom_profile(steps: Iterable[Step] = ()) -> Profile:
    return Profile(ProfileKind.CUSTOM, steps)


def custom_copy_of_default() -> Profile:
    """A Custom profile starting as the Default one (fresh uids), ready to be changed."""
    return custom_profile(replace(step, uid=new_uid()) for step in default_profile().steps)
