"""People → Lead: Company '[not provided]' and the default Status when unmapped, invalid emails
refused with a log entry, overlong values cut to fit with a warning."""

from __future__ import annotations

from sync_helpers import by_email, custom_with, emptied, log_of, plx_client

from plx_desktop.domain import LEAD_COMPANY_PLACEHOLDER


def _people(sandbox, *people: dict) -> list[dict]:
    with plx_client(sandbox) as client:
        return [client.create_person(p) for p in people]


def test_new_leads_get_the_company_placeholder_and_the_default_status(sandbox, sync, store,
                                                                     control):
    emptied(sandbox)
    no_company, with_company = _people(
        sandbox, {"first_name": "Mary", "last_name": "Jackson", "email": "mary@example.com"},
        {"first_name": "Dorothy", "last_name": "Vaughan", "email": "dorothy@example.com",
         "account": "Langley"})
    custom_with(store, "people_to_lead")
    run = sync()
    assert run.status == "completed" and run.steps[0].created == 2
    leads = by_email(control.sf_records("Lead"))
    [mary], [dorothy] = leads["mary@example.com"], leads["dorothy@example.com"]
    assert LEAD_COMPANY_PLACEHOLDER == "[not provided]"
    assert (mary["Company"], mary["Status"]) == ("[not provided]", "Open - Not Contacted")
    assert (dorothy["Company"], dorothy["Status"]) == ("Langley", "Open - Not Contacted")
    assert mary["PeopleLinx_Id__c"] == no_company["id"]


def test_an_invalid_email_is_refused_with_a_log_entry(sandbox, sync, store, control):
    emptied(sandbox)
    # PeopleLinx accepts this address; Salesforce does not (no commas in an address).
    bad, good = _people(
        sandbox, {"first_name": "Bad", "last_name": "Address", "email": "bad,address@example.com"},
        {"first_name": "Good", "last_name": "Address", "email": "good@example.com"})
    custom_with(store, "people_to_lead")
    run = sync()
    assert run.status == "completed"
    assert (run.steps[0].created, run.steps[0].failed) == (1, 1)
    assert [r["Email"] for r in control.sf_records("Lead")] == ["good@example.com"]
    [entry] = log_of(store, outcomes=["failed"])
    assert (entry.plx_id, entry.error_code) == (bad["id"], "INVALID_EMAIL_ADDRESS")
    assert "bad,address@example.com" in entry.message


def test_an_overlong_name_is_cut_to_fit_with_a_warning(sandbox, sync, store, control):
    emptied(sandbox)
    long_first = "Bartholomew-Maximilian-Alexander-Christopher"  # 44; Lead.FirstName holds 40
    [person] = _people(sandbox, {"first_name": long_first, "last_name": "Smith",
                                 "email": "bart@example.com"})
    custom_with(store, "people_to_lead")
    run = sync()
    assert run.status == "completed" and run.steps[0].created == 1
    [lead] = control.sf_records("Lead")
    assert lead["FirstName"] == long_first[:40]
    [entry] = log_of(store, outcomes=["created"])
    assert entry.plx_id == person["id"]
    assert "cut from 44 to 40 characters" in entry.message, entry.message
    # The cut value is what was synced: the next runs do not try again.
    assert sync().steps[0].updated == 0
    assert sync().steps[0].updated == 0
