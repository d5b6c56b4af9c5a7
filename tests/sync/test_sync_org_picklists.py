"""The org's own picklists against the engine, end to end on the sandbox: Lead Status, Task Status
and Task Priority come from the org, an edit counts from the next run, and no step writes a value
the org does not list."""

from __future__ import annotations

from sync_helpers import custom_with, emptied, log_of, plx_client, sf_create

from plx_desktop.connectors.salesforce import SalesforceClient, SalesforceConnection
from plx_desktop.domain import default_profile
from plx_desktop.sync.org_picklists import read_picklists, status_map_problems

CUSTOM_LEAD_STATUSES = [{"value": "New", "default": True}, {"value": "Working - Contacted"},
                        {"value": "Won", "converted": True}, {"value": "Disqualified"}]


def _lead_person(sandbox, sync, store, *kinds: str):
    emptied(sandbox)
    custom_with(store, "lead_to_people", *kinds)
    lead_id = sf_create(sandbox, "Lead", FirstName="Ada", LastName="Lovelace", Company="AE",
                        Email="ada@ae.example.com")
    assert sync().status == "completed"
    return lead_id


def test_a_status_the_org_lacks_is_skipped_with_the_reason(sandbox, sync, store, control):
    lead_id = _lead_person(sandbox, sync, store, "inbox_state_to_lead_status")
    control.sf_control("POST", "picklist", {"object": "Lead", "field": "Status",
                                            "values": CUSTOM_LEAD_STATUSES})
    [person] = control.people()
    control.inbox_state(person["id"], "not_interested")  # preset map: "Closed - Not Converted"
    run = sync()
    assert run.status == "completed"
    lead = next(r for r in control.sf_records("Lead") if r["Id"] == lead_id)
    assert lead["Status"] == "Open - Not Contacted"  # Salesforce would have saved it silently
    [skip] = log_of(store, code="NOT_IN_ORG_PICKLIST")
    assert skip.sf_id == lead_id and "Closed - Not Converted" in skip.message
    assert "Disqualified" in skip.message  # the admin sees what the org has
    control.inbox_state(person["id"], "interested")  # preset: "Working - Contacted", in the org
    assert sync().status == "completed"
    lead = next(r for r in control.sf_records("Lead") if r["Id"] == lead_id)
    assert lead["Status"] == "Working - Contacted"


def test_check_org_names_the_preset_values_the_org_lacks(sandbox, control):
    control.sf_control("POST", "picklist", {"object": "Lead", "field": "Status",
                                            "values": CUSTOM_LEAD_STATUSES})
    info = sandbox.info
    connection = SalesforceConnection(instance_url=info.salesforce_instance_url,
                                      access_token=info.salesforce_access_token,
                                      ca_file=str(info.ca_file))
    with SalesforceClient(connection) as sf:
        org = read_picklists(sf)
    assert org.lead_statuses == ("New", "Working - Contacted", "Won", "Disqualified")
    assert org.lead_default == "New" and org.lead_converted == {"Won"}
    [inbox] = [s for s in default_profile().steps if s.kind.key == "inbox_state_to_lead_status"]
    [problem] = status_map_problems(inbox, org)
    assert "'Closed - Not Converted'" in problem and "Disqualified" in problem


def test_new_leads_get_the_orgs_default_status(sandbox, sync, store, control):
    emptied(sandbox)
    custom_with(store, "people_to_lead")
    control.sf_control("POST", "picklist", {"object": "Lead", "field": "Status",
                                            "values": CUSTOM_LEAD_STATUSES})
    with plx_client(sandbox) as client:
        client.create_person({"first_name": "Alan", "last_name": "Turing",
                              "email": "alan@bletchley.example.com"})
    assert sync().status == "completed"
    [lead] = control.sf_records("Lead")
    assert lead["Status"] == "New"


def test_tasks_take_the_orgs_closed_status_and_priority(sandbox, sync, store, control):
    _lead_person(sandbox, sync, store, "emails_to_lead_tasks", "tasks_to_lead_tasks")
    control.sf_control("POST", "picklist", {"object": "Task", "field": "Status", "values": [
        {"value": "To do", "default": True}, {"value": "Done", "closed": True}]})
    control.sf_control("POST", "picklist", {"object": "Task", "field": "Priority", "values": [
        {"value": "P1", "high": True}, {"value": "P2", "default": True}, {"value": "P3"}]})
    [person] = control.people()
    control.activity("email", person["id"], subject="Hello")
    control.activity("task", person["id"], title="Call back", status="open")
    run = sync()
    assert run.status == "completed", run.steps
    tasks = {t["Subject"]: t for t in control.sf_records("Task")}
    assert (tasks["Email: Hello"]["Status"], tasks["Email: Hello"]["IsClosed"]) == ("Done", True)
    assert tasks["Task: Call back"]["Status"] == "To do"
    assert {t["Priority"] for t in tasks.values()} == {"P2"}


def test_tasks_are_owned_by_the_rep_who_sent_or_made_them(sandbox, sync, store, control):
    from plx_desktop.store.settings import TASK_OWNER_MAP

    _lead_person(sandbox, sync, store, "emails_to_lead_tasks", "calls_to_lead_tasks")
    rep = control.sf_user("rita", "rita@corp.example.com")
    gone = control.sf_user("gus", "gus@corp.example.com")
    control.sf_control("POST", f"users/{gone}/active", {"active": False})
    mapped = control.sf_user("max", "max.sf@corp.example.com")
    store.settings.set(TASK_OWNER_MAP, {"max@peoplelinx.example.com": "max.sf@corp.example.com"})
    [person] = control.people()
    control.activity("email", person["id"], subject="From Rita", user_email="Rita@Corp.example.com")
    control.activity("email", person["id"], subject="From Gus", user_email="gus@corp.example.com")
    control.activity("email", person["id"], subject="Unknown", user_email="nobody@example.com")
    control.activity("call", person["id"], user_email="max@peoplelinx.example.com")
    assert sync().status == "completed"
    owners = {t["Subject"]: t["OwnerId"] for t in control.sf_records("Task")}
    admin = sandbox.salesforce.org.admin_id  # the connected user
    assert owners["Email: From Rita"] == rep
    assert owners["Email: From Gus"] == admin  # an inactive user owns nothing
    assert owners["Email: Unknown"] == admin
    assert [o for s, o in owners.items() if s.startswith("Call")] == [mapped]
