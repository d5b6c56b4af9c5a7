"""Scratch tables: run-sized key → value data kept out of memory and out of the store file."""

from __future__ import annotations

import pytest

from plx_desktop.paths import database_path
from plx_desktop.store import open_store


def test_values_round_trip_and_the_last_one_given_wins(store):
    scratch = store.scratch("emails_contact")
    scratch.put_many([("ada@acme.com", ["003A", "Ada"]), ("alan@acme.com", ["003B", None])])
    scratch.put_many([("ada@acme.com", ["003C", "Ada L."])])
    assert scratch.get_many(["ada@acme.com", "alan@acme.com", "nobody@acme.com"]) == {
        "ada@acme.com": ["003C", "Ada L."], "alan@acme.com": ["003B", None]}
    assert scratch.count() == 2
    assert store.scratch("emails_contact").count() == 0  # asking again starts empty


def test_a_scratch_table_never_reaches_the_store_file(tmp_path):
    with open_store(database_path(tmp_path)) as store:
        store.scratch("emails_lead").put_many((f"p{n}@acme.com", n) for n in range(1000))
    with open_store(database_path(tmp_path)) as store:
        tables = [r[0] for r in store.db.execute_sql(
            "SELECT name FROM sqlite_master WHERE name LIKE 'scratch_%'")]
        assert tables == []


def test_scratch_names_are_checked(store):
    with pytest.raises(ValueError):
        store.scratch("x; DROP TABLE link")
