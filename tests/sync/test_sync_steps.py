"""Each of the twelve step kinds, alone in a Custom profile (with the people step it needs first),
run end to end against the sandbox: the records land on the other side with the right fields."""

from __future__ import annotations

import pytest
from sync_helpers import by_email, custom_with, duplicates, plx_client, totals

from plx_desktop.domain.status_maps import INBOX_TO_LEAD_STATUS, SEQUENCE_TO_LEAD_STATUS


def _person_by_email(control) -> dict[str, dict]:
    return {email: group[0] for email, group in by_email(control.people(), "email").items()}


def test_contact_to_people_gives_every_contact_a_person(sync, store, control):
    custom_with(store, "contact_to_people")
    summary = sync()
    assert summary.status == "completed", summary.reason
    accounts = {a["Id"]: a["Name"] for a in control.sf_records("Account")}
    people = _person_by_email(control)
    contacts = control.sf_records("Contact")
    assert len(contacts) == 205
    for contact in contacts:
        person = people[contact["Email"].lower()]
        assert (person["first_name"], person["last_name"]) == (contact["FirstName"],
                                                               contact["LastName"])
        assert person["account"] == accounts[contact["AccountId"]]
        assert person["salesforce_contact_id"] == contact["Id"]
        assert person["salesforce_url"].endswith("/" + contact["Id"])
        assert person["synced_with_salesforce"] is True
    assert duplicates(control.people(), "email") == {}
    # 40 demo contacts were in PeopleLinx already (matched by email), the others are new.
    assert (totals(summary)["created"], totals(summary)["updated"]) == (165, 40)


def test_lead_to_people_gives_every_lead_a_person(sync, store, control):
    custom_with(store, "lead_to_people")
    assert sync().status == "completed"
    people = _person_by_email(control)
    for lead in control.sf_records("Lead"):
        person = people[lead["Email"].lower()]
        assert (person["first_name"], person["last_name"], person["account"]) == (
            lead["FirstName"], lead["LastName"], lead["Company"])
        assert person["salesforce_lead_id"] == lead["Id"]
    assert duplicates(control.people(), "email") == {}


def test_people_to_contact_creates_contacts_with_accounts(sync, store, control):
    custom_with(store, "people_to_contact")
    before = {c["Email"].lower() for c in control.sf_records("Contact")}
    summary = sync()
    assert summary.status == "completed", summary.reason
    accounts = {a["Id"]: a["Name"] for a in control.sf_records("Account")}
    contacts = by_email(control.sf_records("Contact"))
    people = control.people()
    assert len(people) == 120
    for person in people:
        [contact] = contacts[person["email"].lower()]
        assert (contact["FirstName"], contact["LastName"]) == (person["first_name"],
                                                               person["last_name"])
        assert accounts[contact["AccountId"]] == person["account"]
        if person["email"].lower() not in before:
            assert contact["PeopleLinx_Id__c"] == person["id"]
    refreshed = {p["id"]: p for p in control.people()}
    for person in people:
        assert refreshed[person["id"]]["salesforce_contact_id"] == \
            contacts[person["email"].lower()][0]["Id"]
    assert summary.steps[0].created == len({p["email"].lower() for p in people} - before)


def test_people_to_lead_creates_leads(sync, store, control):
    custom_with(store, "people_to_lead")
    before = {r["Email"].lower() for r in control.sf_records("Lead")}
    assert sync().status == "completed"
    leads = by_email(control.sf_records("Lead"))
    for person in control.people():
        [lead] = leads[person["email"].lower()]
        assert (lead["FirstName"], lead["LastName"], lead["Company"]) == (
            person["first_name"], person["last_name"], person["account"])
        if person["email"].lower() not in before:
            assert lead["Status"] == "Open - Not Contacted"
            assert lead["PeopleLinx_Id__c"] == person["id"]
        assert person["salesforce_lead_id"] == lead["Id"]


def _lead_person(control) -> tuple[dict, dict]:
    """A person linked to an open (not converted) lead, and that lead."""
    leads = {r["Id"]: r for r in control.sf_records("Lead")}
    for person in control.people():
        lead = leads.get(person.get("salesforce_lead_id") or "")
        if lead and not lead["IsConverted"] and lead["Status"] == "Open - Not Contacted":
            return person, lead
    raise AssertionError("no person linked to an open lead")


def _lead(control, lead_id: str) -> dict:
    return next(r for r in control.sf_records("Lead") if r["Id"] == lead_id)


def _a_sequence(sandbox) -> str:
    with plx_client(sandbox) as client:
        return next(s["id"] for s in client.sequences() if s.get("status") != "archived")


@pytest.mark.parametrize(("kind", "value", "values"), [
    ("sequence_status_to_lead_status", "opted_out", SEQUENCE_TO_LEAD_STATUS),
    ("sequence_status_to_lead_status", "replied", SEQUENCE_TO_LEAD_STATUS),
    ("inbox_state_to_lead_status", "not_interested", INBOX_TO_LEAD_STATUS),
    ("inbox_state_to_lead_status", "meeting_booked", INBOX_TO_LEAD_STATUS),
])
def test_status_steps_set_the_lead_status_through_the_value_map(sandbox, sync, store, control,
                                                                kind, value, values):
    custom_with(store, "lead_to_people", kind)
    assert sync().status == "completed"
    person, lead = _lead_person(control)
    if kind.startswith("sequence"):
        control.sequence_status(person["id"], _a_sequence(sandbox), value)
    else:
        control.inbox_state(person["id"], value)
    summary = sync()
    assert summary.status == "completed", summary.reason
    assert _lead(control, lead["Id"])["Status"] == dict(values)[value]
    assert summary.steps[1].updated == 1
    assert sync().steps[1].updated == 0  # the same status is not written again


def test_a_status_the_map_leaves_out_leaves_the_lead_alone(sandbox, sync, store, control):
    def edit(profile, steps):
        profile.set_status_value(steps[1].uid, "interested", None)

    custom_with(store, "lead_to_people", "inbox_state_to_lead_status", edit=edit)
    assert sync().status == "completed"
    person, lead = _lead_person(control)
    control.inbox_state(person["id"], "interested")
    summary = sync()
    assert summary.steps[1].updated == 0
    assert _lead(control, lead["Id"])["Status"] == "Open - Not Contacted"


def _tasks_for(control, external_id: str) -> list[dict]:
    return [t for t in control.sf_records("Task") if t.get("PeopleLinx_Activity_Id__c") == external_id]


def _linked_person(control, target: str) -> tuple[dict, str]:
    """A person linked to a `target` (Contact / Lead) only, and that record's id."""
    leads = {r["Id"]: r for r in control.sf_records("Lead")}
    for person in control.people():
        contact_id, lead_id = person.get("salesforce_contact_id"), person.get("salesforce_lead_id")
        if target == "Contact" and contact_id and not lead_id:
            return person, contact_id
        if target == "Lead" and lead_id and not contact_id and not leads[lead_id]["IsConverted"]:
            return person, lead_id
    raise AssertionError(f"no person linked to a {target} only")


ACTIVITIES = {
    "email": ({"direction": "outbound", "subject": "Quarterly review", "body": "Hello there",
               "sent_at": "2026-02-03T10:00:00.000000Z"},
              {"Subject": "Email: Quarterly review", "Status": "Completed", "TaskSubtype": "Email",
               "Description": "Hello there", "ActivityDate": "2026-02-03"}),
    "task": ({"type": "other", "title": "Send the deck", "note": "by Friday",
              "due_date": "2026-02-06", "status": "completed",
              "completed_at": "2026-02-05T09:00:00.000000Z"},
             {"Subject": "Task: Send the deck", "Status": "Completed", "TaskSubtype": "Task",
              "Description": "by Friday", "ActivityDate": "2026-02-06"}),
    "call": ({"direction": "inbound", "disposition": "left_voicemail", "duration_seconds": 95,
              "notes": "Call back Tuesday", "called_at": "2026-02-04T15:30:00.000000Z"},
             {"Subject": "Call (inbound): left voicemail", "Status": "Completed",
              "TaskSubtype": "Call", "CallDurationInSeconds": 95, "CallType": "Inbound",
              "CallDisposition": "left voicemail", "Description": "Call back Tuesday",
              "ActivityDate": "2026-02-04"}),
}


@pytest.mark.parametrize("kind", [
    "emails_to_contact_tasks", "emails_to_lead_tasks", "tasks_to_lead_tasks",
    "tasks_to_contact_tasks", "calls_to_contact_tasks", "calls_to_lead_tasks"])
def test_activity_steps_log_each_activity_as_one_task(sync, store, control, kind):
    target = "Contact" if kind.endswith("contact_tasks") else "Lead"
    people_step = "contact_to_people" if target == "Contact" else "lead_to_people"
    custom_with(store, people_step, kind)
    first = sync()
    assert first.status == "completed", first.reason
    activity_kind = kind.split("s_to_")[0]
    person, who_id = _linked_person(control, target)
    fields, expected = ACTIVITIES[activity_kind]
    activity = control.activity(activity_kind, person["id"], **fields)
    external_id = f"{activity_kind}:{activity['id']}"
    summary = sync()
    assert summary.status == "completed", summary.reason
    assert summary.steps[1].created == 1
    [task] = _tasks_for(control, external_id)
    assert task["WhoId"] == who_id
    assert {k: task[k] for k in expected} == expected
    # Read again (the boundary record of an inclusive cursor) and again: still exactly one Task.
    for _ in range(2):
        again = sync()
        assert totals(again)["created"] == totals(again)["updated"] == 0
    assert len(_tasks_for(control, external_id)) == 1
    # Every demo activity of this kind for a linked person became exactly one Task too.
    tasks = [t for t in control.sf_records("Task")
             if (t.get("PeopleLinx_Activity_Id__c") or "").startswith(activity_kind + ":")]
    assert duplicates(tasks, "PeopleLinx_Activity_Id__c") == {}
    assert first.steps[1].created == len(tasks) - 1


def test_an_activity_changed_in_peoplelinx_updates_its_task(sync, store, control):
    custom_with(store, "contact_to_people", "calls_to_contact_tasks")
    sync()
    person, _ = _linked_person(control, "Contact")
    call = control.activity("call", person["id"], disposition="no_answer", duration_seconds=0)
    sync()
    control.activity("call", person["id"], id=call["id"], disposition="connected",
                     duration_seconds=300)
    summary = sync()
    assert (summary.steps[1].created, summary.steps[1].updated) == (0, 1)
    [task] = _tasks_for(control, f"call:{call['id']}")
    assert (task["CallDisposition"], task["CallDurationInSeconds"]) == ("connected", 300)
