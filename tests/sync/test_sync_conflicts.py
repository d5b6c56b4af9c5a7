"""Conflicts: a field changed on both sides between runs; the most recent change wins everywhere,
and the log names both values."""

from __future__ import annotations

from datetime import UTC, datetime

from sync_helpers import emptied, log_of, plx_client, sf_create, wait_until

from plx_desktop.connectors.peoplelinx_types import parse_timestamp


def _linked_pair(sandbox, sync, control):
    emptied(sandbox)
    contact_id = sf_create(sandbox, "Contact", FirstName="Rosalind", LastName="Franklin",
                           Email="rosalind@kings.example.com")
    sync()
    sync()
    [person] = control.people()
    return contact_id, person


def _contact(control, contact_id):
    return next(c for c in control.sf_records("Contact") if c["Id"] == contact_id)


def test_peoplelinx_changed_last_wins_and_the_conflict_is_logged(sandbox, sync, store, control):
    contact_id, person = _linked_pair(sandbox, sync, control)
    sandbox.salesforce.org.update("Contact", contact_id, {"LastName": "Gosling"})
    # Salesforce keeps milliseconds: make sure PeopleLinx's change is in a later millisecond.
    sf_time = datetime.now(UTC)
    wait_until(lambda: (datetime.now(UTC) - sf_time).total_seconds() > 0.002)
    with plx_client(sandbox) as client:
        client.update_person(person["id"], {"last_name": "Wilkins"})
    run = sync()
    assert run.status == "completed"
    assert sum(s.conflicts for s in run.steps) == 1
    assert control.people()[0]["last_name"] == "Wilkins"
    assert _contact(control, contact_id)["LastName"] == "Wilkins"
    [entry] = log_of(store, outcomes=["conflict"])
    assert "'Gosling'" in entry.message and "'Wilkins'" in entry.message
    assert (entry.sf_id, entry.plx_id) == (contact_id, person["id"])
    assert "PeopleLinx's" in entry.message
    assert sum(s.created + s.updated + s.conflicts for s in sync().steps) == 0  # settled


def test_salesforce_changed_last_wins_and_the_conflict_is_logged(sandbox, sync, store, control):
    contact_id, person = _linked_pair(sandbox, sync, control)
    with plx_client(sandbox) as client:
        changed = client.update_person(person["id"], {"last_name": "Wilkins"})
    # Salesforce keeps milliseconds: make sure its change is in a later millisecond.
    plx_time = parse_timestamp(changed["updated_at"])
    wait_until(lambda: (datetime.now(UTC) - plx_time).total_seconds() > 0.002)
    sandbox.salesforce.org.update("Contact", contact_id, {"LastName": "Gosling"})
    run = sync()
    assert run.status == "completed"
    assert sum(s.conflicts for s in run.steps) == 1
    assert control.people()[0]["last_name"] == "Gosling"
    assert _contact(control, contact_id)["LastName"] == "Gosling"
    [entry] = log_of(store, outcomes=["conflict"])
    assert "'Gosling'" in entry.message and "'Wilkins'" in entry.message
    assert "Salesforce's" in entry.message
    assert sum(s.created + s.updated + s.conflicts for s in sync().steps) == 0


def test_different_fields_changed_on_each_side_both_survive(sandbox, sync, store, control):
    contact_id, person = _linked_pair(sandbox, sync, control)
    sandbox.salesforce.org.update("Contact", contact_id, {"FirstName": "Rosa"})
    with plx_client(sandbox) as client:
        client.update_person(person["id"], {"last_name": "Wilkins"})
    run = sync()
    assert sum(s.conflicts for s in run.steps) == 0
    [after] = control.people()
    contact = _contact(control, contact_id)
    assert (after["first_name"], after["last_name"]) == ("Rosa", "Wilkins")
    assert (contact["FirstName"], contact["LastName"]) == ("Rosa", "Wilkins")
