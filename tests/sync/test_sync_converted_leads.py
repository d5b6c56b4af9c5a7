"""Converted leads: the person gets the converted contact; updates to the lead are skipped with
CANNOT_UPDATE_CONVERTED_LEAD in the log and never fail the run; later activities go to the contact."""

from __future__ import annotations

from sync_helpers import custom_with, emptied, log_of, plx_client, sf_create, totals

from plx_desktop.store.settings import FOLLOW_CONVERTED_LEADS


def _converted(sandbox, sync, control):
    emptied(sandbox)
    lead_id = sf_create(sandbox, "Lead", FirstName="Katherine", LastName="Johnson",
                        Email="katherine@nasa.example.com", Company="NASA")
    sync()
    [person] = control.people()
    assert person["salesforce_lead_id"] == lead_id
    converted = control.convert_lead(lead_id)
    return person, lead_id, converted["contact_id"]


def test_a_converted_lead_links_its_contact_to_the_person(sandbox, sync, store, control):
    person, lead_id, contact_id = _converted(sandbox, sync, control)
    run = sync()
    assert run.status == "completed"
    [after] = control.people()
    assert after["id"] == person["id"]
    assert (after["salesforce_contact_id"], after["salesforce_id"]) == (contact_id, contact_id)
    assert after["salesforce_lead_id"] == lead_id
    assert store.links.by_sf_id(contact_id).plx_id == person["id"]
    assert len(control.sf_records("Contact")) == 1  # nothing created besides the conversion
    assert totals(sync())["created"] == totals(sync())["updated"] == 0


def test_a_peoplelinx_change_skips_the_converted_lead_and_reaches_the_contact(sandbox, sync,
                                                                             store, control):
    person, lead_id, contact_id = _converted(sandbox, sync, control)
    sync()
    with plx_client(sandbox) as client:
        client.update_person(person["id"], {"last_name": "Goble"})
    run = sync()
    assert run.status == "completed", run.reason
    assert totals(run)["failed"] == 0
    [skipped] = log_of(store, code="CANNOT_UPDATE_CONVERTED_LEAD", run_id=run.run_id)
    assert (skipped.outcome, skipped.sf_id, skipped.plx_id) == ("skipped", lead_id, person["id"])
    assert "converted" in skipped.message
    contact = next(c for c in control.sf_records("Contact") if c["Id"] == contact_id)
    assert contact["LastName"] == "Goble"
    lead = next(r for r in control.sf_records("Lead") if r["Id"] == lead_id)
    assert lead["LastName"] == "Johnson" and lead["IsConverted"]


def test_activities_after_conversion_go_to_the_converted_contact(sandbox, sync, store, control):
    person, lead_id, contact_id = _converted(sandbox, sync, control)
    sync()
    email = control.activity("email", person["id"], subject="After the conversion")
    call = control.activity("call", person["id"], disposition="connected", duration_seconds=60)
    task = control.activity("task", person["id"], title="Send the contract")
    run = sync()
    assert run.status == "completed" and totals(run)["failed"] == 0
    tasks = {t["PeopleLinx_Activity_Id__c"]: t for t in control.sf_records("Task")}
    for kind, activity in (("email", email), ("call", call), ("task", task)):
        assert tasks[f"{kind}:{activity['id']}"]["WhoId"] == contact_id
    assert len(tasks) == 3


def test_follow_through_sends_a_converted_leads_update_to_its_contact(sandbox, sync, store,
                                                                      control):
    """Off by default; on, a People → Lead update of a converted lead lands on its contact even
    when no People → Contact step would carry it."""
    custom_with(store, "lead_to_people", "people_to_lead")
    person, lead_id, contact_id = _converted(sandbox, sync, control)
    sync()
    with plx_client(sandbox) as client:
        client.update_person(person["id"], {"last_name": "Goble"})
    store.settings.set(FOLLOW_CONVERTED_LEADS, True)
    run = sync()
    assert run.status == "completed" and totals(run)["failed"] == 0
    contact = next(c for c in control.sf_records("Contact") if c["Id"] == contact_id)
    assert contact["LastName"] == "Goble"
    [entry] = [e for e in log_of(store, run_id=run.run_id) if e.sf_id == contact_id]
    assert entry.outcome == "updated" and "was converted" in entry.message
    assert log_of(store, code="CANNOT_UPDATE_CONVERTED_LEAD", run_id=run.run_id) == []


def test_without_follow_through_a_people_to_lead_profile_leaves_the_contact_alone(
        sandbox, sync, store, control):
    custom_with(store, "lead_to_people", "people_to_lead")
    person, lead_id, contact_id = _converted(sandbox, sync, control)
    sync()
    with plx_client(sandbox) as client:
        client.update_person(person["id"], {"last_name": "Goble"})
    run = sync()
    contact = next(c for c in control.sf_records("Contact") if c["Id"] == contact_id)
    assert contact["LastName"] == "Johnson"
    assert len(log_of(store, code="CANNOT_UPDATE_CONVERTED_LEAD", run_id=run.run_id)) == 1
