"""Filtering: rules on Salesforce-sourced steps select exactly the matching records whatever the
value holds (quotes, backslashes, %, _, SOQL words); a saved People filter on a People →
Salesforce step selects only those people; Load filter and Clear filter."""

from __future__ import annotations

import pytest
from sync_helpers import custom_with, emptied, log_of, plx_client, sf_create

from plx_desktop.domain import FilterRule, Operator, SavedFilter

# LastName, Title for each contact; the email is made from the index.
CONTACTS = [
    ("O'Brien", "Manager"),
    ("OBrien", "Manager"),
    ("a\\b", "100%"),
    ("ab", "1000"),
    ("x_y", "VP"),
    ("xzy", "VP_Sales"),
    ("' OR Name != '", "' OR Title != '"),
    ("Plain", "Director"),
]


def _seed_contacts(sandbox) -> dict[str, str]:
    """email -> LastName for the contacts above."""
    emptied(sandbox)
    out = {}
    for n, (last, title) in enumerate(CONTACTS):
        email = f"c{n}@example.com"
        sf_create(sandbox, "Contact", FirstName="Pat", LastName=last, Title=title, Email=email)
        out[email] = last
    return out


@pytest.mark.parametrize(("field", "op", "value", "expected"), [
    ("LastName", Operator.EQUALS, "O'Brien", ["O'Brien"]),
    ("LastName", Operator.NOT_EQUALS, "O'Brien", [c[0] for c in CONTACTS if c[0] != "O'Brien"]),
    ("LastName", Operator.CONTAINS, "'Brien", ["O'Brien"]),
    ("LastName", Operator.EQUALS, "a\\b", ["a\\b"]),
    ("LastName", Operator.STARTS_WITH, "a\\", ["a\\b"]),
    ("Title", Operator.CONTAINS, "100%", ["a\\b"]),
    ("Title", Operator.ENDS_WITH, "%", ["a\\b"]),
    ("LastName", Operator.EQUALS, "x_y", ["x_y"]),
    ("LastName", Operator.CONTAINS, "x_y", ["x_y"]),
    ("Title", Operator.STARTS_WITH, "VP_", ["xzy"]),
    ("LastName", Operator.EQUALS, "' OR Name != '", ["' OR Name != '"]),
    ("Title", Operator.CONTAINS, "' OR Title != '", ["' OR Name != '"]),
    ("LastName", Operator.EQUALS, "x' OR LastName != 'x", []),
    ("LastName", Operator.CONTAINS, "%", []),
    ("LastName", Operator.CONTAINS, "_", ["x_y"]),
])
def test_filter_values_select_exactly_the_matching_contacts(sandbox, sync, store, control,
                                                            field, op, value, expected):
    seeded = _seed_contacts(sandbox)
    rule = FilterRule(field, op, value, field_type="string")

    def edit(profile, steps):
        profile.add_filter_rule(steps[0].uid, rule)

    custom_with(store, "contact_to_people", edit=edit)
    run = sync()
    assert run.status == "completed", run.reason
    assert log_of(store, outcomes=["failed"]) == []
    synced = sorted(seeded[p["email"]] for p in control.people())
    assert synced == sorted(expected)


def test_rules_combine_with_and(sandbox, sync, store, control):
    seeded = _seed_contacts(sandbox)

    def edit(profile, steps):
        profile.set_filter_rules(steps[0].uid, [
            FilterRule("Title", Operator.EQUALS, "Manager"),
            FilterRule("LastName", Operator.NOT_EQUALS, "OBrien")])

    custom_with(store, "contact_to_people", edit=edit)
    assert sync().status == "completed"
    assert [seeded[p["email"]] for p in control.people()] == ["O'Brien"]


def _people_and_filter(sandbox, control) -> tuple[dict[str, dict], SavedFilter]:
    emptied(sandbox)
    with plx_client(sandbox) as client:
        people = {p["email"]: p for p in (client.create_person(
            {"first_name": "Sam", "last_name": name, "email": f"{name.lower()}@{domain}",
             "account": "Acme"})
            for name, domain in (("Ann", "acme.example.com"), ("Bob", "acme.example.com"),
                                 ("Cy", "other.example.com")))}
    saved = control.add_filter("Acme people", {"all": [
        {"field": "email", "op": "ends_with", "value": "@acme.example.com"}]})
    return people, SavedFilter(saved["id"], saved["name"])


def test_a_saved_people_filter_selects_only_those_people(sandbox, sync, store, control):
    people, saved = _people_and_filter(sandbox, control)

    def edit(profile, steps):
        profile.load_filter(steps[0].uid, saved)

    profile = custom_with(store, "people_to_contact", edit=edit)
    assert profile.steps[0].saved_filter == saved
    run = sync()
    assert run.status == "completed" and run.steps[0].created == 2
    assert sorted(c["Email"] for c in control.sf_records("Contact")) == [
        "ann@acme.example.com", "bob@acme.example.com"]


def test_clear_filter_lets_every_person_through(sandbox, sync, store, control):
    people, saved = _people_and_filter(sandbox, control)

    def edit(profile, steps):
        profile.load_filter(steps[0].uid, saved)
        profile.clear_filter(steps[0].uid)

    profile = custom_with(store, "people_to_contact", edit=edit)
    assert profile.steps[0].saved_filter is None
    assert sync().steps[0].created == 3
    assert len(control.sf_records("Contact")) == 3
