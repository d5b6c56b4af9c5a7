"""`plx-desktop sync`, `profile` and `log` as an admin runs them, against the sandbox."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import counts, ctrl_c_works, sync_twice_writes_then_none

from plx_desktop.cli import main
from plx_desktop.paths import database_path
from plx_desktop.store import open_store


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_once_on_the_sandbox_then_nothing_left_to_do(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--data-dir", str(tmp_path), "--sandbox", "sync", "--once")
    assert code == 0, err
    lines = [line for line in out.splitlines() if " → " in line]
    assert len(lines) == 12  # one summary line per step of the Default profile
    first = {line.split(":")[0]: counts(line) for line in lines}
    assert first["Contact → People"][0] > 100  # the demo contacts became people
    assert all(c[3] == 0 for c in first.values()), out  # no record failed

    code, out, _ = run_cli(capsys, "--data-dir", str(tmp_path), "--sandbox", "sync", "--once")
    assert code == 0
    again = [counts(line) for line in out.splitlines() if " → " in line]
    assert all(c[0] == 0 and c[1] == 0 for c in again), out  # nothing created or updated


def test_sync_without_connections_fails_with_one_line(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--data-dir", str(tmp_path), "sync", "--once")
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "not connected" in err


def test_sync_every_refuses_a_too_short_interval(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "--data-dir", str(tmp_path), "sync", "--every", "5")
    assert code == 2
    assert "at least 30 seconds" in err


def test_profile_export_import_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exported = tmp_path / "custom.json"
    assert run_cli(capsys, "--data-dir", str(tmp_path), "profile", "export", str(exported))[0] == 0
    document = json.loads(exported.read_text())
    assert document["format_version"] == 1
    assert len(document["steps"]) == 12
    del document["steps"][3:]
    exported.write_text(json.dumps(document))
    code, out, _ = run_cli(capsys, "--data-dir", str(tmp_path), "profile", "import", str(exported))
    assert code == 0
    assert "3 steps" in out
    with open_store(database_path(tmp_path)) as store:
        assert len(store.profiles.load("custom").steps) == 3


def test_profile_import_refuses_a_bad_file_and_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    run_cli(capsys, "--data-dir", str(tmp_path), "profile", "export", str(good))
    document = json.loads(good.read_text())
    document["steps"][1]["kind"] = "contact_to_nowhere"
    document["steps"][2]["mappings"][0]["salesforce_field"] = "Bad Field!"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    code, _, err = run_cli(capsys, "--data-dir", str(tmp_path), "profile", "import", str(bad))
    assert code == 2
    assert "nothing was changed" in err
    assert "steps[1]" in err and "steps[2].mappings[0].salesforce_field" in err
    with open_store(database_path(tmp_path)) as store:
        assert len(store.profiles.load("custom").steps) == 12


def test_log_prints_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "--data-dir", str(tmp_path), "--sandbox", "sync", "--once")[0] == 0
    code, out, _ = run_cli(capsys, "--data-dir", str(tmp_path), "log", "--limit", "5")
    assert code == 0 and len(out.splitlines()) == 5
    code, out, _ = run_cli(capsys, "--data-dir", str(tmp_path), "log", "--json", "--limit", "3",
                           "--outcome", "created")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 3 and {r["outcome"] for r in rows} == {"created"}
    assert rows[0]["id"] > rows[1]["id"] > rows[2]["id"]  # newest first


@pytest.mark.slow
def test_headless_sync_uses_the_sandbox_that_serve_started(tmp_path: Path) -> None:
    """The issue's "done when": serve in one process, sync --once in another, twice."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    serve = subprocess.Popen(
        [sys.executable, "-m", "plx_desktop", "--data-dir", str(tmp_path), "sandbox", "serve",
         "--seed", "demo"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=ctrl_c_works)
    try:
        assert serve.stdout is not None
        banner = [serve.stdout.readline() for _ in range(4)]  # blocks until the servers are up
        assert "Press Ctrl+C" in banner[-1], banner
        info = json.loads((tmp_path / "sandbox" / "sandbox.json").read_text())
        sync_twice_writes_then_none(tmp_path, env)
        # the sync used the running sandbox, not one of its own
        assert json.loads((tmp_path / "sandbox" / "sandbox.json").read_text()) == info
    finally:
        serve.send_signal(signal.SIGINT)
        serve.wait(timeout=30)
    assert serve.returncode == 0
    assert not (tmp_path / "sandbox" / "sandbox.json").exists()


def test_health_groups_failures_and_queues_retries(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from plx_desktop.store import LogEntry

    with open_store(database_path(tmp_path)) as store:
        store.log.append_many([
            LogEntry(outcome="failed", step_uid="s1", step_label="People → Lead", sf_id="",
                     plx_id="per_1", record_label="ada@example.com",
                     error_code="INVALID_EMAIL_ADDRESS", message="Refused: not an email")
            for _ in range(3)])
    code, out, _ = run_cli(capsys, "--data-dir", str(tmp_path), "health")
    assert code == 0
    assert out.splitlines()[0] == "bad value: 1 records (3 times)"
    assert "ada@example.com  INVALID_EMAIL_ADDRESS x3" in out
    code, out, _ = run_cli(capsys, "--data-dir", str(tmp_path), "health", "--retry", "bad value")
    assert "retries 1 record first" in out
    code, out, _ = run_cli(capsys, "--data-dir", str(tmp_path), "health", "--json")
    (cause,) = json.loads(out)["causes"]
    assert cause["items"][0]["retry_requested"] is True
    assert cause["items"][0]["outcome"] == "failed" and cause["items"][0]["next_try"] is None


def test_sync_dry_run_previews_and_writes_nothing(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--data-dir", str(tmp_path), "--sandbox", "sync",
                             "--dry-run")
    assert code == 0, err
    assert "Preview only: nothing was written" in out
    assert any(line.startswith("created ") and "Preview" in line for line in out.splitlines())
    with open_store(database_path(tmp_path)) as store:
        assert store.log.count() == 0 and store.links.count() == 0
    code, out, _ = run_cli(capsys, "--data-dir", str(tmp_path), "--sandbox", "sync", "--once")
    first = [counts(line) for line in out.splitlines() if line.startswith("Contact → People")]
    assert first[0][0] > 100  # the real run still has everything to do
