"""Deletes in PeopleLinx, end to end: a deleted person's link ends; the Contact stays (default)
or is deleted (setting); the Contact is not made into a person again; a person merged away in
PeopleLinx hands their link to the survivor."""

from __future__ import annotations

from sync_helpers import custom_with, emptied, log_of, plx_client, sf_create, totals

from plx_desktop.store.ended_links import DELETED_IN_PEOPLELINX
from plx_desktop.store.settings import PEOPLELINX_DELETES


def _linked(sandbox, sync, store, control):
    emptied(sandbox)
    contact = sf_create(sandbox, "Contact", FirstName="Ada", LastName="Lovelace",
                        Email="ada@engines.example.com")
    custom_with(store, "contact_to_people", "people_to_contact")
    assert sync().ok
    [person] = control.people()
    return contact, person


def test_a_deleted_person_ends_the_link_and_the_contact_stays(sandbox, sync, store, control):
    contact, person = _linked(sandbox, sync, store, control)
    with plx_client(sandbox) as client:
        assert client.delete_person(person["id"]) is True
        assert client.delete_person(person["id"]) is False  # already gone
    run = sync()
    assert run.ok and totals(run)["failed"] == 0
    assert [c["Id"] for c in control.sf_records("Contact")] == [contact]
    assert store.links.by_sf_id(contact) is None
    assert store.ended_links.for_sf_ids([contact])[contact].reason == DELETED_IN_PEOPLELINX
    assert log_of(store, code="DELETED_IN_PEOPLELINX", run_id=run.run_id)
    # The Contact changes in Salesforce: the person is not created again.
    sandbox.salesforce.org.update("Contact", contact, {"Title": "Analyst"})
    again = sync()
    assert control.people() == [] and totals(again)["created"] == 0
    [skipped] = log_of(store, outcomes=["skipped"], code="DELETED_IN_PEOPLELINX",
                       run_id=again.run_id)
    assert skipped.sf_id == contact
    assert totals(sync())["skipped"] == 0  # read again inside the window: not logged twice


def test_with_the_setting_the_contact_is_deleted_too(sandbox, sync, store, control):
    contact, person = _linked(sandbox, sync, store, control)
    store.settings.set(PEOPLELINX_DELETES, "delete")
    control.delete_person(person["id"])
    run = sync()
    assert run.ok and totals(run)["failed"] == 0
    assert control.sf_records("Contact") == []
    assert store.links.by_sf_id(contact) is None
    assert totals(sync()) == {"created": 0, "updated": 0, "skipped": 0, "failed": 0,
                              "conflicts": 0}
    assert control.people() == []


def test_a_person_merged_away_in_peoplelinx_hands_the_link_to_the_survivor(sandbox, sync, store,
                                                                         control):
    contact, person = _linked(sandbox, sync, store, control)
    with plx_client(sandbox) as client:
        survivor = client.create_person({"email": "ada.king@engines.example.com",
                                         "first_name": "Ada", "last_name": "King"})
        client.merge_people(survivor["id"], [person["id"]])
    run = sync()
    assert run.ok and totals(run)["failed"] == 0
    assert store.links.by_sf_id(contact).plx_id == survivor["id"]
    [after] = control.people()
    assert after["id"] == survivor["id"] and after["salesforce_contact_id"] == contact
    assert len(control.sf_records("Contact")) == 1
