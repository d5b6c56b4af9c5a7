"""The org's own rules against the engine, end to end on the sandbox: a lead assignment rule never
re-owns a synced lead, and runs on new leads only as the setting says (Collections and Bulk)."""

from __future__ import annotations

from sync_helpers import custom_with, emptied, plx_client, sf_create

from plx_desktop.store.settings import RUN_LEAD_ASSIGNMENT_RULES
from plx_desktop.sync.context import Tuning


def _owner(control, lead_id: str) -> str:
    return next(r["OwnerId"] for r in control.sf_records("Lead") if r["Id"] == lead_id)


def _new_people(sandbox, count: int, prefix: str = "p") -> list[dict]:
    with plx_client(sandbox) as client:
        return [client.create_person({"first_name": f"{prefix}{i}", "last_name": "Lead",
                                      "email": f"{prefix}{i}@prospects.example.com"})
                for i in range(count)]


def test_updates_never_run_the_assignment_rule_and_new_leads_do(sandbox, sync, store, control):
    emptied(sandbox)
    admin = sandbox.salesforce.org.admin_id
    custom_with(store, "lead_to_people", "people_to_lead")
    lead_id = sf_create(sandbox, "Lead", FirstName="Ada", LastName="Lovelace", Company="AE",
                        Email="ada@ae.example.com")
    assert sync().status == "completed"
    rep = control.sf_user("rita")
    control.sf_control("POST", "assignment-rule", {"object": "Lead", "owner_id": rep})
    [person] = control.people()
    with plx_client(sandbox) as client:
        client.update_person(person["id"], {"last_name": "King"})
    [newcomer] = _new_people(sandbox, 1)
    assert sync().status == "completed"
    leads = {r["Email"]: r for r in control.sf_records("Lead")}
    assert leads["ada@ae.example.com"]["LastName"] == "King"
    assert _owner(control, lead_id) == admin  # the update kept its owner
    assert leads[newcomer["email"]]["OwnerId"] == rep  # the new lead went through the rule


def test_with_the_setting_off_new_leads_stay_with_the_connected_user(sandbox, sync, store,
                                                                     control):
    emptied(sandbox)
    store.settings.set(RUN_LEAD_ASSIGNMENT_RULES, False)
    custom_with(store, "people_to_lead")
    rep = control.sf_user("rita")
    control.sf_control("POST", "assignment-rule", {"object": "Lead", "owner_id": rep})
    _new_people(sandbox, 2)
    assert sync().status == "completed"
    owners = {r["OwnerId"] for r in control.sf_records("Lead")}
    assert owners == {sandbox.salesforce.org.admin_id}


def test_bulk_jobs_name_the_active_rule_only_when_the_setting_is_on(sandbox, sync, store,
                                                                    control):
    emptied(sandbox)
    custom_with(store, "people_to_lead")
    rep = control.sf_user("rita")
    control.sf_control("POST", "assignment-rule", {"object": "Lead", "owner_id": rep})
    bulk = Tuning(bulk_threshold=20, salesforce_batch=5)
    _new_people(sandbox, 24, "on")
    control.sf_clear_calls()
    assert sync(tuning=bulk).status == "completed"
    assert any(r.startswith("jobs/ingest") for r in control.sf_calls()["by_route"])
    assert {r["OwnerId"] for r in control.sf_records("Lead")} == {rep}
    store.settings.set(RUN_LEAD_ASSIGNMENT_RULES, False)
    _new_people(sandbox, 24, "off")
    assert sync(tuning=bulk).status == "completed"
    off = [r for r in control.sf_records("Lead") if r["Email"].startswith("off")]
    assert len(off) == 24 and {r["OwnerId"] for r in off} == {sandbox.salesforce.org.admin_id}
