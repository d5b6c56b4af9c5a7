"""Crash suite for deletes and merges: contacts deleted and merged in Salesforce between runs,
then `plx-desktop --sandbox sync --once` killed with SIGKILL while it handles them (at the
PeopleLinx merge, at the people batch writes, at random calls), then run to completion: every
deleted contact's person is unlinked once and marked, every merge left one person, and nothing
was created again or duplicated."""

from __future__ import annotations

import random
import signal
from pathlib import Path

import pytest
from reliability_helpers import ServedSandbox, duplicates, norm, summary_counts
from test_crash import _finish, _sync_until

SEED = 200
LATENCY_MS = 25
DELETED, MERGES = 8, 4


def _delete(control, contact_id: str) -> None:
    token = control.sf("GET", "credentials")["access_token"]
    url = (f"{control.info['salesforce_instance_url']}/services/data/v62.0/sobjects/Contact/"
           f"{contact_id}")
    response = control.http.delete(url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert response.status_code == 204, response.text


@pytest.mark.slow
def test_a_sync_killed_while_handling_deletes_and_merges_converges(tmp_path: Path):
    served = ServedSandbox(tmp_path, SEED)
    try:
        control = served.control
        first = _finish(tmp_path)
        assert first.returncode == 0, first.stdout + first.stderr
        people_before = {p["salesforce_contact_id"]: p for p in control.people()
                         if p.get("salesforce_contact_id")}
        contacts = sorted(c["Id"] for c in control.sf_records("Contact")
                          if c["Id"] in people_before)
        rng = random.Random(20261201)
        chosen = rng.sample(contacts, DELETED + 2 * MERGES)
        deleted, pairs = chosen[:DELETED], list(zip(chosen[DELETED::2], chosen[DELETED + 1::2],
                                                    strict=True))
        for contact_id in deleted:
            _delete(control, contact_id)
        for master, loser in pairs:
            control.sf("POST", "merge", {"object": "Contact", "master_id": master,
                                         "merged_ids": [loser]})
        live_before = len(control.sf_records("Contact"))

        control.faults(latency_ms=LATENCY_MS)
        kills = []
        for target, more in (("plx /v1/people/merge", 1), ("plx /v1/people/batch", 1),
                             ("", 3)):
            outcome = _sync_until(tmp_path, control, target, more)
            if not outcome["killed"]:
                assert outcome["exit"] == 0, outcome
                break
            assert outcome["exit"] == -signal.SIGKILL
            kills.append(outcome)
        print(f"\n{len(kills)} kills:", *kills, sep="\n  ")
        assert kills and any("merge" in r for k in kills for r in k["routes"])

        control.faults(latency_ms=0)
        done = _finish(tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert all(c[3] == 0 for c in summary_counts(done.stdout)), done.stdout
        again = _finish(tmp_path)
        assert all(c[0] == 0 and c[1] == 0 for c in summary_counts(again.stdout)), again.stdout

        people = control.people()
        assert duplicates(people, "email") == {}
        by_id = {p["id"]: p for p in people}
        linked_contacts = {p.get("salesforce_contact_id") for p in people}
        gone = set(deleted) | {loser for _, loser in pairs}
        assert not (gone & linked_contacts), "a deleted or merged-away contact is still linked"
        for contact_id in deleted:  # kept (the default), unlinked, marked, never created again
            person = by_id[people_before[contact_id]["id"]]
            assert person["salesforce_deleted"] or person["salesforce_lead_id"], person
        for master, loser in pairs:  # one person left, linked to the survivor
            assert people_before[master]["id"] in by_id
            assert people_before[loser]["id"] not in by_id
            assert by_id[people_before[master]["id"]]["salesforce_contact_id"] == master
        assert len(control.sf_records("Contact")) == live_before  # nothing created again
        emails = [norm(c.get("Email")) for c in control.sf_records("Contact")]
        assert len(emails) == len(set(emails))
    finally:
        served.stop()
