"""The sandbox answers `Email = / IN` through its email index, as Salesforce does (Email is a
standard indexed field of Contact and Lead), not by reading every record of the object."""

from __future__ import annotations

from pathlib import Path

from plx_desktop.sandbox.salesforce.db import Database
from plx_desktop.sandbox.salesforce.records import RecordStore


def _contacts(n: int) -> list[dict]:
    return [{"Id": f"003{i:015d}", "Email": f"p{i}@example.com", "LastName": f"P{i}",
             "SystemModstamp": "2026-12-01T00:00:00.000+0000", "IsDeleted": False}
            for i in range(n)]


def test_an_email_lookup_is_answered_through_the_email_index(tmp_path: Path) -> None:
    db = Database(tmp_path)
    store = RecordStore(db)
    conn = db.connection()
    conn.execute("BEGIN")
    store.put_many(conn, _contacts(2000), "Contact")
    conn.execute("COMMIT")
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        found = list(store.candidates("Contact", include_deleted=False,
                                      equal=("Email", {"p7@example.com", "p1999@example.com"})))
    finally:
        conn.set_trace_callback(None)
    assert sorted(r["Email"] for r in found) == ["p1999@example.com", "p7@example.com"]
    lookups = [s for s in statements if s.lstrip().upper().startswith("SELECT DATA FROM RECORDS")]
    assert lookups, statements
    for sql in lookups:
        plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "USING INDEX records_by_email" in plan, plan
