"""Actions: Add to sequence after a People step, with Exclude updated from action on (only people
the step created) and off (people it updated from Salesforce too)."""

from __future__ import annotations

import pytest
from sync_helpers import custom_with, log_of, plx_client, sf_create

from plx_desktop.domain import AddToSequence


def _members(client, sequence_id: str) -> set[str]:
    return {m["person_id"] for page in client.iter_sequence_people(sequence_id) for m in page}


@pytest.mark.parametrize("exclude_updated", [True, False])
def test_add_to_sequence_after_contact_to_people(sandbox, sync, store, exclude_updated):
    with plx_client(sandbox) as client:
        sequence = next(s for s in client.sequences() if s["status"] == "active")
        before = _members(client, sequence["id"])
    action = AddToSequence(sequence["id"], sequence["name"], exclude_updated=exclude_updated)

    def edit(profile, steps):
        profile.add_action(steps[0].uid, action)

    custom_with(store, "contact_to_people", edit=edit)
    run = sync()
    assert run.status == "completed" and run.steps[0].failed == 0
    created = {e.plx_id for e in log_of(store, outcomes=["created"])}
    updated = {e.plx_id for e in log_of(store, outcomes=["updated"])}
    assert (len(created), len(updated)) == (165, 40)
    with plx_client(sandbox) as client:
        added = _members(client, sequence["id"]) - before
    expected = created if exclude_updated else created | updated
    assert added == expected - before
    assert store.outbox.pending(run.steps[0].step_uid) == []  # every add was sent and settled


def test_exclude_updated_decides_whether_an_updated_person_is_pushed(sandbox, sync, store,
                                                                    control):
    custom_with(store, "contact_to_people")
    sync()
    with plx_client(sandbox) as client:
        first, second = [s for s in client.sequences() if s["status"] != "archived"][:2]
        members = _members(client, first["id"]) | _members(client, second["id"])
    people = {p["salesforce_contact_id"]: p for p in control.people()}
    contact_id = next(c for c, p in people.items() if c and p["id"] not in members)
    updated_person = people[contact_id]["id"]
    profile = store.profiles.load("custom")
    uid = profile.steps[0].uid
    profile.add_action(uid, AddToSequence(first["id"], first["name"], exclude_updated=True))
    profile.add_action(uid, AddToSequence(second["id"], second["name"], exclude_updated=False))
    store.profiles.save(profile)
    sandbox.salesforce.org.update("Contact", contact_id, {"LastName": "Berners-Lee"})
    new_contact = sf_create(sandbox, "Contact", FirstName="Tim", LastName="Lee",
                            Email="tim@cern.example.com")
    run = sync()
    assert (run.steps[0].created, run.steps[0].updated) == (1, 1)
    created_person = store.links.by_sf_id(new_contact).plx_id
    with plx_client(sandbox) as client:
        in_first, in_second = _members(client, first["id"]), _members(client, second["id"])
    assert created_person in in_first and created_person in in_second
    assert updated_person not in in_first  # Exclude updated from action: on
    assert updated_person in in_second  # off: the updated person is pushed too
    assert store.outbox.counts().get("pending", 0) == 0
