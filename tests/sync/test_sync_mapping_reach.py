"""A new mapping reaches the records already linked once the admin applies it: before, the run
changes nothing (they did not change); after Apply to existing records, the next run updates
exactly those whose value differs, and what it costs was said beforehand."""

from __future__ import annotations

from sync_helpers import custom_with, emptied, sf_create, totals

from plx_desktop.domain import FieldMapping
from plx_desktop.sync.mapping_reach import apply_to_existing, new_mappings, reach


def test_apply_to_existing_records_brings_a_new_mapping_to_them(sandbox, sync, store, control):
    emptied(sandbox)
    for n, title in enumerate(["Countess", "Engineer", None]):
        values = {"FirstName": f"Ada{n}", "LastName": "Lovelace", "Email": f"ada{n}@example.com"}
        # Last changed two hours ago: well behind the cursor's look-back window.
        control._sf("POST", "late-commit", {"object": "Contact", "seconds_ago": 7200,
                                            "fields": values | ({"Title": title} if title else {})})
    # One changed now: the step's cursor stands on it, two hours past the others.
    sf_create(sandbox, "Contact", FirstName="Grace", LastName="Hopper", Email="grace@example.com")
    custom_with(store, "contact_to_people")
    assert totals(sync())["created"] == 4

    profile = store.profiles.load_active()
    before = profile.steps[0]
    after = profile.add_mapping(before.uid, FieldMapping("Title", "title", "string", "string"))
    store.profiles.save(profile)
    assert [m.salesforce_field for m in new_mappings(before, after)] == ["Title"]
    plan = reach(store, before, after)
    assert (plan.linked, plan.salesforce_calls, plan.peoplelinx_calls) == (4, 1, 1)
    assert plan.fields == "Title ↔ title"

    assert totals(sync())["updated"] == 0  # nothing changed in Salesforce: nothing reached them
    assert apply_to_existing(store, after) == 4
    run = sync()
    assert totals(run)["updated"] == 2  # the others have no title: nothing differs
    titles = {p["email"]: p.get("title") for p in control.people()}
    assert titles == {"ada0@example.com": "Countess", "ada1@example.com": "Engineer",
                      "ada2@example.com": None, "grace@example.com": None}
    assert store.health.retry_requests(after.uid) == []
    assert totals(sync())["updated"] == 0  # once
