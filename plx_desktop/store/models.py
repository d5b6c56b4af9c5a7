"""Peewee models over the migrated schema, built per database so several stores can coexist.

Peewee binds a model class to one database; building the classes per Store lets the GUI's store,
the worker's store and a test's temporary stores live in one process without rebinding globals.
The tables themselves are created by migrations.py, never by `create_tables`; the models still
describe every table, column default and index the migrations make, so that the two cannot drift
apart unseen (tests/store/test_store_schema.py builds a store each way and compares them).
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw


@dataclass(frozen=True)
class Models:
    Setting: type[pw.Model]
    Profile: type[pw.Model]
    ProfileVersion: type[pw.Model]
    Step: type[pw.Model]
    StepMapping: type[pw.Model]
    FilterRule: type[pw.Model]
    StepAction: type[pw.Model]
    StatusValue: type[pw.Model]
    RecordLink: type[pw.Model]
    StepCursor: type[pw.Model]
    Run: type[pw.Model]
    Outbox: type[pw.Model]
    LogEntry: type[pw.Model]
    RetryRequest: type[pw.Model]
    Conflict: type[pw.Model]
    RetrySchedule: type[pw.Model]
    OrgState: type[pw.Model]
    EndedLink: type[pw.Model]
    StepProblem: type[pw.Model]


def _text(default: str) -> pw.TextField:
    """TEXT NOT NULL with a default the database knows too: the store's plain-SQL INSERTs leave
    such columns out. (`default` is one of the constants below, never a value from outside.)"""
    return pw.TextField(default=default, constraints=[pw.SQL(f"DEFAULT '{default}'")])


def _integer(default: int) -> pw.IntegerField:
    return pw.IntegerField(default=default, constraints=[pw.SQL(f"DEFAULT {int(default)}")])


def _index(*columns: str) -> tuple[tuple[tuple[str, ...], bool], ...]:
    """Meta.indexes: one plain (not unique) index on these columns, in this order."""
    return ((columns, False),)


def build_models(db: pw.Database) -> Models:
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Setting(Base):
        key = pw.TextField(primary_key=True)
        value = pw.TextField()

    class Profile(Base):
        kind = pw.TextField(primary_key=True)
        saved_at = pw.TextField()

    class ProfileVersion(Base):
        class Meta:
            indexes = _index("kind", "id")

        kind = pw.TextField()
        saved_at = pw.TextField()
        document = pw.TextField()

    class Step(Base):
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

    class StepMapping(Base):
        class Meta:
            indexes = _index("step_uid", "position")

        step_uid = pw.TextField()
        position = pw.IntegerField()
        salesforce_field = pw.TextField()
        peoplelinx_field = pw.TextField()
        salesforce_type = pw.TextField(null=True)
        peoplelinx_type = pw.TextField(null=True)
        mandatory = pw.BooleanField()
        sync_rule = _text("two_way")

    class FilterRule(Base):
        class Meta:
            indexes = _index("step_uid", "position")

        step_uid = pw.TextField()
        position = pw.IntegerField()
        field = pw.TextField()
        operator = pw.TextField()
        value = pw.TextField()
        field_type = pw.TextField()

    class StepAction(Base):
        class Meta:
            indexes = _index("step_uid", "position")

        step_uid = pw.TextField()
        position = pw.IntegerField()
        type = pw.TextField()
        sequence_id = pw.TextField()
        sequence_name = pw.TextField()
        exclude_updated = pw.BooleanField()

    class StatusValue(Base):
        class Meta:
            indexes = _index("step_uid", "position")

        step_uid = pw.TextField()
        position = pw.IntegerField()
        source_value = pw.TextField()
        lead_status = pw.TextField()

    class RecordLink(Base):
        class Meta:
            indexes = (*_index("plx_id"), *_index("email"))

        sf_id = pw.TextField(unique=True)
        sf_object = pw.TextField()
        plx_id = pw.TextField()
        plx_object = pw.TextField()
        step_uid = pw.TextField()
        email = _text("")
        sf_fingerprint = _text("")
        plx_fingerprint = _text("")
        sf_values = _text("{}")
        plx_values = _text("{}")
        sf_url = _text("")
        created_at = pw.TextField()
        updated_at = pw.TextField()

    class StepCursor(Base):
        step_uid = pw.TextField(primary_key=True)
        value = pw.TextField()
        updated_at = pw.TextField()

    class Run(Base):
        profile = pw.TextField()
        started_at = pw.TextField()
        finished_at = pw.TextField(null=True)
        status = pw.TextField()
        counts = _text("{}")
        message = _text("")

    class Outbox(Base):
        class Meta:
            indexes = _index("state", "step_uid", "id")

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

    class LogEntry(Base):
        class Meta:
            indexes = (*_index("outcome", "id"), *_index("step_uid", "id"), *_index("time"),
                       *_index("sf_id", "id"), *_index("plx_id", "id"))

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
    class RetryRequest(Base):
        step_uid = pw.TextField()
        sf_id = _text("")
        plx_id = _text("")
        requested_at = pw.TextField()

        class Meta:
            indexes = ((("step_uid", "sf_id", "plx_id"), True),)

    class Conflict(Base):
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

    class RetrySchedule(Base):
        step_uid = pw.TextField()
        record_key = pw.TextField()
        sf_id = _text("")
        plx_id = _text("")
        failures = pw.IntegerField()
        next_try = pw.TextField()
        item = _text("")

        class Meta:
            indexes = ((("step_uid", "record_key"), True), *_index("step_uid", "next_try"))

    class OrgState(Base):
        org_id = pw.TextField()
        tbl = pw.TextField()
        row = pw.TextField()

        class Meta:
            indexes = _index("org_id", "tbl", "id")

    class EndedLink(Base):
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

    class StepProblem(Base):
        step_uid = pw.TextField(primary_key=True)
        step_label = pw.TextField()
        error_code = pw.TextField()
        words = pw.TextField()
        raw = pw.TextField()
        time = pw.TextField()
        run_id = pw.IntegerField(null=True)

    return Models(Setting, Profile, ProfileVersion, Step, StepMapping, FilterRule, StepAction,
                  StatusValue, RecordLink, StepCursor, Run, Outbox, LogEntry, RetryRequest,
                  Conflict, RetrySchedule, OrgState, EndedLink, StepProblem)
