"""Automatic retries: a failing record is tried again by itself at later runs, 5 minutes, then 30
minutes, 2 hours and a day after its failures, and at once when it changes; Retry from Sync health
works for every step kind. Time passing is played by moving the stored next try into the past."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sync_helpers import custom_with, emptied, log_of, plx_client, sf_create, totals

from plx_desktop.domain import FieldMapping
from plx_desktop.store.retry_schedule import gap_after


def _time_passes(store) -> None:
    """Every scheduled record's next try has come."""
    store.db.execute_sql("UPDATE retry_schedule SET next_try = '2000-01-01T00:00:00.000000Z'")


def _persona_picklist(control, values):
    control._sf("POST", "fields", {
        "object": "Lead", "name": "Persona__c", "type": "picklist", "picklist_values": values,
        "restricted": True})


def _failing_person(sandbox, store, control) -> dict:
    _persona_picklist(control, ["Champion"])

    def map_persona(profile, steps):
        profile.add_mapping(steps[0].uid, FieldMapping("Persona__c", "custom_fields.persona",
                                                       "picklist", "picklist"))

    custom_with(store, "people_to_lead", edit=map_persona)
    emptied(sandbox)
    control._plx("POST", "fields", {"key": "persona", "label": "Persona", "type": "picklist",
                                    "options": ["Champion", "Decision maker"]})
    with plx_client(sandbox) as client:
        return client.create_person({"first_name": "Grace", "last_name": "Hopper",
                                     "email": "grace@navy.example.com", "account": "Navy",
                                     "custom_fields": {"persona": "Decision maker"}})


def _next_try_in(store, step_uid: str) -> timedelta:
    [row] = store.retry_schedule.of_step(step_uid)
    return row.next_try - datetime.now(UTC)


def test_gaps_grow_from_five_minutes_to_a_day():
    assert [gap_after(n) for n in (1, 2, 3, 4, 9)] == [
        timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(days=1),
        timedelta(days=1)]


def test_a_failing_person_is_retried_by_itself_with_growing_gaps(sandbox, sync, store, control):
    person = _failing_person(sandbox, store, control)
    first = sync()
    step_uid = first.steps[0].step_uid
    assert totals(first)["failed"] == 1
    assert timedelta(minutes=4) < _next_try_in(store, step_uid) <= timedelta(minutes=5)
    [failing] = store.health.failing()
    assert failing.next_try is not None and failing.plx_id == person["id"]

    assert totals(sync())["failed"] == 0  # not yet due, and unchanged: not tried
    _time_passes(store)
    again = sync()
    assert totals(again)["failed"] == 1  # tried by itself, and Salesforce still refuses it
    assert [e.plx_id for e in log_of(store, outcomes=["failed"], run_id=again.run_id)] == [
        person["id"]]
    [row] = store.retry_schedule.of_step(step_uid)
    assert row.failures == 2
    assert timedelta(minutes=29) < _next_try_in(store, step_uid) <= timedelta(minutes=30)

    _persona_picklist(control, ["Champion", "Decision maker"])  # the admin fixes Salesforce
    _time_passes(store)
    fixed = sync()
    assert totals(fixed)["created"] == 1 and totals(fixed)["failed"] == 0
    assert store.retry_schedule.of_step(step_uid) == [] and store.health.failing() == []
    [lead] = control.sf_records("Lead")
    assert lead["Persona__c"] == "Decision maker"


def test_a_failing_person_that_changes_is_retried_at_once(sandbox, sync, store, control):
    person = _failing_person(sandbox, store, control)
    step_uid = sync().steps[0].step_uid
    _persona_picklist(control, ["Champion", "Decision maker"])
    with plx_client(sandbox) as client:
        client.update_person(person["id"], {"title": "Rear Admiral"})  # not due, but changed
    run = sync()
    assert totals(run)["created"] == 1
    assert store.retry_schedule.of_step(step_uid) == []


def _shrink_activity_id(control, length: int) -> None:
    # The admin's org holds the external id field with a length too small for our ids.
    control._sf("POST", "fields", {"object": "Task", "name": "PeopleLinx_Activity_Id__c",
                                   "type": "string", "length": length, "external_id": True,
                                   "unique": True})


def _linked_contact_person(sandbox, sync, store, control, *kinds: str) -> dict:
    emptied(sandbox)
    sf_create(sandbox, "Contact", FirstName="Ada", LastName="Lovelace", Email="ada@example.com")
    custom_with(store, "contact_to_people", *kinds)
    assert sync().status == "completed"
    [person] = control.people()
    return person


@pytest.mark.parametrize(("kind", "fields"), [
    ("email", {"subject": "Hello", "body": "First note"}),
    ("call", {"disposition": "connected", "duration_seconds": 60})])
def test_a_failing_activity_is_sent_again_by_itself(sandbox, sync, store, control, kind, fields):
    person = _linked_contact_person(sandbox, sync, store, control, f"{kind}s_to_contact_tasks")
    activity = control.activity(kind, person["id"], **fields)
    _shrink_activity_id(control, 5)
    failed = sync()
    assert (failed.steps[1].failed, failed.steps[1].created) == (1, 0)
    [failure] = log_of(store, outcomes=["failed"], run_id=failed.run_id)
    assert (failure.plx_id, failure.error_code) == (activity["id"], "STRING_TOO_LONG")
    [row] = store.retry_schedule.of_step(failed.steps[1].step_uid)
    assert row.item is not None and row.item["id"] == activity["id"]  # kept, to send again

    _shrink_activity_id(control, 255)  # the admin fixes the field
    assert sync().steps[1].created == 0  # not due yet
    _time_passes(store)
    retried = sync()
    assert (retried.steps[1].created, retried.steps[1].failed) == (1, 0)
    tasks = [t for t in control.sf_records("Task")
             if t.get("PeopleLinx_Activity_Id__c") == f"{kind}:{activity['id']}"]
    assert len(tasks) == 1
    assert store.retry_schedule.of_step(failed.steps[1].step_uid) == []
    assert store.health.failing() == []


def test_retry_from_sync_health_works_for_activity_steps(sandbox, sync, store, control):
    person = _linked_contact_person(sandbox, sync, store, control, "emails_to_contact_tasks")
    activity = control.activity("email", person["id"], subject="Hello", body="Hi")
    _shrink_activity_id(control, 5)
    sync()
    _shrink_activity_id(control, 255)
    [failing] = store.health.failing()
    store.health.request_retry([failing])
    run = sync()  # not due by the schedule: the admin's request makes it go now
    assert run.steps[1].created == 1
    assert log_of(store, outcomes=["created"], run_id=run.run_id)[0].plx_id == activity["id"]
    assert store.health.failing() == [] and store.health.retry_requests(run.steps[1].step_uid) == []


def test_retry_from_sync_health_and_by_itself_works_for_status_steps(sandbox, sync, store,
                                                                     control):
    emptied(sandbox)
    lead = sf_create(sandbox, "Lead", FirstName="Alan", LastName="Turing", Email="alan@example.com",
                     Company="Bletchley", Status="Open - Not Contacted")
    profile = custom_with(store, "lead_to_people", "inbox_state_to_lead_status")
    assert sync().status == "completed"
    [person] = control.people()
    sandbox.salesforce.org.delete("Lead", lead)  # Salesforce refuses the status from now on
    control.inbox_state(person["id"], "not_interested")
    # Only the status step runs: Lead → People would read the deletion and end the link.
    step_uid = profile.steps[1].uid
    status_only = {step_uid}
    first = sync(steps=status_only)
    [failure] = log_of(store, outcomes=["failed"], run_id=first.run_id)
    assert (failure.plx_id, failure.error_code) == (person["id"], "ENTITY_IS_DELETED")
    [failing] = [r for r in store.health.failing() if r.step_uid == step_uid]

    store.health.request_retry([failing])  # the admin's Retry: the status is sent again now
    asked = sync(steps=status_only)
    assert asked.steps[0].failed == 1 and store.health.retry_requests(step_uid) == []
    assert store.retry_schedule.of_step(step_uid)[0].failures == 2
    assert sync(steps=status_only).steps[0].failed == 0  # then not before its next try
    _time_passes(store)
    assert sync(steps=status_only).steps[0].failed == 1  # by itself
    assert store.retry_schedule.of_step(step_uid)[0].failures == 3
