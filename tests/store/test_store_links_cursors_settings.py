"""Record links (lookups by sf id, plx id and email; bulk upsert), cursors and settings."""

from __future__ import annotations

import pytest

from plx_desktop.domain.convert import fingerprint
from plx_desktop.store import RecordLink, SecretRefused


def _link(n: int, **extra) -> RecordLink:
    values = {"email": f"p{n}@acme.com", "first_name": f"P{n}"}
    return RecordLink(**{"sf_id": f"003{n:015d}", "sf_object": "Contact", "plx_id": f"per_{n}",
                         "plx_object": "person", "step_uid": "s1", "email": f" P{n}@Acme.com ",
                         "sf_values": values, "plx_values": values,
                         "sf_url": f"https://example.my.salesforce.com/003{n:015d}", **extra})


def test_bulk_upsert_and_lookups(store):
    assert store.links.upsert_many(_link(n) for n in range(2000)) == 2000
    assert store.links.count() == 2000
    link = store.links.by_sf_id("003000000000000042")
    assert (link.plx_id, link.email) == ("per_42", "p42@acme.com")
    # Read back, the values give the fingerprint of the values that were synced.
    assert link.sf_print() == fingerprint(_link(42).sf_values)
    assert link.sf_print() != fingerprint(_link(43).sf_values)
    assert [lk.sf_id for lk in store.links.by_email("  P42@ACME.COM")] == ["003000000000000042"]
    found = store.links.for_sf_ids([f"003{n:015d}" for n in range(0, 2000, 2)] + ["003nope"])
    assert len(found) == 1000
    assert set(store.links.for_emails(["p1@acme.com", "P3@acme.com "])) == {"p1@acme.com",
                                                                             "p3@acme.com"}
    assert store.links.by_sf_id("nope") is None and store.links.by_plx_id("nope") == []


def test_upsert_updates_by_sf_id_and_keeps_creation_time(store):
    store.links.upsert(_link(1))
    first = store.links.by_sf_id("003000000000000001")
    store.links.upsert(_link(1, sf_values={"email": "new@acme.com"}))
    second = store.links.by_sf_id("003000000000000001")
    assert store.links.count() == 1
    assert second.sf_values == {"email": "new@acme.com"}
    assert second.sf_print() == fingerprint({"email": "new@acme.com"}) != first.sf_print()
    assert second.created_at == first.created_at and second.updated_at >= first.updated_at


def test_a_link_written_again_empties_the_fingerprints_an_earlier_version_stored(store):
    """Earlier versions stored each link's fingerprints; now they are worked out from the values,
    and a stale stored one must not outlive the values it was made from."""
    store.links.upsert(_link(1))
    store.db.execute_sql("UPDATE record_link SET sf_fingerprint = 'old', plx_fingerprint = 'old'")
    store.links.upsert(_link(1, sf_values={"email": "new@acme.com"}))
    row = store.db.execute_sql("SELECT sf_fingerprint, plx_fingerprint FROM record_link").fetchone()
    assert row == ("", "")
    assert store.links.by_sf_id("003000000000000001").sf_print() == fingerprint(
        {"email": "new@acme.com"})


def test_a_person_linked_to_a_contact_and_a_lead(store):
    store.links.upsert_many([
        _link(7),
        _link(7, sf_id="00Q000000000000007", sf_object="Lead"),
    ])
    assert sorted(lk.sf_object for lk in store.links.by_plx_id("per_7")) == ["Contact", "Lead"]
    assert len(store.links.by_email("p7@acme.com")) == 2


def test_cursors(store):
    assert store.cursors.get("s1") is None
    store.cursors.set("s1", "2026-01-31T12:00:00.000+0000")
    store.cursors.set_many({"s1": "2026-02-01T00:00:00.000+0000", "s2": "cur_abc"})
    assert store.cursors.all() == {"s1": "2026-02-01T00:00:00.000+0000", "s2": "cur_abc"}
    store.cursors.delete("s1")
    assert store.cursors.get("s1") is None


def test_settings_keep_types_and_refuse_secrets(store):
    assert store.settings.get("poll_interval_seconds") == 300
    store.settings.set("poll_interval_seconds", 60)
    store.settings.set("salesforce.connection", {"org_name": "Acme", "username": "ada@acme.com",
                                                 "instance_url": "https://acme.my.salesforce.com"})
    assert store.settings.get("poll_interval_seconds") == 60
    assert store.settings.get("salesforce.connection")["org_name"] == "Acme"
    for key, value in [("salesforce.refresh_token", "x"), ("peoplelinx_api_key", "k"),
                       ("salesforce.connection", {"access_token": "x"})]:
        with pytest.raises(SecretRefused, match="keyring"):
            store.settings.set(key, value)
    assert "access_token" not in str(store.settings.all())
