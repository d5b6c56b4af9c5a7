"""`plx-desktop check [--fix]` against the sandbox over HTTPS: a fresh org, Set up, then a sync."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from plx_desktop.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def counts(line: str) -> tuple[int, ...]:
    _, numbers = line.split(": ", 1)
    return tuple(int(part.strip().split(" ")[0]) for part in numbers.split(",")[:4])


def test_a_fresh_org_is_flagged_set_up_fixes_it_and_the_sync_runs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = str(tmp_path)
    monkeypatch.setenv("PLX_SANDBOX_ORG", "fresh")
    code, out, _ = run_cli(capsys, "--data-dir", data, "--sandbox", "check")
    assert code == 1
    for name in ("Contact.PeopleLinx_Id__c", "Lead.PeopleLinx_Id__c",
                 "Task.PeopleLinx_Activity_Id__c"):
        assert f"MISSING  {name}" in out
    assert "Set up would:" in out and "check --fix" in out
    monkeypatch.delenv("PLX_SANDBOX_ORG")  # later starts keep the org as Set up leaves it

    code, out, err = run_cli(capsys, "--data-dir", data, "--sandbox", "check", "--fix")
    assert code == 0, out + err
    assert "Set up: Created Contact.PeopleLinx_Id__c (Text(64), External ID, Unique)" in out
    assert "Set up: Assigned the PeopleLinx Integration permission set" in out
    assert out.strip().endswith("Ready: nothing is missing.")

    code, out, _ = run_cli(capsys, "--data-dir", data, "--sandbox", "check", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["ready"] is True and report["setup_plan"] == []
    assert report["org_id"].startswith("00D")

    code, out, _ = run_cli(capsys, "--data-dir", data, "--sandbox", "check", "--fix")
    assert code == 0 and "Set up: nothing to change." in out  # a second Set up changes nothing

    code, out, err = run_cli(capsys, "--data-dir", data, "--sandbox", "sync", "--once")
    assert code == 0, err
    lines = {line.split(":")[0]: counts(line) for line in out.splitlines() if " → " in line}
    assert all(c[3] == 0 for c in lines.values()), out  # every step, activities included


def test_a_mapped_field_hidden_by_field_level_security_is_flagged(
        sandbox: Any, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(sandbox.state_dir.parent)
    code, out, _ = run_cli(capsys, "--data-dir", data, "--sandbox", "check")
    assert code == 0, out
    control = requests.Session()
    control.verify, control.trust_env = sandbox.info.ca_file, False
    hidden = control.post(f"{sandbox.info.salesforce_instance_url}/__sandbox__/field-security",
                          json={"object": "Contact", "field": "Email", "readable": False,
                                "editable": False})
    assert hidden.ok, hidden.text
    code, out, _ = run_cli(capsys, "--data-dir", data, "--sandbox", "check")
    assert code == 1
    flagged = [line for line in out.splitlines() if line.startswith("  MISSING")]
    assert flagged and all("Contact.Email" in line for line in flagged), out
    assert "Set Field-Level Security" in flagged[0]
    assert "Set up would:" not in out  # Set up does not change an admin's own field security

    control.post(f"{sandbox.info.salesforce_instance_url}/__sandbox__/field-security",
                 json={"object": "Contact", "field": "Email", "readable": True, "editable": False})
    code, out, _ = run_cli(capsys, "--data-dir", data, "--sandbox", "check")
    assert code == 1
    assert any("People → Contact: Contact.Email" in line and "read-only" in line
               for line in out.splitlines() if line.startswith("  MISSING")), out


def test_check_without_a_connection_says_so(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--data-dir", str(tmp_path), "check")
    assert code == 1 and out == ""
    assert "not connected" in err


def test_an_org_without_api_access_is_flagged_with_salesforces_words(
        sandbox: Any, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(sandbox.state_dir.parent)
    control = requests.Session()
    control.verify, control.trust_env = sandbox.info.ca_file, False
    org_url = f"{sandbox.info.salesforce_instance_url}/__sandbox__/org"
    assert control.post(org_url, json={"api_enabled": False}).ok
    try:
        code, out, _ = run_cli(capsys, "--data-dir", data, "--sandbox", "check", "--json")
    finally:
        control.post(org_url, json={"api_enabled": True})
    assert code == 1
    report = json.loads(out)
    [api] = [i for i in report["items"] if i["key"] == "api_org"]
    assert api["status"] == "missing" and "edition has no API access" in api["detail"]
    assert "API_DISABLED_FOR_ORG" in api["raw"] or "not enabled" in api["raw"]
