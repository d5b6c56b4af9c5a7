"""Profiles and their steps saved and loaded as domain objects, plus the active profile setting.

The Default profile is never stored: it is built from the catalog each time, so a new version of
the app brings its new defaults. The Custom profile is stored step by step; saving replaces it in
one transaction, and each save that changes it keeps a version (for config history).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import peewee as pw

from plx_desktop.domain import (
    AddToSequence,
    FieldMapping,
    FilterRule,
    Operator,
    Profile,
    ProfileKind,
    SavedFilter,
    Step,
    SyncRule,
    custom_profile,
    default_profile,
    step_kind,
)
from plx_desktop.domain.profile_file import profile_from_json, profile_to_json
from plx_desktop.store import models as tables
from plx_desktop.store.models import Models
from plx_desktop.store.settings import ACTIVE_PROFILE, Settings
from plx_desktop.store.timestamps import now_text, written_time


@dataclass(frozen=True)
class ProfileVersion:
    id: int
    kind: ProfileKind
    saved_at: datetime
    document: str  # the profile export (JSON) as it was saved


class Profiles:
    def __init__(self, db: pw.Database, models: Models, settings: Settings):
        self._db, self._m, self._settings = db, models, settings

    def load(self, kind: ProfileKind | str) -> Profile:
        kind = ProfileKind(kind)
        if kind is ProfileKind.DEFAULT:
            return default_profile()
        m = self._m
        steps = list(m.Step.select().where(m.Step.profile == kind.value).order_by(m.Step.position))
        uids = [row.uid for row in steps]
        mappings, rules = _by_step(m.StepMapping, uids), _by_step(m.FilterRule, uids)
        actions, statuses = _by_step(m.StepAction, uids), _by_step(m.StatusValue, uids)
        return custom_profile(_step(row, mappings[row.uid], rules[row.uid], actions[row.uid],
                                    statuses[row.uid]) for row in steps)

    def save(self, profile: Profile) -> None:
        """Store the Custom profile (replacing what was stored). The Default one needs no saving:
        it is always the catalog's, so saving it does nothing."""
        if profile.kind is ProfileKind.DEFAULT:
            return
        for step in profile.steps:
            step.validate()  # nothing invalid reaches the file
        m, kind, now = self._m, profile.kind.value, now_text()
        with self._db.atomic():
            m.Profile.insert(kind=kind, saved_at=now).on_conflict_replace().execute()
            old = m.Step.select(m.Step.uid).where(m.Step.profile == kind)
            for model in (m.StepMapping, m.FilterRule, m.StepAction, m.StatusValue):
                model.delete().where(model.step_uid.in_(old)).execute()
            m.Step.delete().where(m.Step.profile == kind).execute()
            _insert(m.Step, [_step_row(kind, i, s) for i, s in enumerate(profile.steps)])
            _insert(m.StepMapping, [
                {"step_uid": s.uid, "position": i, "salesforce_field": x.salesforce_field,
                 "peoplelinx_field": x.peoplelinx_field, "salesforce_type": x.salesforce_type,
                 "peoplelinx_type": x.peoplelinx_type, "mandatory": x.mandatory,
                 "sync_rule": x.sync_rule.value}
                for s in profile.steps for i, x in enumerate(s.mappings)])
            _insert(m.FilterRule, [
                {"step_uid": s.uid, "position": i, "field": r.field, "operator": r.operator.value,
                 "value": r.value, "field_type": r.field_type}
                for s in profile.steps for i, r in enumerate(s.filter_rules)])
            _insert(m.StepAction, [
                {"step_uid": s.uid, "position": i, "type": a.type, "sequence_id": a.sequence_id,
                 "sequence_name": a.sequence_name, "exclude_updated": a.exclude_updated}
                for s in profile.steps for i, a in enumerate(s.actions)])
            _insert(m.StatusValue, [
                {"step_uid": s.uid, "position": i, "source_value": src, "lead_status": dst}
                for s in profile.steps for i, (src, dst) in enumerate(s.status_map)])
            self._keep_version(kind, now, profile_to_json(profile))

    def is_saved(self, kind: ProfileKind | str) -> bool:
        return self._m.Profile.get_or_none(self._m.Profile.kind == ProfileKind(kind).value) is not None

    # -- the active profile -------------------------------------------------------------------

    def active_kind(self) -> ProfileKind:
        return ProfileKind(self._settings.get(ACTIVE_PROFILE))

    def set_active_kind(self, kind: ProfileKind | str) -> None:
        """Switching never touches the stored Custom steps; switching back finds them as left."""
        self._settings.set(ACTIVE_PROFILE, ProfileKind(kind).value)

    def load_active(self) -> Profile:
        return self.load(self.active_kind())

    # -- config history ---------------------------------------------------------------------

    def versions(self, kind: ProfileKind | str = ProfileKind.CUSTOM) -> list[ProfileVersion]:
        """Saved versions, newest first."""
        m = self._m
        rows = (m.ProfileVersion.select().where(m.ProfileVersion.kind == ProfileKind(kind).value)
                .order_by(m.ProfileVersion.id.desc()))
        return [ProfileVersion(r.id, ProfileKind(r.kind), written_time(r.saved_at), r.document)
                for r in rows]

    def version(self, version_id: int) -> ProfileVersion | None:
        row = self._m.ProfileVersion.get_or_none(self._m.ProfileVersion.id == version_id)
        return (ProfileVersion(row.id, ProfileKind(row.kind), written_time(row.saved_at),
                               row.document)
                if row else None)

    def restore_version(self, version_id: int) -> Profile:
        """Roll the Custom profile back to a saved version: its document is saved as the Custom
        profile, which makes it the newest version (the history keeps everything in between).
        Returns the restored profile; KeyError when there is no such version."""
        version = self.version(version_id)
        if version is None or version.kind is not ProfileKind.CUSTOM:
            raise KeyError(f"no saved version {version_id} of the Custom profile")
        profile = profile_from_json(version.document)
        self.save(profile)  # saving the newest version's document again keeps no new one
        return profile

    def _keep_version(self, kind: str, now: str, document: str) -> None:
        m = self._m
        last = (m.ProfileVersion.select().where(m.ProfileVersion.kind == kind)
                .order_by(m.ProfileVersion.id.desc()).first())
        if last is None or last.document != document:
            m.ProfileVersion.create(kind=kind, saved_at=now, document=document)


_Part = TypeVar("_Part", tables.StepMapping, tables.FilterRule, tables.StepAction,
                 tables.StatusValue)


def _by_step(model: type[_Part], uids: list[str]) -> defaultdict[str, list[_Part]]:
    """The rows of one part of the steps (mappings, rules...), by step, in their order."""
    bucket: defaultdict[str, list[_Part]] = defaultdict(list)
    for row in model.select().where(model.step_uid.in_(uids)).order_by(model.position):
        bucket[row.step_uid].append(row)
    return bucket


def _insert(model: type[pw.Model], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 500):
        model.insert_many(rows[start:start + 500]).execute()


def _step_row(profile: str, position: int, step: Step) -> dict[str, Any]:
    return {"uid": step.uid, "profile": profile, "position": position, "kind": step.kind.key,
            "enabled": step.enabled,
            "saved_filter_id": step.saved_filter.id if step.saved_filter else None,
            "saved_filter_name": step.saved_filter.name if step.saved_filter else None,
            "name": step.name}


def _step(row: tables.Step, mappings: list[tables.StepMapping], rules: list[tables.FilterRule],
          actions: list[tables.StepAction], statuses: list[tables.StatusValue]) -> Step:
    return Step(
        uid=row.uid,
        kind=step_kind(row.kind),
        enabled=bool(row.enabled),
        mappings=tuple(FieldMapping(m.salesforce_field, m.peoplelinx_field, m.salesforce_type,
                                    m.peoplelinx_type, bool(m.mandatory), SyncRule(m.sync_rule))
                       for m in mappings),
        filter_rules=tuple(FilterRule(r.field, Operator(r.operator), r.value, r.field_type)
                           for r in rules),
        saved_filter=(SavedFilter(row.saved_filter_id, row.saved_filter_name or "")
                      if row.saved_filter_id is not None else None),
        actions=tuple(AddToSequence(a.sequence_id, a.sequence_name, bool(a.exclude_updated))
                      for a in actions),
        status_map=tuple((s.source_value, s.lead_status) for s in statuses),
        name=row.name or "",
    )
