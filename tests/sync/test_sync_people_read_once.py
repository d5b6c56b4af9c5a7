"""People → Contact and People → Lead read PeopleLinx once a run (sync/people_reads.py): a step's
read stops at its own start (its write-backs are the next poll's), the second People step takes
the people the first one read, and nothing is lost or created twice on the way."""

from __future__ import annotations

from sync_helpers import by_email, custom_with, emptied, plx_client, sf_create, totals

from plx_desktop.domain import SavedFilter
from plx_desktop.sync.context import Tuning

# Small pages and a small Bulk threshold: the 40 people of a test page as 100,000 do.
TUNING = Tuning(page_size=5, bulk_threshold=10, salesforce_batch=200)


def _people(sandbox, n_contacts: int, n_leads: int) -> dict[str, dict]:
    """People whose company is an Account (they become Contacts) and people without one
    (Leads), interleaved in PeopleLinx's order."""
    emptied(sandbox)
    sf_create(sandbox, "Account", Name="Acme")
    out = {}
    with plx_client(sandbox) as client:
        for n in range(max(n_contacts, n_leads)):
            if n < n_contacts:
                p = client.create_person({"first_name": "C", "last_name": f"Contact{n}",
                                          "email": f"c{n}@acme.example.com", "account": "Acme"})
                out[p["email"]] = p
            if n < n_leads:
                p = client.create_person({"first_name": "L", "last_name": f"Lead{n}",
                                          "email": f"l{n}@other.example.com"})
                out[p["email"]] = p
    return out


def _reads(sandbox) -> int:
    return sandbox.peoplelinx.calls.snapshot()["by_route"].get("/v1/people", 0)


class ChangeOnce:
    """SyncEvents that changes people in PeopleLinx once, when a step first says it made
    progress: a change made while the run goes on."""

    def __init__(self, sandbox, step_label: str, changes: dict[str, dict]):
        self.sandbox, self.step_label, self.changes, self.done = sandbox, step_label, changes, False

    def progress(self, p) -> None:
        if not self.done and p.step_label == self.step_label and p.done:
            self.done = True
            with plx_client(self.sandbox) as client:
                for person_id, change in self.changes.items():
                    client.update_person(person_id, change)

    def log_entries(self, entries) -> None:
        pass

    def api_usage(self, used: int, limit: int) -> None:
        pass


def _by_label(run) -> dict:
    return {s.label: s for s in run.steps}


def test_both_steps_read_the_people_once_and_each_person_becomes_one_record(sandbox, sync,
                                                                            store, control):
    people = _people(sandbox, 25, 15)
    custom_with(store, "people_to_contact", "people_to_lead")
    sandbox.peoplelinx.calls.reset()
    run = sync(tuning=TUNING)
    assert run.status == "completed", run.reason
    steps = _by_label(run)
    assert (steps["People → Contact"].created, steps["People → Lead"].created) == (25, 15)
    # One read of the 40 people (8 pages of 5), the page that ends it at the write-backs and the
    # one read ahead of that; the Lead step read none: it took the Contact step's.
    assert _reads(sandbox) <= 10
    contacts, leads = by_email(control.sf_records("Contact")), by_email(control.sf_records("Lead"))
    assert sorted(contacts) == sorted(e for e in people if e.startswith("c"))
    assert sorted(leads) == sorted(e for e in people if e.startswith("l"))
    assert all(len(v) == 1 for v in (contacts | leads).values())
    # Everyone has their link back in PeopleLinx.
    for person in control.people():
        slot = "salesforce_contact_id" if person["email"].startswith("c") else "salesforce_lead_id"
        assert person[slot], person
    # The next poll reads the write-backs (echoes: nothing is written); the one after reads one
    # empty page, for both steps.
    assert totals(sync(tuning=TUNING)) == totals(sync(tuning=TUNING)) == {
        "created": 0, "updated": 0, "skipped": 0, "failed": 0, "conflicts": 0}
    sandbox.peoplelinx.calls.reset()
    assert totals(sync(tuning=TUNING))["updated"] == 0
    assert _reads(sandbox) == 1


def test_a_person_changed_during_the_run_is_synced_by_the_next_poll(sandbox, sync, store,
                                                                    control):
    people = _people(sandbox, 25, 15)
    custom_with(store, "people_to_contact", "people_to_lead")
    early_contact, late_contact = people["c0@acme.example.com"], people["c24@acme.example.com"]
    lead = people["l3@other.example.com"]
    changes = {early_contact["id"]: {"last_name": "EarlyChanged"},
               late_contact["id"]: {"last_name": "LateChanged"},
               lead["id"]: {"last_name": "LeadChanged"}}
    # After the Contact step's first batch (its first 10 people, written back): c0 was synced
    # already, c24 not yet read, l3 read (and left to the Lead step as it was then).
    events = ChangeOnce(sandbox, "People → Contact", changes)
    first = sync(tuning=TUNING, events=events)
    assert events.done and first.status == "completed"
    steps = _by_label(first)
    # c24 changed after the step's first write-back: past the read's horizon, the next poll's.
    # The horizon is known once that first batch is settled, and the read runs ahead of the
    # settling (batches in flight, overlap.py): c24 may have been read by this run (as it was
    # then), and created; either way the next poll carries what this run did not.
    assert steps["People → Lead"].created == 15
    assert steps["People → Contact"].created in (24, 25)
    c24 = by_email(control.sf_records("Contact")).get("c24@acme.example.com")
    assert (c24 is None) == (steps["People → Contact"].created == 24)
    # l3 was read before its change; a read that ran on past the change met it again at the
    # end of the order, and the later read is what the Lead step wrote last.
    assert by_email(control.sf_records("Lead"))["l3@other.example.com"][0]["LastName"] in (
        "Lead3", "LeadChanged")
    second = sync(tuning=TUNING)
    assert second.status == "completed"
    contacts, leads = by_email(control.sf_records("Contact")), by_email(control.sf_records("Lead"))
    assert contacts["c0@acme.example.com"][0]["LastName"] == "EarlyChanged"
    assert contacts["c24@acme.example.com"][0]["LastName"] == "LateChanged"
    assert leads["l3@other.example.com"][0]["LastName"] == "LeadChanged"
    assert all(len(v) == 1 for v in (contacts | leads).values())
    assert len(contacts) == 25 and len(leads) == 15


def test_only_one_of_the_steps_enabled_reads_for_itself(sandbox, sync, store, control):
    people = _people(sandbox, 6, 6)
    custom_with(store, "people_to_contact", "people_to_lead")
    assert sync(tuning=TUNING).status == "completed"
    lead = people["l1@other.example.com"]
    with plx_client(sandbox) as client:
        client.update_person(lead["id"], {"last_name": "Changed"})
        new = client.create_person({"first_name": "N", "last_name": "New",
                                    "email": "new@other.example.com"})
    # Now only People → Lead: no Contact step reads for it, and nothing of the change is lost.
    custom_with(store, "people_to_lead")
    run = sync(tuning=TUNING)
    assert run.status == "completed", run.reason
    leads = by_email(control.sf_records("Lead"))
    assert leads["l1@other.example.com"][0]["LastName"] == "Changed"
    assert leads["new@other.example.com"][0]["PeopleLinx_Id__c"] == new["id"]
    assert all(len(v) == 1 for v in leads.values())


def test_steps_with_different_saved_filters_each_read_for_themselves(sandbox, sync, store,
                                                                     control):
    _people(sandbox, 6, 6)
    with plx_client(sandbox) as client:  # a person the Contact step's filter leaves out
        client.create_person({"first_name": "O", "last_name": "Outside",
                              "email": "out@elsewhere.example.com"})
    saved = control.add_filter("Acme people", {"all": [
        {"field": "email", "op": "ends_with", "value": "@acme.example.com"}]})

    def edit(profile, steps):
        profile.load_filter(steps[0].uid, SavedFilter(saved["id"], saved["name"]))

    custom_with(store, "people_to_contact", "people_to_lead", edit=edit)
    sandbox.peoplelinx.calls.reset()
    run = sync(tuning=TUNING)
    assert run.status == "completed", run.reason
    steps = _by_label(run)
    assert (steps["People → Contact"].created, steps["People → Lead"].created) == (6, 7)
    leads = by_email(control.sf_records("Lead"))
    assert "out@elsewhere.example.com" in leads and len(leads) == 7
    # Two reads: the Contact step's (6 people, filtered) and the Lead step's (all 13).
    assert _reads(sandbox) >= 2 + 3


def test_a_person_whose_links_change_between_the_steps_is_looked_at_again(sandbox, sync, store,
                                                                          control):
    """A person linked to a Contact alone is kept by id only for the Lead step; a lead linked to
    them after the Contact step (here a merge in PeopleLinx, whose link the Lead step moves) has
    them read again by id and synced, as the Lead step's own read would have."""
    people = _people(sandbox, 3, 3)
    custom_with(store, "people_to_contact", "people_to_lead")
    assert sync(tuning=TUNING).status == "completed"
    sync(tuning=TUNING)  # reads the write-backs
    master, merged = people["c1@acme.example.com"], people["l1@other.example.com"]
    lead_id = by_email(control.sf_records("Lead"))["l1@other.example.com"][0]["Id"]
    with plx_client(sandbox) as client:
        client.merge_people(master["id"], [merged["id"]])
    run = sync(tuning=TUNING)
    assert run.status == "completed", run.reason
    leads = {r["Id"]: r for r in control.sf_records("Lead")}
    # The lead now belongs to the surviving person, and carries their values.
    assert leads[lead_id]["LastName"] == "Contact1"
    survivor = next(p for p in control.people() if p["id"] == master["id"])
    assert survivor["salesforce_lead_id"] == lead_id
    assert survivor["salesforce_contact_id"]
