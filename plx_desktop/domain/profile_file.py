"""Profile export and import: a versioned JSON document with no secrets, checked field by field.

An import either yields a complete, valid Custom profile or raises InvalidProfileFile listing
every problem by its path ("steps[2].mappings[0].salesforce_field: ..."); nothing is half-applied
because nothing is applied at all until the caller saves the returned profile.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from plx_desktop.domain.actions import AddToSequence
from plx_desktop.domain.catalog import Direction, step_kind, step_kind_keys
from plx_desktop.domain.errors import DomainError, InvalidProfileFile
from plx_desktop.domain.filters import FilterRule, Operator, SavedFilter
from plx_desktop.domain.mapping import FieldMapping, SyncRule
from plx_desktop.domain.profile import Profile, ProfileKind, custom_profile
from plx_desktop.domain.step import Step, new_uid

FORMAT = "plx-desktop-profile"
FORMAT_VERSION = 1

# A JSON object as json.loads gives it: its values are whatever the file holds until checked.
JsonObject = dict[str, Any]

_DOCUMENT_KEYS = {"format": True, "format_version": True, "profile": False, "steps": True}
_STEP_KEYS = {"uid": False, "kind": True, "direction": False, "enabled": False, "mappings": False,
              "filter_rules": False, "saved_filter": False, "actions": False, "status_map": False,
              "name": False}
_MAPPING_KEYS = {"salesforce_field": True, "peoplelinx_field": True, "salesforce_type": False,
                 "peoplelinx_type": False, "sync_rule": False, "mandatory": False}
_RULE_KEYS = {"field": True, "operator": True, "value": False, "field_type": False}
_SAVED_FILTER_KEYS = {"id": True, "name": True}
_ACTION_KEYS = {"type": True, "sequence_id": True, "sequence_name": True, "exclude_updated": False}


def profile_to_document(profile: Profile) -> dict[str, Any]:
    """The profile as plain JSON-able data (what `export` writes)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "profile": profile.kind.value,
        "steps": [_step_document(step) for step in profile.steps],
    }


def profile_to_json(profile: Profile) -> str:
    return json.dumps(profile_to_document(profile), indent=2, ensure_ascii=False) + "\n"


def _step_document(step: Step) -> dict[str, Any]:
    return {
        "uid": step.uid,
        "kind": step.kind.key,
        **({"name": step.name} if step.name else {}),
        "direction": step.direction.value,
        "enabled": step.enabled,
        "mappings": [{
            "salesforce_field": m.salesforce_field, "peoplelinx_field": m.peoplelinx_field,
            "salesforce_type": m.salesforce_type, "peoplelinx_type": m.peoplelinx_type,
            "sync_rule": m.sync_rule.value, "mandatory": m.mandatory,
        } for m in step.mappings],
        "filter_rules": [{"field": r.field, "operator": r.operator.value, "value": r.value,
                          "field_type": r.field_type} for r in step.filter_rules],
        "saved_filter": ({"id": step.saved_filter.id, "name": step.saved_filter.name}
                         if step.saved_filter else None),
        "actions": [{"type": a.type, "sequence_id": a.sequence_id,
                     "sequence_name": a.sequence_name, "exclude_updated": a.exclude_updated}
                    for a in step.actions],
        "status_map": dict(step.status_map),
    }


def profile_from_json(text: str) -> Profile:
    """A Custom profile from an exported file's text; InvalidProfileFile when anything is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidProfileFile([f"not JSON: {exc.msg} at line {exc.lineno}"]) from None
    return profile_from_document(data)


def profile_from_document(data: Any) -> Profile:
    """Imports always give a Custom profile (the Default one is built in); uids are kept when
    present and unique, so re-importing one's own export keeps the engine's cursors. A step
    without "mappings" or "status_map" gets its kind's presets; mandatory flags are re-derived
    from the kind, never taken from the file."""
    problems: list[str] = []
    _unencodable_text(data, "", problems)
    if problems:
        raise InvalidProfileFile(problems)
    if not _check_keys(data, _DOCUMENT_KEYS, "", problems):
        raise InvalidProfileFile(problems)
    if data["format"] != FORMAT:
        problems.append(f"format: expected '{FORMAT}', found {data['format']!r}")
    if data["format_version"] != FORMAT_VERSION:
        problems.append(f"format_version: this version of PLX Desktop reads version "
                        f"{FORMAT_VERSION}, the file is {data['format_version']!r}")
    if "profile" in data and data["profile"] not in [k.value for k in ProfileKind]:
        problems.append(f"profile: unknown profile {data['profile']!r} (default or custom)")
    steps: list[Step] = []
    if not isinstance(data["steps"], list):
        problems.append("steps: expected a list of steps")
    else:
        seen: set[str] = set()
        for index, item in enumerate(data["steps"]):
            step = _parse_step(item, f"steps[{index}]", problems)
            if step is None:
                continue
            if step.uid in seen:
                step = replace(step, uid=new_uid())
            seen.add(step.uid)
            steps.append(step)
    if problems:
        raise InvalidProfileFile(problems)
    return custom_profile(steps)


def _unencodable_text(data: Any, path: str, problems: list[str]) -> None:
    """Text that cannot be stored (a lone surrogate from a JSON escape such as \\ud800)."""
    if isinstance(data, str):
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            problems.append(f"{path or 'the file'}: {data!r} is not valid text (a lone UTF-16 "
                            "surrogate); fix or remove it")
    elif isinstance(data, dict):
        for key, value in data.items():
            _unencodable_text(key, f"{path}.{key}" if path else str(key), problems)
            _unencodable_text(value, f"{path}.{key}" if path else str(key), problems)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _unencodable_text(value, f"{path}[{index}]", problems)


def _check_keys(data: Any, keys: dict[str, bool], path: str, problems: list[str]) -> bool:
    where = f"{path}: " if path else ""
    if not isinstance(data, dict):
        problems.append(f"{path or 'document'}: expected an object, found {type(data).__name__}")
        return False
    ok = True
    for key in data:
        if key not in keys:
            problems.append(f"{path + '.' if path else ''}{key}: unknown field {key!r}")
            ok = False
    for key, required in keys.items():
        if required and key not in data:
            problems.append(f"{where}missing field {key!r}")
            ok = False
    return ok


def _text(data: JsonObject, key: str, path: str, problems: list[str],
          default: str | None = "") -> str | None:
    value = data.get(key, default)
    if value is None and default is None:
        return None
    if not isinstance(value, str):
        problems.append(f"{path}.{key}: expected text, found {value!r}")
        return None
    return value


def _flag(data: JsonObject, key: str, path: str, problems: list[str], default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        problems.append(f"{path}.{key}: expected true or false, found {value!r}")
        return default
    return value


def _parse_step(item: Any, path: str, problems: list[str]) -> Step | None:
    before = len(problems)
    if not _check_keys(item, _STEP_KEYS, path, problems):
        return None
    if item["kind"] not in step_kind_keys():
        problems.append(f"{path}.kind: unknown step kind {item['kind']!r} "
                        f"(one of: {', '.join(step_kind_keys())})")
        return None
    kind = step_kind(item["kind"])
    if "direction" in item:
        if item["direction"] not in [d.value for d in Direction]:
            problems.append(f"{path}.direction: unknown direction {item['direction']!r} "
                            f"({' or '.join(d.value for d in Direction)})")
        elif item["direction"] != kind.direction.value:
            problems.append(f"{path}.direction: {kind.label} runs {kind.direction.value}, "
                            f"not {item['direction']}")
    uid = _text(item, "uid", path, problems, default=None) or new_uid()
    # A part that does not parse is None and has added its problem, so no step is built from it.
    mappings = [m for i, raw in enumerate(_list(item, "mappings", path, problems))
                if (m := _parse_mapping(raw, f"{path}.mappings[{i}]", problems)) is not None]
    if "mappings" not in item:  # a hand-written step without mappings gets the kind's own
        mappings = list(kind.default_mappings)
    rules = [r for i, raw in enumerate(_list(item, "filter_rules", path, problems))
             if (r := _parse_rule(raw, f"{path}.filter_rules[{i}]", problems)) is not None]
    actions = [a for i, raw in enumerate(_list(item, "actions", path, problems))
               if (a := _parse_action(raw, f"{path}.actions[{i}]", problems)) is not None]
    saved = None
    if item.get("saved_filter") is not None:
        sub = f"{path}.saved_filter"
        if _check_keys(item["saved_filter"], _SAVED_FILTER_KEYS, sub, problems):
            filter_id = _text(item["saved_filter"], "id", sub, problems)
            filter_name = _text(item["saved_filter"], "name", sub, problems)
            if filter_id is not None and filter_name is not None:
                saved = SavedFilter(filter_id, filter_name)
    status_map = item.get("status_map", dict(kind.preset_status_map))
    if not isinstance(status_map, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in status_map.items()):
        problems.append(f"{path}.status_map: expected an object of text values")
        status_map = {}
    if len(problems) > before:
        return None
    step = Step(uid=uid, kind=kind, enabled=_flag(item, "enabled", path, problems, True))
    # Each part is checked against the kind apart, so the message names the part.
    name = _text(item, "name", path, problems) or ""
    parts: tuple[tuple[str, Callable[[Step], Step]], ...] = (
        ("name", lambda s: s.with_name(name)),
        ("mappings", lambda s: s.with_mappings(mappings)),
        ("filter_rules", lambda s: s.with_filter_rules(rules)),
        ("saved_filter", lambda s: s.with_saved_filter(saved)),
        ("actions", lambda s: s.with_actions(actions)),
        ("status_map", lambda s: s.with_status_map(status_map) if kind.is_status_step or status_map
         else s),
    )
    for part, apply in parts:
        try:
            step = apply(step)
        except DomainError as exc:
            problems.append(f"{path}.{part}: {exc}")
    return step if len(problems) == before else None


def _list(item: JsonObject, key: str, path: str, problems: list[str]) -> list[Any]:
    value = item.get(key, [])
    if not isinstance(value, list):
        problems.append(f"{path}.{key}: expected a list")
        return []
    return value


def _parse_mapping(data: Any, path: str, problems: list[str]) -> FieldMapping | None:
    if not _check_keys(data, _MAPPING_KEYS, path, problems):
        return None
    before = len(problems)
    mapping = FieldMapping(
        _text(data, "salesforce_field", path, problems) or "",
        _text(data, "peoplelinx_field", path, problems) or "",
        _text(data, "salesforce_type", path, problems, default=None),
        _text(data, "peoplelinx_type", path, problems, default=None),
    )
    if len(problems) > before:
        return None
    rule = data.get("sync_rule", SyncRule.TWO_WAY.value)
    if rule not in [r.value for r in SyncRule]:
        problems.append(f"{path}.sync_rule: unknown sync rule {rule!r}")
        return None
    # Field by field, so the message names the field at fault.
    for key, probe in (
            ("salesforce_field", FieldMapping(mapping.salesforce_field, "email")),
            ("peoplelinx_field", FieldMapping("Name", mapping.peoplelinx_field)),
            ("salesforce_type", FieldMapping("Name", "email", salesforce_type=mapping.salesforce_type)),
            ("peoplelinx_type", FieldMapping("Name", "email", peoplelinx_type=mapping.peoplelinx_type))):
        try:
            probe.validate()
        except DomainError as exc:
            problems.append(f"{path}.{key}: {exc}")
            return None
    return FieldMapping(mapping.salesforce_field, mapping.peoplelinx_field,
                        mapping.salesforce_type, mapping.peoplelinx_type,
                        sync_rule=SyncRule(rule))


def _parse_rule(data: Any, path: str, problems: list[str]) -> FilterRule | None:
    if not _check_keys(data, _RULE_KEYS, path, problems):
        return None
    if data["operator"] not in [op.value for op in Operator]:
        problems.append(f"{path}.operator: unknown operator {data['operator']!r} "
                        f"(one of: {', '.join(op.value for op in Operator)})")
        return None
    rule = FilterRule(_text(data, "field", path, problems) or "", Operator(data["operator"]),
                      _text(data, "value", path, problems) or "",
                      _text(data, "field_type", path, problems, default="string") or "string")
    try:
        rule.validate()
    except DomainError as exc:
        problems.append(f"{path}: {exc}")
        return None
    return rule


def _parse_action(data: Any, path: str, problems: list[str]) -> AddToSequence | None:
    if not _check_keys(data, _ACTION_KEYS, path, problems):
        return None
    if data["type"] != AddToSequence.type:
        problems.append(f"{path}.type: unknown action {data['type']!r} ({AddToSequence.type})")
        return None
    sequence_id = _text(data, "sequence_id", path, problems)
    name = _text(data, "sequence_name", path, problems)
    if not sequence_id:
        problems.append(f"{path}.sequence_id: Add to sequence needs a sequence")
        return None
    return AddToSequence(sequence_id, name or "", _flag(data, "exclude_updated", path, problems,
                                                        True))
