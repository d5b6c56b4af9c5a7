"""A record's history: found by email, Salesforce id or PeopleLinx id, with both links, every log
entry of the record (its activities too), and its conflicts; the queries use the log indexes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plx_desktop.store import Conflict, LogEntry, RecordLink
from plx_desktop.store.history import record_history


@pytest.fixture
def synced(store):
    """Ada is a person linked to a contact and a lead; Bob is someone else."""
    store.links.upsert_many([
        RecordLink("003A", "Contact", "per_ada", "person", "s-contact", email="Ada@Example.com"),
        RecordLink("00QA", "Lead", "per_ada", "person", "s-lead", email="ada@example.com"),
        RecordLink("003B", "Contact", "per_bob", "person", "s-contact", email="bob@example.com"),
        RecordLink("00TA", "Task", "email:em_1", "email", "s-emails",
                   sf_values={"WhoId": "003A", "Subject": "Email: Hello"}),
        RecordLink("00TB", "Task", "email:em_2", "email", "s-emails",
                   sf_values={"WhoId": "003B", "Subject": "Email: Hi Bob"}),
    ])
    at = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
    store.log.append_many([
        LogEntry("created", "s-contact", "Contact → People", sf_id="003A", plx_id="per_ada",
                 record_label="Ada", time=at),
        LogEntry("created", "s-contact", "Contact → People", sf_id="003B", plx_id="per_bob",
                 record_label="Bob", time=at),
        LogEntry("updated", "s-lead", "Lead → People", sf_id="00QA", plx_id="per_ada", time=at),
        LogEntry("created", "s-emails", "Emails → Contact Tasks", sf_id="00TA", plx_id="em_1",
                 record_label="Email: Hello", time=at),
        LogEntry("created", "s-emails", "Emails → Contact Tasks", sf_id="00TB", plx_id="em_2",
                 time=at),
        LogEntry("skipped", "s-calls", "Calls → Lead Tasks", plx_id="per_ada",
                 error_code="NOT_A_LEAD", time=at),
        LogEntry("conflict", "s-contact", "Contact → People", sf_id="003A", plx_id="per_ada",
                 time=at),
    ])
    store.conflicts.add_many([
        Conflict("s-contact", "003A", "per_ada", "title", "CTO", "VP", "salesforce", "two_way"),
        Conflict("s-contact", "003B", "per_bob", "phone", "1", "2", "peoplelinx", "two_way"),
    ])
    return store


def outcomes(history) -> list[tuple[str, str]]:
    return [(e.step_label, e.outcome) for e in history.entries]


ADA = [
    ("Contact → People", "conflict"), ("Calls → Lead Tasks", "skipped"),
    ("Emails → Contact Tasks", "created"), ("Lead → People", "updated"),
    ("Contact → People", "created"),
]


@pytest.mark.parametrize("key", [{"email": "  ADA@example.com "}, {"sf_id": "003A"},
                                 {"sf_id": "00QA"}, {"plx_id": "per_ada"}])
def test_any_key_finds_the_whole_record(synced, key):
    history = record_history(synced, **key)
    assert [(k.sf_object, k.sf_id) for k in history.links] == [
        ("Contact", "003A"), ("Lead", "00QA"), ("Task", "00TA")]
    assert outcomes(history) == ADA  # newest first, Bob's entries left out
    assert [c.field for c in history.conflicts] == ["title"]
    assert history.email == "ada@example.com" and history.found


def test_an_unlinked_record_still_shows_its_log_entries(store):
    store.log.append(LogEntry("failed", "s1", "People → Lead", plx_id="per_new",
                              error_code="REQUIRED_FIELD_MISSING", message="Company missing"))
    history = record_history(store, plx_id="per_new")
    assert history.links == [] and [e.error_code for e in history.entries] == [
        "REQUIRED_FIELD_MISSING"]
    nothing = record_history(store, email="nobody@example.com")
    assert not nothing.found and nothing.entries == []


def test_history_reads_use_the_id_indexes(store):
    for column, index in (("sf_id", "log_entry_sf"), ("plx_id", "log_entry_plx")):
        plan = store.db.execute_sql(
            f"EXPLAIN QUERY PLAN SELECT id FROM log_entry WHERE {column} IN (?, ?) "
            "ORDER BY id DESC LIMIT 10", ("a", "b")).fetchall()
        assert any(index in row[-1] for row in plan), plan
