"""A sync step: a kind plus the admin's settings (mappings, filters, actions, status values).

Steps are immutable; each `with_*` method checks the change against the kind's rules and returns
a new step with the same uid. A Profile applies them, which is where read-only is enforced.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from plx_desktop.domain.actions import AddToSequence
from plx_desktop.domain.catalog import Direction, StepKind, StepObject
from plx_desktop.domain.errors import (
    DomainError,
    InvalidAction,
    InvalidFilter,
    InvalidMapping,
    InvalidStatusMap,
    InvalidStep,
)
from plx_desktop.domain.filters import FilterRule, SavedFilter, compile_soql_where
from plx_desktop.domain.mapping import FieldMapping

MAX_NAME = 80


def checked_name(name: str) -> str:
    """A step name as kept: trimmed, on one line, at most MAX_NAME characters; "" clears it."""
    name = " ".join(str(name or "").split())
    if len(name) > MAX_NAME:
        raise InvalidStep(f"A step name has at most {MAX_NAME} characters ({len(name)} given)")
    return name


def new_uid() -> str:
    """A fresh step uid (the engine keys cursors and links on it, so it never changes)."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Step:
    uid: str
    kind: StepKind
    enabled: bool = True
    mappings: tuple[FieldMapping, ...] = ()
    filter_rules: tuple[FilterRule, ...] = ()
    saved_filter: SavedFilter | None = None
    actions: tuple[AddToSequence, ...] = ()
    status_map: tuple[tuple[str, str], ...] = field(default=())  # source value -> Lead Status
    name: str = ""  # the admin's name for the step ("" : its kind's label)

    @property
    def label(self) -> str:
        """How the step is called everywhere (the list, the Log, Sync health): its name, else
        its kind's label (step_names.distinct_labels tells unnamed namesakes apart)."""
        return self.name or self.kind.label

    def with_name(self, name: str) -> Step:
        return replace(self, name=checked_name(name))

    @property
    def direction(self) -> Direction:
        return self.kind.direction

    @property
    def source(self) -> StepObject:
        return self.kind.source

    @property
    def target(self) -> StepObject:
        return self.kind.target

    @property
    def to_salesforce(self) -> bool:
        return self.direction is Direction.PEOPLELINX_TO_SALESFORCE

    def status_values(self) -> dict[str, str]:
        """The status value map as a dict (PeopleLinx value -> Lead Status)."""
        return dict(self.status_map)

    def soql_where(self) -> str | None:
        """The filtering rules as a SOQL WHERE fragment (no WHERE keyword); None when unfiltered."""
        return compile_soql_where(self.filter_rules)

    # -- derived steps, each checked ---------------------------------------------------------

    def with_mappings(self, mappings: Iterable[FieldMapping]) -> Step:
        return replace(self, mappings=checked_mappings(self.kind, mappings))

    def with_filter_rules(self, rules: Iterable[FilterRule]) -> Step:
        rules = tuple(rules)
        if rules and not self.kind.filters_with_rules:
            raise InvalidFilter(f"{self.label} reads from PeopleLinx: filter it with a saved "
                                "People filter (Load filter), not with rules.")
        for rule in rules:
            rule.validate()
        return replace(self, filter_rules=rules)

    def with_saved_filter(self, saved: SavedFilter | None) -> Step:
        if saved is not None:
            if not self.kind.filters_with_saved_filter:
                raise InvalidFilter(f"{self.label} reads from Salesforce: filter it with "
                                    "filtering rules; saved People filters apply to PeopleLinx "
                                    "→ Salesforce steps.")
            saved.validate()
        return replace(self, saved_filter=saved)

    def with_actions(self, actions: Iterable[AddToSequence]) -> Step:
        actions = tuple(actions)
        if actions and not self.kind.accepts_actions:
            raise InvalidAction(f"{self.label} does not write People; Add to sequence works on "
                                "steps whose target is People.")
        seen: set[str] = set()
        for action in actions:
            action.validate()
            if action.sequence_id in seen:
                raise InvalidAction(f"the step already adds people to {action.sequence_name}")
            seen.add(action.sequence_id)
        return replace(self, actions=actions)

    def with_status_map(self, values: Mapping[str, str]) -> Step:
        if not self.kind.is_status_step:
            raise InvalidStatusMap(f"{self.label} has no status values to map")
        known = self.kind.status_values
        for source, lead_status in values.items():
            if source not in known:
                raise InvalidStatusMap(f"'{source}' is not a PeopleLinx value for "
                                       f"{self.kind.source.label} (one of: {', '.join(known)})")
            if not str(lead_status).strip():
                raise InvalidStatusMap(f"'{source}' must map to a Lead Status value")
        ordered = tuple((src, values[src]) for src in known if src in values)
        return replace(self, status_map=ordered)

    def validate(self) -> None:
        """Check every setting against the kind (used after loading or importing)."""
        self.with_mappings(self.mappings)
        self.with_filter_rules(self.filter_rules)
        self.with_saved_filter(self.saved_filter)
        self.with_actions(self.actions)
        if self.status_map or self.kind.is_status_step:
            self.with_status_map(dict(self.status_map))


def new_step(kind: StepKind, uid: str | None = None) -> Step:
    """A step of `kind` with its mandatory and preset mappings and preset status values."""
    return Step(uid=uid or new_uid(), kind=kind, mappings=kind.default_mappings,
                status_map=kind.preset_status_map)


def checked_mappings(kind: StepKind, mappings: Iterable[FieldMapping]) -> tuple[FieldMapping, ...]:
    """Mappings validated for `kind`: names, types, no two filling the same target field, every
    mandatory mapping present (and flagged mandatory; others never are)."""
    to_salesforce = kind.direction is Direction.PEOPLELINX_TO_SALESFORCE
    out: list[FieldMapping] = []
    targets: dict[str, FieldMapping] = {}
    for mapping in mappings:
        mapping.validate()
        mapping.check_types(to_salesforce=to_salesforce)
        mandatory = any(mapping.same_fields(m) for m in kind.mandatory_mappings)
        mapping = replace(mapping, mandatory=mandatory)
        target = mapping.salesforce_field if to_salesforce else mapping.peoplelinx_field
        if target in targets:
            raise InvalidMapping(f"{target} is already filled by "
                                 f"{_source_of(targets[target], to_salesforce)}; a field can be "
                                 "the target of one mapping only")
        targets[target] = mapping
        out.append(mapping)
    for required in kind.mandatory_mappings:
        if not any(required.same_fields(m) for m in out):
            raise InvalidMapping(f"{required.peoplelinx_field} ↔ {required.salesforce_field} is "
                                 f"mandatory for {kind.label} and cannot be removed")
    return tuple(out)


def _source_of(mapping: FieldMapping, to_salesforce: bool) -> str:
    return mapping.peoplelinx_field if to_salesforce else mapping.salesforce_field


def switched(step: Step) -> tuple[Step, list[str]]:
    """The step with its direction switched (the kind flips), and what did not survive the switch.

    The switched step reads the other system, so it gets a new uid: no cursor of the old direction
    can be mistaken for one of the new.

    Mandatory mappings come from the new kind; the admin's other mappings are kept when their types
    still fit in the new direction; rules, saved filter and actions are kept where the new kind
    takes them.
    """
    kind = step.kind.reversed
    dropped: list[str] = []
    mappings = list(kind.mandatory_mappings)
    for mapping in step.mappings:
        if mapping.mandatory or any(mapping.same_fields(m) for m in mappings):
            continue
        try:
            candidate = checked_mappings(kind, [*mappings, mapping])
        except DomainError as exc:
            dropped.append(f"mapping {mapping.salesforce_field} ↔ {mapping.peoplelinx_field}: {exc}")
            continue
        mappings = list(candidate)
    if step.filter_rules and not kind.filters_with_rules:
        dropped.append(f"{len(step.filter_rules)} filtering rule(s): {kind.label} reads from "
                       "PeopleLinx")
    if step.saved_filter and not kind.filters_with_saved_filter:
        dropped.append(f"saved filter {step.saved_filter.name}: {kind.label} reads from Salesforce")
    if step.actions and not kind.accepts_actions:
        dropped.append(f"{len(step.actions)} action(s): {kind.label} does not write People")
    flipped = Step(
        uid=new_uid(), kind=kind, enabled=step.enabled, mappings=tuple(mappings),
        filter_rules=step.filter_rules if kind.filters_with_rules else (),
        saved_filter=step.saved_filter if kind.filters_with_saved_filter else None,
        actions=step.actions if kind.accepts_actions else (),
    )
    return flipped, dropped
