"""The connector's org-rule headers over HTTPS: updates never run assignment rules; creates and
bulk jobs run them only when asked; allowSave only when asked."""

from __future__ import annotations

import secrets
from typing import Any

from sf_helpers import client, control


def _rule(sf_server: Any) -> tuple[str, str]:
    name = f"rita-{secrets.token_hex(4)}@plx-sandbox.example.com"
    rep = control(sf_server, "users", {"username": name, "email": name, "last_name": "Rep"})["id"]
    rule = control(sf_server, "assignment-rule", {"object": "Lead", "owner_id": rep})["id"]
    return rep, rule


def _owners(sf, ids: list[str | None]) -> list[str]:
    soql = "SELECT Id, OwnerId FROM Lead WHERE Id IN ('" + "','".join(i or "" for i in ids) + "')"
    owners = {r["Id"]: r["OwnerId"] for page in sf.iter_query(soql) for r in page}
    return [owners[i or ""] for i in ids]


def test_updates_never_assign_and_creates_assign_only_when_asked(sf_server: Any) -> None:
    sf = client(sf_server)
    admin = sf_server.app.org.admin_id
    rep, _ = _rule(sf_server)
    [plain] = sf.create("Lead", [{"LastName": "Plain", "Company": "C"}])
    [assigned] = sf.create("Lead", [{"LastName": "Assigned", "Company": "C"}], assign=True)
    [upserted] = sf.upsert("Lead", "PeopleLinx_Id__c", [
        {"LastName": "Up", "Company": "C", "PeopleLinx_Id__c": "p-1"}], assign=True)
    assert _owners(sf, [plain.id, assigned.id, upserted.id]) == [admin, rep, rep]
    sf.update("Lead", [{"Id": plain.id, "Title": "CEO"}])
    assert _owners(sf, [plain.id]) == [admin]


def test_a_bulk_job_runs_the_rule_it_names(sf_server: Any) -> None:
    sf = client(sf_server)
    admin = sf_server.app.org.admin_id
    rep, rule = _rule(sf_server)
    rows = [{"LastName": f"B{i}", "Company": "C", "PeopleLinx_Id__c": f"b-{i}"} for i in range(3)]
    named = sf.bulk_upsert("Lead", "PeopleLinx_Id__c", rows, assignment_rule_id=rule)
    unnamed = sf.bulk_upsert("Lead", "PeopleLinx_Id__c", [
        dict(r, PeopleLinx_Id__c=f"u-{i}") for i, r in enumerate(rows)])
    assert set(_owners(sf, [r.id for r in named])) == {rep}
    assert set(_owners(sf, [r.id for r in unnamed])) == {admin}


def test_allow_save_is_sent_only_when_asked(sf_server: Any) -> None:
    sf = client(sf_server)
    sf.create("Contact", [{"LastName": "Hopper", "Email": "grace@navy.example.com"}])
    control(sf_server, "duplicate-rule", {"object": "Contact", "match_fields": ["Email"],
                                          "action": "allow"})
    row = {"LastName": "Hopper", "Email": "Grace@Navy.example.com"}
    [refused] = sf.create("Contact", [row])
    assert refused.error_code == "DUPLICATES_DETECTED"
    [saved] = sf.create("Contact", [row], allow_duplicates=True)
    assert saved.success
