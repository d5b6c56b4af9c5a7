"""Conflicts: a field changed on both sides between runs; the most recent change wins everywhere,
and the log names both values."""

from __future__ import annotations

from sync_helpers import custom_with, emptied, log_of, move_clock_past, plx_client, sf_create

from plx_desktop.domain import FieldMapping, SyncRule
from plx_desktop.domain.convert import parse_datetime


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
    # Salesforce keeps milliseconds: make sure PeopleLinx's change is in a later millisecond
    # than the contact's LastModifiedDate: the sandbox clock moves past it, nobody waits.
    sf_time = parse_datetime(_contact(control, contact_id)["LastModifiedDate"])
    move_clock_past(sandbox, sf_time)
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
    [kept] = store.conflicts.for_records(sf_ids=[contact_id])  # the conflict record
    assert (kept.field, kept.salesforce_value, kept.peoplelinx_value) == (
        "last_name", "Gosling", "Wilkins")
    assert (kept.winner, kept.rule) == ("peoplelinx", "two_way")
    assert kept.salesforce_changed_at < kept.peoplelinx_changed_at
    assert sum(s.created + s.updated + s.conflicts for s in sync().steps) == 0  # settled


def test_salesforce_changed_last_wins_and_the_conflict_is_logged(sandbox, sync, store, control):
    contact_id, person = _linked_pair(sandbox, sync, control)
    with plx_client(sandbox) as client:
        changed = client.update_person(person["id"], {"last_name": "Wilkins"})
    # Salesforce keeps milliseconds: make sure its change is in a later millisecond.
    plx_time = parse_datetime(changed["updated_at"])
    move_clock_past(sandbox, plx_time)
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


def test_always_use_salesforce_keeps_salesforce_even_when_peoplelinx_is_newer(
        sandbox, sync, store, control):
    def always_salesforce_for_last_name(profile, steps):
        for step in steps:
            index = next(i for i, m in enumerate(step.mappings) if m.peoplelinx_field == "last_name")
            profile.set_sync_rule(step.uid, index, SyncRule.ALWAYS_SALESFORCE)

    custom_with(store, "contact_to_people", "people_to_contact", edit=always_salesforce_for_last_name)
    contact_id, person = _linked_pair(sandbox, sync, control)
    sandbox.salesforce.org.update("Contact", contact_id, {"LastName": "Gosling"})
    sf_time = parse_datetime(_contact(control, contact_id)["LastModifiedDate"])
    move_clock_past(sandbox, sf_time)
    with plx_client(sandbox) as client:
        client.update_person(person["id"], {"last_name": "Wilkins"})
    run = sync()
    assert run.status == "completed"
    assert control.people()[0]["last_name"] == "Gosling"
    assert _contact(control, contact_id)["LastName"] == "Gosling"
    [kept] = store.conflicts.for_records(plx_ids=[person["id"]])
    assert (kept.winner, kept.rule) == ("salesforce", "always_salesforce")
    assert "Always use Salesforce" in log_of(store, outcomes=["conflict"])[0].message


def test_people_step_first_in_the_profile_still_lets_a_newer_salesforce_change_win(
        sandbox, sync, store, control):
    """A Custom profile may run People → Contact before Contact → People: the step reads the
    records it is about to update, and a field changed later in Salesforce is not overwritten."""
    custom_with(store, "people_to_contact", "contact_to_people")
    contact_id, person = _linked_pair(sandbox, sync, control)
    with plx_client(sandbox) as client:
        changed = client.update_person(person["id"], {"last_name": "Wilkins"})
    plx_time = parse_datetime(changed["updated_at"])
    move_clock_past(sandbox, plx_time)
    sandbox.salesforce.org.update("Contact", contact_id, {"LastName": "Gosling"})
    run = sync()
    assert run.status == "completed"
    assert _contact(control, contact_id)["LastName"] == "Gosling"
    assert control.people()[0]["last_name"] == "Gosling"
    kept = store.conflicts.for_records(sf_ids=[contact_id])
    assert kept and all(c.winner == "salesforce" for c in kept)
    assert sum(s.created + s.updated + s.conflicts for s in sync().steps) == 0


def test_prefer_salesforce_unless_blank_fills_only_blank_salesforce_fields(
        sandbox, sync, store, control):
    def prefer_salesforce_for_title(profile, steps):
        for step in steps:
            profile.add_mapping(step.uid, FieldMapping("Title", "title", "string", "string",
                                                       sync_rule=SyncRule.PREFER_SALESFORCE_UNLESS_BLANK))

    custom_with(store, "contact_to_people", "people_to_contact", edit=prefer_salesforce_for_title)
    emptied(sandbox)
    with_title = sf_create(sandbox, "Contact", FirstName="Ada", LastName="Lovelace",
                           Email="ada@engine.example.com", Title="Analyst")
    blank = sf_create(sandbox, "Contact", FirstName="Alan", LastName="Turing",
                      Email="alan@engine.example.com")
    sync()
    people = {p["email"]: p for p in control.people()}
    with plx_client(sandbox) as client:
        for email in ("ada@engine.example.com", "alan@engine.example.com"):
            client.update_person(people[email]["id"], {"title": "Countess"})
    sync()
    assert _contact(control, with_title)["Title"] == "Analyst"  # Salesforce had a value: kept
    assert _contact(control, blank)["Title"] == "Countess"  # Salesforce was blank: filled
