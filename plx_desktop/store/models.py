"""Peewee models over the migrated schema, built per database so several stores can coexist.

Peewee binds a model class to one database; building the classes per Store lets the GUI's store,
the worker's store and a test's temporary stores live in one process without rebinding globals.
The tables themselves are created by migrations.py, never by `create_tables`.
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
        kind = pw.TextField()
        saved_at = pw.TextField()
        document = pw.TextField()

    class Step(Base):
        uid = pw.TextField(primary_key=True)
        profile = pw.TextField()
        position = pw.IntegerField()
        kind = pw.TextField()
        enabled = pw.BooleanField()
        saved_filter_id = pw.TextField(null=True)
        saved_filter_name = pw.TextField(null=True)
        name = pw.TextField(default="")

    class StepMapping(Base):
        step_uid = pw.TextField()
        position = pw.IntegerField()
        salesforce_field = pw.TextField()
        peoplelinx_field = pw.TextField()
        salesforce_type = pw.TextField(null=True)
        peoplelinx_type = pw.TextField(null=True)
        mandatory = pw.BooleanField()
        sync_rule = pw.TextField(default="two_way")

    class FilterRule(Base):
        step_uid = pw.TextField()
        position = pw.IntegerField()
        field = pw.TextField()
        operator = pw.TextField()
        value = pw.TextField()
        field_type = pw.TextField()

    class StepAction(Base):
        step_uid = pw.TextField()
        position = pw.IntegerField()
        type = pw.TextField()
        sequence_id = pw.TextField()
        sequence_name = pw.TextField()
        exclude_updated = pw.BooleanField()

    class StatusValue(Base):
        step_uid = pw.TextField()
        position = pw.IntegerField()
        source_value = pw.TextField()
        lead_status = pw.TextField()

    class RecordLink(Base):
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

    class StepCursor(Base):
        step_uid = pw.TextField(primary_key=True)
        value = pw.TextField()
        updated_at = pw.TextField()

    class Run(Base):
        profile = pw.TextField()
        started_at = pw.TextField()
        finished_at = pw.TextField(null=True)
        status = pw.TextField()
        counts = pw.TextField(default="{}")
        message = pw.TextField(default="")

    class Outbox(Base):
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

    class LogEntry(Base):
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

    return Models(Setting, Profile, ProfileVersion, Step, StepMapping, FilterRule, StepAction,
                  StatusValue, RecordLink, StepCursor, Run, Outbox, LogEntry)
