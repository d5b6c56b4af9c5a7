"""Matching: stored link first, then email (trimmed, case-insensitive), else create; a Contact and
a Lead with the same email are one person linked to both; no duplicates on either side."""

from __future__ import annotations

from sync_helpers import by_email, duplicates, emptied, plx_client, sf_create, totals


def test_a_contact_and_a_lead_with_one_email_are_one_person(sandbox, sync, store, control):
    emptied(sandbox)
    contact_id = sf_create(sandbox, "Contact", FirstName="Ada", LastName="Lovelace",
                           Email="ada@analytical.example.com")
    lead_id = sf_create(sandbox, "Lead", FirstName="Ada", LastName="Lovelace",
                        Email="ADA@Analytical.Example.COM", Company="Analytical Engines")
    for _ in range(3):
        assert sync().status == "completed"
    [person] = control.people()
    assert person["email"].lower() == "ada@analytical.example.com"
    assert (person["salesforce_contact_id"], person["salesforce_lead_id"]) == (contact_id, lead_id)
    assert person["salesforce_id"] == contact_id  # the contact is who the person is in Salesforce
    links = store.links.by_plx_id(person["id"])
    assert sorted((k.sf_object, k.sf_id) for k in links) == [("Contact", contact_id),
                                                              ("Lead", lead_id)]
    assert len(control.sf_records("Contact")) == len(control.sf_records("Lead")) == 1


def test_people_match_salesforce_records_by_trimmed_case_insensitive_email(sandbox, sync,
                                                                          control):
    emptied(sandbox)
    contact_id = sf_create(sandbox, "Contact", FirstName="Grace", LastName="Hopper",
                           Email="Grace.Hopper@Navy.example.com")
    lead_id = sf_create(sandbox, "Lead", FirstName="Alan", LastName="Turing",
                        Email="alan.turing@bletchley.example.com", Company="Bletchley")
    with plx_client(sandbox) as client:
        grace = client.create_person({"first_name": "Grace", "last_name": "Hopper",
                                      "email": "  grace.hopper@NAVY.example.com "})
        alan = client.create_person({"first_name": "Alan", "last_name": "Turing",
                                     "email": "ALAN.Turing@Bletchley.Example.com"})
    first = sync()
    assert first.status == "completed" and totals(first)["created"] == 0, first.steps
    people = {p["id"]: p for p in control.people()}
    assert len(people) == 2
    assert people[grace["id"]]["salesforce_contact_id"] == contact_id
    assert people[alan["id"]]["salesforce_lead_id"] == lead_id
    assert len(control.sf_records("Contact")) == len(control.sf_records("Lead")) == 1


def test_several_runs_of_the_demo_leave_no_duplicates_on_either_side(sandbox, sync, control):
    for _ in range(3):
        assert sync().status == "completed"
    people = control.people()
    assert duplicates(people, "email") == {}
    assert duplicates(control.sf_records("Contact")) == {}
    assert duplicates(control.sf_records("Lead")) == {}
    emails = set(by_email(people, "email"))
    sf_emails = set(by_email(control.sf_records("Contact"))) | set(
        by_email(control.sf_records("Lead")))
    assert emails == sf_emails
    # The demo has 205 contacts, 150 leads and 120 people of whom 60 share an email with
    # Salesforce: 60 PeopleLinx-only people became contacts, and nobody was counted twice.
    assert len(people) == 205 + 150 - 5 + 60  # the 5 converted leads share their contact's email
