"""Deletes and merges from Salesforce, end to end against the sandbox: a deleted Contact unlinks
its person (kept, or deleted by the setting) and is never created again by itself; an undeleted
one is linked again; a merge moves the link, or merges the people; ENTITY_IS_DELETED on a write
is a delete, not a failure that comes back."""

from __future__ import annotations

from sync_helpers import custom_with, emptied, log_of, plx_client, sf_create, totals

from plx_desktop.store.ended_links import DELETED_IN_SALESFORCE
from plx_desktop.store.settings import SALESFORCE_DELETES


def _two_way(store):
    return custom_with(store, "contact_to_people", "people_to_contact")


def _ada(sandbox, sync, store, control, **more):
    emptied(sandbox)
    contact = sf_create(sandbox, "Contact", FirstName="Ada", LastName="Lovelace",
                        Email="ada@engines.example.com", **more)
    _two_way(store)
    assert sync().ok
    [person] = control.people()
    assert person["salesforce_contact_id"] == contact
    return contact, person


def test_a_deleted_contact_unlinks_its_person_who_is_never_created_again(sandbox, sync, store,
                                                                       control):
    contact, person = _ada(sandbox, sync, store, control)
    sandbox.salesforce.org.delete("Contact", contact)
    run = sync()
    assert run.ok and totals(run)["failed"] == 0
    [after] = control.people()
    assert after["id"] == person["id"]
    assert (after["salesforce_contact_id"], after["salesforce_id"]) == (None, None)
    assert after["salesforce_deleted"] is True and after["synced_with_salesforce"] is False
    assert store.links.by_sf_id(contact) is None
    assert store.ended_links.for_sf_ids([contact])[contact].reason == DELETED_IN_SALESFORCE
    [entry] = log_of(store, outcomes=["updated"], code="DELETED_IN_SALESFORCE", run_id=run.run_id)
    assert (entry.sf_id, entry.plx_id) == (contact, person["id"])

    with plx_client(sandbox) as client:  # someone edits the person in PeopleLinx
        client.update_person(person["id"], {"last_name": "King"})
    again = sync()
    assert control.sf_records("Contact") == []  # not created again
    [skipped] = log_of(store, outcomes=["skipped"], code="DELETED_IN_SALESFORCE",
                       run_id=again.run_id)
    assert skipped.plx_id == person["id"] and "Sync health" in skipped.message
    assert totals(again)["failed"] == 0

    # A People filter selects who was deleted in Salesforce.
    saved = control.add_filter("Deleted in Salesforce", {"all": [
        {"field": "salesforce_deleted", "op": "equals", "value": True}]})
    with plx_client(sandbox) as client:
        chosen = [p["id"] for page in client.iter_people(filter_id=saved["id"]) for p in page]
    assert chosen == [person["id"]]


def test_retry_from_sync_health_creates_it_again(sandbox, sync, store, control):
    contact, person = _ada(sandbox, sync, store, control)
    sandbox.salesforce.org.delete("Contact", contact)
    sync()
    with plx_client(sandbox) as client:
        client.update_person(person["id"], {"last_name": "King"})
    sync()
    [skipped] = [r for r in store.health.failing(include_skips=True)
                 if r.plx_id == person["id"]]
    store.health.request_retry([skipped])
    run = sync()
    [created] = control.sf_records("Contact")
    assert created["Id"] != contact and created["Email"] == "ada@engines.example.com"
    assert totals(run)["created"] == 1
    assert control.people()[0]["salesforce_contact_id"] == created["Id"]


def test_with_the_setting_a_deleted_contact_deletes_its_person(sandbox, sync, store, control):
    contact, person = _ada(sandbox, sync, store, control)
    store.settings.set(SALESFORCE_DELETES, "delete")
    sandbox.salesforce.org.delete("Contact", contact)
    run = sync()
    assert run.ok and control.people() == []
    assert store.links.by_sf_id(contact) is None
    with plx_client(sandbox) as client:
        gone = [p for page in client.iter_deleted_people() for p in page]
    assert [p["id"] for p in gone] == [person["id"]]
    assert totals(sync())["created"] == 0 and control.sf_records("Contact") == []


def test_an_undeleted_contact_is_linked_to_its_person_again(sandbox, sync, store, control):
    contact, person = _ada(sandbox, sync, store, control)
    sandbox.salesforce.org.delete("Contact", contact)
    sync()
    control.undelete(contact)
    run = sync()
    assert run.ok and totals(run)["failed"] == 0 and totals(run)["created"] == 0
    [after] = control.people()
    assert after["id"] == person["id"] and after["salesforce_contact_id"] == contact
    assert after["salesforce_deleted"] is False
    assert store.links.by_sf_id(contact).plx_id == person["id"]
    assert store.ended_links.for_sf_ids([contact]) == {}
    assert len(control.sf_records("Contact")) == 1


def test_a_merge_into_an_unsynced_contact_moves_the_link(sandbox, sync, store, control):
    loser, person = _ada(sandbox, sync, store, control)
    master = sf_create(sandbox, "Contact", FirstName="Augusta", LastName="King",
                       Email="augusta@engines.example.com")
    control.merge("Contact", master, loser)
    run = sync()
    assert run.ok and totals(run)["failed"] == 0
    [after] = control.people()
    assert after["id"] == person["id"] and after["salesforce_contact_id"] == master
    assert (after["first_name"], after["email"]) == ("Augusta", "augusta@engines.example.com")
    assert store.links.by_sf_id(master).plx_id == person["id"]
    assert store.links.by_sf_id(loser) is None
    assert [r["Id"] for r in control.sf_records("Contact")] == [master]
    assert totals(sync())["created"] == 0


def test_a_merge_of_two_linked_contacts_merges_their_people(sandbox, sync, store, control):
    emptied(sandbox)
    master = sf_create(sandbox, "Contact", FirstName="Grace", LastName="Hopper",
                       Email="grace@navy.example.com")
    loser = sf_create(sandbox, "Contact", FirstName="Grace", LastName="Hopper",
                      Email="g.hopper@navy.example.com")
    custom_with(store, "contact_to_people", "people_to_contact", "emails_to_contact_tasks")
    assert sync().ok
    people = {p["salesforce_contact_id"]: p for p in control.people()}
    kept, merged = people[master], people[loser]
    email = control.activity("email", merged["id"], subject="Before the merge")
    assert sync().ok
    control.merge("Contact", master, loser)
    run = sync()
    assert run.ok and totals(run)["failed"] == 0, log_of(store, outcomes=["failed"])
    [after] = control.people()
    assert after["id"] == kept["id"] and after["salesforce_contact_id"] == master
    with plx_client(sandbox) as client:
        emails = [e for page in client.iter_emails() for e in page]
        gone = [p for page in client.iter_deleted_people() for p in page]
    assert [(e["id"], e["person_id"]) for e in emails] == [(email["id"], kept["id"])]
    assert [(p["id"], p["merged_into"]) for p in gone] == [(merged["id"], kept["id"])]
    assert {t["WhoId"] for t in control.sf_records("Task")} == {master}
    assert [e for e in log_of(store, code="MERGED_IN_SALESFORCE", run_id=run.run_id)]

    # An activity recorded later for the merged person goes to the survivor.
    later = control.activity("email", merged["id"], subject="After the merge")
    assert later["person_id"] == kept["id"]
    assert sync().ok
    tasks = control.sf_records("Task")
    assert len(tasks) == 2 and {t["WhoId"] for t in tasks} == {master}
    assert len(control.sf_records("Contact")) == 1


def test_entity_is_deleted_on_a_write_is_a_delete_not_a_recurring_failure(sandbox, sync, store,
                                                                         control):
    emptied(sandbox)
    custom_with(store, "people_to_contact")  # nothing reads Contacts: the write finds out
    with plx_client(sandbox) as client:
        person = client.create_person({"email": "alan@bletchley.example.com",
                                       "first_name": "Alan", "last_name": "Turing"})
    assert sync().ok
    [contact] = control.sf_records("Contact")
    sandbox.salesforce.org.delete("Contact", contact["Id"])
    for name in ("Turing-Smith", "Turing-Jones"):
        with plx_client(sandbox) as client:
            client.update_person(person["id"], {"last_name": name})
        run = sync()
        assert run.ok and totals(run)["failed"] == 0
        assert control.sf_records("Contact") == []
    assert log_of(store, outcomes=["failed"]) == []
    assert store.links.by_sf_id(contact["Id"]) is None
    assert control.people()[0]["salesforce_deleted"] is True


def test_a_deleted_lead_unlinks_its_person_and_a_preview_changes_nothing(sandbox, sync, store,
                                                                        control):
    emptied(sandbox)
    lead = sf_create(sandbox, "Lead", FirstName="Hedy", LastName="Lamarr",
                     Email="hedy@films.example.com", Company="MGM")
    custom_with(store, "lead_to_people", "people_to_lead")
    assert sync().ok
    [person] = control.people()
    sandbox.salesforce.org.delete("Lead", lead)
    preview = sync(dry_run=True)
    assert any(e.error_code == "DELETED_IN_SALESFORCE" for e in preview.preview)
    assert store.links.by_sf_id(lead) is not None  # a preview writes nothing
    assert control.people()[0]["salesforce_lead_id"] == lead
    run = sync()
    assert run.ok and totals(run)["failed"] == 0
    [after] = control.people()
    assert after["id"] == person["id"] and after["salesforce_lead_id"] is None
    assert after["salesforce_deleted"] is True
    assert control.sf_records("Lead") == []
    assert totals(sync())["created"] == 0 and control.sf_records("Lead") == []
