"""The desktop bundle: build.spec builds a one-folder app that opens, syncs the sandbox and exits 0.

Slow (a PyInstaller build, about half a minute on two cores); CI runs it with the rest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _offscreen_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


@pytest.mark.slow
def test_the_bundle_builds_and_passes_its_self_test(tmp_path: Path) -> None:
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    if not pyinstaller.exists():
        pyinstaller = Path(shutil.which("pyinstaller") or "pyinstaller")
    build = subprocess.run(
        [str(pyinstaller), "--noconfirm", "--log-level", "WARN", "--distpath",
         str(tmp_path / "dist"), "--workpath", str(tmp_path / "work"), "build.spec"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr[-4000:]
    bundle = tmp_path / "dist" / "plx-desktop"
    for part in ("ui/main_window.ui", "ui/step_settings.ui", "resources/style.qss",
                 "resources/icons/app.svg", "plx_desktop/sandbox/salesforce/login.html"):
        assert (bundle / "_internal" / part).is_file(), f"{part} is missing from the bundle"

    run = subprocess.run(
        [str(bundle / "plx-desktop"), "--sandbox", "--self-test", "--data-dir",
         str(tmp_path / "data")],
        cwd=tmp_path, env=_offscreen_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    assert "self-test: sync completed" in run.stdout


@pytest.mark.slow
def test_self_test_from_source_exits_0(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "plx_desktop", "--sandbox", "--self-test", "--data-dir",
         str(tmp_path / "data")],
        cwd=ROOT, env=_offscreen_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    assert "self-test: sync completed" in run.stdout
