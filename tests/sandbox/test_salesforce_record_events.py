"""The Salesforce stand-in's late commits, merges, undeletes and emptied Recycle Bin, over HTTPS:
what queryAll and deleted/ show afterwards, as Salesforce documents it (merge(), getDeleted())."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest
from test_salesforce_control import control, sf_of


def _contact(sf: Any, **values: Any) -> str:
    return sf.Contact.create({"LastName": "Person", **values})["id"]


def test_a_late_commit_is_stamped_in_the_past(sf_server: Any) -> None:
    sf = sf_of(sf_server)
    answer = control(sf_server, "POST", "late-commit",
                     json={"object": "Contact", "fields": {"LastName": "Late"}, "seconds_ago": 300})
    assert answer.status_code == 201
    made = answer.json()["id"]
    record = sf.query(f"SELECT SystemModstamp, LastModifiedDate, CreatedDate FROM Contact "
                      f"WHERE Id = '{made}'")["records"][0]
    stamp = dt.datetime.fromisoformat(record["SystemModstamp"])
    age = sf_server.app.clock.datetime() - stamp  # on the sandbox's own clock
    assert dt.timedelta(seconds=295) < age < dt.timedelta(seconds=330)
    assert record["LastModifiedDate"] == record["SystemModstamp"] == record["CreatedDate"]
    updated = control(sf_server, "POST", "late-commit", json={
        "object": "Contact", "id": made, "fields": {"Title": "Later"}, "seconds_ago": 60})
    assert updated.status_code == 200
    again = sf.Contact.get(made)
    assert again["Title"] == "Later" and again["SystemModstamp"] > record["SystemModstamp"]
    refused = control(sf_server, "POST", "late-commit",
                      json={"object": "Lead", "fields": {"LastName": "No company"},
                            "seconds_ago": 5})
    assert refused.status_code == 400 and refused.json()[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert control(sf_server, "POST", "late-commit",
                   json={"object": "Contact", "fields": {}, "seconds_ago": -1}).status_code == 400


def test_a_merge_deletes_the_others_with_master_record_id_and_moves_their_tasks(sf_server: Any):
    sf = sf_of(sf_server)
    master, loser = _contact(sf, LastName="Master"), _contact(sf, LastName="Loser")
    task = sf.Task.create({"Subject": "Call", "WhoId": loser})["id"]
    before = sf.Contact.get(master)["SystemModstamp"]
    answer = control(sf_server, "POST", "merge",
                     json={"object": "Contact", "master_id": master, "merged_ids": [loser]})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"master_id": master, "merged_ids": [loser], "moved_tasks": 1}
    assert sf.query(f"SELECT Id FROM Contact WHERE Id = '{loser}'")["totalSize"] == 0
    seen = sf.query_all(f"SELECT Id, IsDeleted, MasterRecordId FROM Contact WHERE Id = '{loser}'",
                        include_deleted=True)["records"]
    assert [(r["IsDeleted"], r["MasterRecordId"]) for r in seen] == [(True, master)]
    assert sf.Task.get(task)["WhoId"] == master
    assert sf.Contact.get(master)["SystemModstamp"] > before
    # The merged record is gone: merging it again, or into itself, is refused.
    for body in ({"master_id": master, "merged_ids": [loser]},
                 {"master_id": master, "merged_ids": [master]},
                 {"master_id": master, "merged_ids": [_contact(sf), _contact(sf), _contact(sf)]}):
        refused = control(sf_server, "POST", "merge", json={"object": "Contact", **body})
        assert refused.status_code == 400
    assert control(sf_server, "POST", "merge", json={
        "object": "Task", "master_id": task, "merged_ids": [task]}).status_code == 400


def test_undelete_brings_a_record_back_with_a_new_stamp(sf_server: Any) -> None:
    sf = sf_of(sf_server)
    gone = _contact(sf, LastName="Back")
    sf.Contact.delete(gone)
    answer = control(sf_server, "POST", "undelete", json={"ids": [gone]})
    assert answer.json() == {"undeleted": [gone]}
    assert sf.Contact.get(gone)["IsDeleted"] is False
    again = control(sf_server, "POST", "undelete", json={"ids": [gone]})
    assert again.status_code == 400 and again.json()[0]["errorCode"] == "UNDELETE_FAILED"


def test_an_emptied_recycle_bin_makes_the_delete_log_refuse_an_earlier_start(sf_server: Any):
    sf = sf_of(sf_server)
    now = sf_server.app.clock.datetime()
    start, end = now - dt.timedelta(minutes=5), now + dt.timedelta(minutes=2)
    gone = _contact(sf, LastName="Purged")
    sf.Contact.delete(gone)
    assert gone in [d["id"] for d in sf.Contact.deleted(start, end)["deletedRecords"]]
    assert control(sf_server, "POST", "empty-recycle-bin",
                   json={"object": "Contact"}).json()["purged"] >= 1
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Contact.deleted(start, end)
    assert refused.value.content[0]["errorCode"] == "INVALID_REPLICATION_DATE"
    assert sf.query_all(f"SELECT Id FROM Contact WHERE Id = '{gone}'",
                        include_deleted=True)["totalSize"] == 0
    # A window that starts after the purge is answered, and says where the log begins.
    tomorrow = end + dt.timedelta(days=1)
    later = sf.Contact.deleted(tomorrow, tomorrow + dt.timedelta(minutes=2))
    assert later["deletedRecords"] == [] and later["earliestDateAvailable"] > start.strftime("%Y-%m-%dT%H:%M")
    control(sf_server, "POST", "reset")
    assert sf.Contact.deleted(start, end)["deletedRecords"] == []
