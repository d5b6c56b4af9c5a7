"""Retry from Sync health: a record that failed is retried first in the next run, by id, whatever
the cursor says, and leaves the health list once it syncs."""

from __future__ import annotations

from sync_helpers import custom_with, emptied, log_of, plx_client, totals

from plx_desktop.domain import FieldMapping


def _persona_picklist(control, values):
    control._sf("POST", "fields", {
        "object": "Lead", "name": "Persona__c", "type": "picklist", "picklist_values": values,
        "restricted": True})


def test_a_refused_lead_is_retried_after_the_admin_fixes_salesforce(sandbox, sync, store, control):
    _persona_picklist(control, ["Champion"])

    def map_persona(profile, steps):
        profile.add_mapping(steps[0].uid, FieldMapping("Persona__c", "custom_fields.persona",
                                                       "picklist", "picklist"))

    custom_with(store, "people_to_lead", edit=map_persona)
    emptied(sandbox)
    control._plx("POST", "fields", {"key": "persona", "label": "Persona", "type": "picklist",
                                    "options": ["Champion", "Decision maker"]})
    with plx_client(sandbox) as client:
        person = client.create_person({"first_name": "Grace", "last_name": "Hopper",
                                       "email": "grace@navy.example.com", "account": "Navy",
                                       "custom_fields": {"persona": "Decision maker"}})
    run = sync()
    assert totals(run)["failed"] == 1
    [failing] = store.health.failing()
    assert (failing.plx_id, failing.error_code) == (person["id"],
                                                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
    assert totals(sync())["failed"] == 0  # nothing changed in PeopleLinx: not read again

    _persona_picklist(control, ["Champion", "Decision maker"])  # the admin fixes Salesforce
    store.health.request_retry([failing])
    run = sync()
    assert totals(run)["created"] == 1 and totals(run)["failed"] == 0
    [lead] = control.sf_records("Lead")
    assert (lead["Email"], lead["Persona__c"]) == ("grace@navy.example.com", "Decision maker")
    assert store.health.failing() == [] and store.health.retry_requests(run.steps[0].step_uid) == []
    assert [e.outcome for e in log_of(store, run_id=run.run_id)] == ["created"]
