"""Peewee models over the migrated schema, built per database so several stores can coexist.

Peewee binds a model class to one database; binding a subclass of each per Store lets the GUI's
store, the worker's store and a test's temporary stores live in one process without rebinding
globals. The classes below hold the fields (and give the store's code its types); none of them is
bound to a database itself, and each names its `id` so the type checker knows it too.
The tables themselves are created by migrations.py, never by `create_tables`; the models still
describe every table, column default and index the migrations make, so that the two cannot drift
apart unseen (tests/store/test_store_schema.py builds a store each way and compares them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, cast

import peewee as pw


def _text(default: str) -> pw.TextField:
    """TEXT NOT NULL with a default the database knows too: the store's plain-SQL INSERTs leave
    such columns out. (`default` is one of the constants below, never a value from outside.)"""
    return pw.TextField(default=default, constraints=[pw.SQL(f"DEFAULT '{default}'")])


def _integer(default: int) -> pw.IntegerField:
    return pw.IntegerField(default=default, constraints=[pw.SQL(f"DEFAULT {int(default)}")])


def _index(*columns: str) -> tuple[tuple[tuple[str, ...], bool], ...]:
    """Meta.indexes: one plain (not unique) index on these columns, in this order."""
    return ((columns, False),)


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
    class Meta:
        indexes = _index("kind", "id")

    id = pw.AutoField()
    kind = pw.TextField()
    saved_at = pw.TextField()
    document = pw.TextField()


class Step(_Row):
    class Meta:
        indexes = _index("profile", "position")

    uid = pw.TextField(primary_key=True)
    profile = pw.TextField()
    position = pw.IntegerField()
    kind = pw.TextField()
    enabled = pw.BooleanField()
    saved_filter_id = pw.TextField(null=True)
    saved_filter_name = pw.TextField(null=True)
    name = _text("")


class StepMapping(_Row):
    class Meta:
        indexes = _index("step_uid", "position")

    id = pw.AutoField()
    step_uid = pw.TextField()
    position = pw.IntegerField()
    salesforce_field = pw.TextField()
    peoplelinx_field = pw.TextField()
    salesforce_type = pw.TextField(null=True)
    peoplelinx_type = pw.TextField(null=True)
    mandatory = pw.BooleanField()
    sync_rule = _text("two_way")


class FilterRule(_Row):
    class Meta:
        indexes = _index("step_uid", "position")

    id = pw.AutoField()
    step_uid = pw.TextField()
    position = pw.IntegerField()
    field = pw.TextField()
    operator = pw.TextField()
    value = pw.TextField()
    field_type = pw.TextField()


class StepAction(_Row):
    class Meta:
        indexes = _index("step_uid", "position")

    id = pw.AutoField()
    step_uid = pw.TextField()
    position = pw.IntegerField()
    type = pw.TextField()
    sequence_id = pw.TextField()
    sequence_name = pw.TextField()
    exclude_updated = pw.BooleanField()


class StatusValue(_Row):
    class Meta:
        indexes = _index("step_uid", "position")

    id = pw.AutoField()
    step_uid = pw.TextField()
    position = pw.IntegerField()
    source_value = pw.TextField()
    lead_status = pw.TextField()


class RecordLink(_Row):
    class Meta:
        indexes = (*_index("plx_id"), *_index("email"))

    id = pw.AutoField()
    sf_id = pw.TextField(unique=True)
    sf_object = pw.TextField()
    plx_id = pw.TextField()
    plx_object = pw.TextField()
    step_uid = pw.TextField()
    email = _text("")
    # Filled by versions before 2026-12-03, written empty since (store/links.py: the fingerprint
    # is worked out from sf_values when it is needed); kept so that the schema stays one shape.
    sf_fingerprint = _text("")
    plx_fingerprint = _text("")
    sf_values = _text("{}")
    plx_values = _text("{}")
    sf_url = _text("")
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
    counts = _text("{}")
    message = _text("")


class Outbox(_Row):
    class Meta:
        indexes = _index("state", "step_uid", "id")

    id = pw.AutoField()
    run_id = pw.IntegerField(null=True)
    step_uid = pw.TextField()
    target_system = pw.TextField()
    operation = pw.TextField()
    idempotency_key = pw.TextField(unique=True)
    payload = pw.TextField()
    state = pw.TextField()
    attempts = _integer(0)
    last_error = _text("")
    created_at = pw.TextField()
    updated_at = pw.TextField()


class LogEntry(_Row):
    class Meta:
        indexes = (*_index("outcome", "id"), *_index("step_uid", "id"), *_index("time"),
                   *_index("sf_id", "id"), *_index("plx_id", "id"))

    id = pw.AutoField()
    time = pw.TextField()
    run_id = pw.IntegerField(null=True)
    step_uid = _text("")
    step_label = _text("")
    direction = _text("")
    sf_id = _text("")
    plx_id = _text("")
    record_label = _text("")
    outcome = pw.TextField()
    error_code = _text("")
    message = _text("")


# The tables below are read and written in plain SQL by their repositories (conflicts.py,
# health.py, retry_schedule.py, org_state.py, ended_links.py, step_problems.py).
class RetryRequest(_Row):
    id = pw.AutoField()
    step_uid = pw.TextField()
    sf_id = _text("")
    plx_id = _text("")
    requested_at = pw.TextField()

    class Meta:
        indexes = ((("step_uid", "sf_id", "plx_id"), True),)


class Conflict(_Row):
    id = pw.AutoField()
    time = pw.TextField()
    run_id = pw.IntegerField(null=True)
    step_uid = pw.TextField()
    sf_id = pw.TextField()
    plx_id = pw.TextField()
    record_label = _text("")
    field = pw.TextField()
    salesforce_value = pw.TextField()
    peoplelinx_value = pw.TextField()
    salesforce_changed_at = _text("")
    peoplelinx_changed_at = _text("")
    winner = pw.TextField()
    rule = pw.TextField()

    class Meta:
        indexes = (*_index("sf_id", "id"), *_index("plx_id", "id"))


class RetrySchedule(_Row):
    id = pw.AutoField()
    step_uid = pw.TextField()
    record_key = pw.TextField()
    sf_id = _text("")
    plx_id = _text("")
    failures = pw.IntegerField()
    next_try = pw.TextField()
    item = _text("")

    class Meta:
        indexes = ((("step_uid", "record_key"), True), *_index("step_uid", "next_try"))


class OrgState(_Row):
    id = pw.AutoField()
    org_id = pw.TextField()
    tbl = pw.TextField()
    row = pw.TextField()

    class Meta:
        indexes = _index("org_id", "tbl", "id")


class EndedLink(_Row):
    sf_id = pw.TextField(primary_key=True)
    sf_object = pw.TextField()
    plx_id = pw.TextField()
    step_uid = pw.TextField()
    reason = pw.TextField()
    master_id = _text("")
    email = _text("")
    ended_at = pw.TextField()

    class Meta:
        indexes = _index("plx_id")


class StepProblem(_Row):
    step_uid = pw.TextField(primary_key=True)
    step_label = pw.TextField()
    error_code = pw.TextField()
    words = pw.TextField()
    # The column is named raw, which hides Peewee's Model.raw(); this table is only read in SQL.
    raw = pw.TextField()  # type: ignore[assignment]
    time = pw.TextField()
    run_id = pw.IntegerField(null=True)


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
    RetryRequest: type[RetryRequest]
    Conflict: type[Conflict]
    RetrySchedule: type[RetrySchedule]
    OrgState: type[OrgState]
    EndedLink: type[EndedLink]
    StepProblem: type[StepProblem]


_M = TypeVar("_M", bound=pw.Model)


def _bound(model: type[_M], db: pw.Database) -> type[_M]:
    """A subclass of `model` on `db`; Peewee copies the fields and indexes, the table keeps its
    name."""
    meta = type("Meta", (), {"database": db})
    # type() is typed as making a plain type; the class it makes here is a subclass of `model`.
    return cast("type[_M]", type(model.__name__, (model,), {"Meta": meta, "__module__": __name__}))


def build_models(db: pw.Database) -> Models:
    return Models(
        _bound(Setting, db), _bound(Profile, db), _bound(ProfileVersion, db), _bound(Step, db),
        _bound(StepMapping, db), _bound(FilterRule, db), _bound(StepAction, db), _bound(StatusValue,
        db), _bound(RecordLink, db), _bound(StepCursor, db), _bound(Run, db), _bound(Outbox, db),
        _bound(LogEntry, db), _bound(RetryRequest, db), _bound(Conflict, db), _bound(RetrySchedule,
        db), _bound(OrgState, db), _bound(EndedLink, db), _bound(StepProblem, db))
