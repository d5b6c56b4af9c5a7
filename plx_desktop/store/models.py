"""Peewee models over the migrated schema, built per database so several stores can coexist.

Peewee binds a model class to one database; binding a subclass of each per Store lets the GUI's
store, the worker's store and a test's temporary stores live in one process without rebinding
globals. The classes below hold the fields (and give the store's code its types); none of them is
bound to a database itself, and each names its `id` so the type checker knows it too. The tables
themselves are created by migrations.py, never by `create_tables`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, cast

import peewee as pw


class _Row(pw.Model):
    class Meta:
        legacy_table_names = False


class Setting(_Row):
    key = pw.TextField(primary_key=True)
    value = pw.TextField()


class Profile(_Row):
    kind = pw.TextField(primary_key=True)
    saved_at = pw.TextField()


class ProfileVersion(_Row):
    id = pw.AutoField()
    kind = pw.TextField()
    saved_at = pw.TextField()
    document = pw.TextField()


class Step(_Row):
    uid = pw.TextField(primary_key=True)
    profile = pw.TextField()
    position = pw.IntegerField()
    kind = pw.TextField()
    enabled = pw.BooleanField()
    saved_filter_id = pw.TextField(null=True)
    saved_filter_name = pw.TextField(null=True)
    name = pw.TextField(default="")


class StepMapping(_Row):
    id = pw.AutoField()
    step_uid = pw.TextField()
    position = pw.IntegerField()
    salesforce_field = pw.TextField()
    peoplelinx_field = pw.TextField()
    salesforce_type = pw.TextField(null=True)
    peoplelinx_type = pw.TextField(null=True)
    mandatory = pw.BooleanField()
    sync_rule = pw.TextField(default="two_way")


class FilterRule(_Row):
    id = pw.AutoField()
    step_uid = pw.TextField()
    position = pw.IntegerField()
    field = pw.TextField()
    operator = pw.TextField()
    value = pw.TextField()
    field_type = pw.TextField()


class StepAction(_Row):
    id = pw.AutoField()
    step_uid = pw.TextField()
    position = pw.IntegerField()
    type = pw.TextField()
    sequence_id = pw.TextField()
    sequence_name = pw.TextField()
    exclude_updated = pw.BooleanField()


class StatusValue(_Row):
    id = pw.AutoField()
    step_uid = pw.TextField()
    position = pw.IntegerField()
    source_value = pw.TextField()
    lead_status = pw.TextField()


class RecordLink(_Row):
    id = pw.AutoField()
    sf_id = pw.TextField(unique=True)
    sf_object = pw.TextField()
    plx_id = pw.TextField()
    plx_object = pw.TextField()
    step_uid = pw.TextField()
    email = pw.TextField(default="")
    sf_fingerprint = pw.TextField(default="")
    plx_fingerprint = pw.TextField(default="")
    sf_values = pw.TextField(default="{}")
    plx_values = pw.TextField(default="{}")
    sf_url = pw.TextField(default="")
    created_at = pw.TextField()
    updated_at = pw.TextField()


class StepCursor(_Row):
    step_uid = pw.TextField(primary_key=True)
    value = pw.TextField()
    updated_at = pw.TextField()


class Run(_Row):
    id = pw.AutoField()
    profile = pw.TextField()
    started_at = pw.TextField()
    finished_at = pw.TextField(null=True)
    status = pw.TextField()
    counts = pw.TextField(default="{}")
    message = pw.TextField(default="")


class Outbox(_Row):
    id = pw.AutoField()
    run_id = pw.IntegerField(null=True)
    step_uid = pw.TextField()
    target_system = pw.TextField()
    operation = pw.TextField()
    idempotency_key = pw.TextField(unique=True)
    payload = pw.TextField()
    state = pw.TextField()
    attempts = pw.IntegerField(default=0)
    last_error = pw.TextField(default="")
    created_at = pw.TextField()
    updated_at = pw.TextField()


class LogEntry(_Row):
    id = pw.AutoField()
    time = pw.TextField()
    run_id = pw.IntegerField(null=True)
    step_uid = pw.TextField(default="")
    step_label = pw.TextField(default="")
    direction = pw.TextField(default="")
    sf_id = pw.TextField(default="")
    plx_id = pw.TextField(default="")
    record_label = pw.TextField(default="")
    outcome = pw.TextField()
    error_code = pw.TextField(default="")
    message = pw.TextField(default="")


@dataclass(frozen=True)
class Models:
    Setting: type[Setting]
    Profile: type[Profile]
    ProfileVersion: type[ProfileVersion]
    Step: type[Step]
    StepMapping: type[StepMapping]
    FilterRule: type[FilterRule]
    StepAction: type[StepAction]
    StatusValue: type[StatusValue]
    RecordLink: type[RecordLink]
    StepCursor: type[StepCursor]
    Run: type[Run]
    Outbox: type[Outbox]
    LogEntry: type[LogEntry]


_M = TypeVar("_M", bound=pw.Model)


def _bound(model: type[_M], db: pw.Database) -> type[_M]:
    """A subclass of `model` on `db`; Peewee copies the fields, and the table keeps its name."""
    meta = type("Meta", (), {"database": db})
    # type() is typed as making a plain type; the class it makes here is a subclass of `model`.
    return cast("type[_M]", type(model.__name__, (model,), {"Meta": meta, "__module__": __name__}))


def build_models(db: pw.Database) -> Models:
    return Models(
        _bound(Setting, db), _bound(Profile, db), _bound(ProfileVersion, db), _bound(Step, db),
        _bound(StepMapping, db), _bound(FilterRule, db), _bound(StepAction, db),
        _bound(StatusValue, db), _bound(RecordLink, db), _bound(StepCursor, db), _bound(Run, db),
        _bound(Outbox, db), _bound(LogEntry, db))
