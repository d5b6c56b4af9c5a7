"""scripts/install-qt-libs on a machine without Qt's xcb libraries: it says what it installs,
installs through apt-get (with sudo when not root), is silent when nothing is missing, and
elsewhere prints the exact command and stops. The system tools are stand-ins on PATH."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "install-qt-libs"
XCB_SONAMES = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxkbcommon-x11.so.0")


def _tool(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def _machine(tmp_path: Path, *, uid: int, apt: bool = True, dnf: bool = False) -> dict:
    """A PATH whose ldconfig knows every library but XCB_SONAMES (until apt-get installs)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    known = tmp_path / "known.txt"
    have = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout
    known.write_text("".join(line + "\n" for line in have.splitlines()
                             if not any(s in line for s in XCB_SONAMES)))
    log = tmp_path / "calls.txt"
    _tool(bin_dir, "ldconfig", f'cat "{known}"\n')
    _tool(bin_dir, "id", f'[ "$1" = -u ] && echo {uid} || /usr/bin/id "$@"\n')
    _tool(bin_dir, "sudo", f'echo "sudo $*" >> "{log}"\n"$@"\n')
    if apt:
        installs = "".join(f'echo "\t{s} (libc6,x86-64) => /usr/lib/{s}" >> "{known}"\n'
                           for s in XCB_SONAMES)
        _tool(bin_dir, "apt-get", f'echo "apt-get $*" >> "{log}"\n'
                                  f'[ "$1" = install ] && {{\n{installs}}}\nexit 0\n')
    if dnf:
        _tool(bin_dir, "dnf", "exit 0\n")
    # Only the stand-ins and the basic tools: no real apt-get, dnf or pacman.
    basics = tmp_path / "basics"
    basics.mkdir()
    for tool in ("sh", "awk", "grep", "sort", "tr", "cat", "uname", "find", "head", "fc-list",
                 "echo"):
        for folder in ("/usr/bin", "/bin"):
            if os.path.exists(f"{folder}/{tool}"):
                os.symlink(f"{folder}/{tool}", basics / tool)
                break
    env = {"PATH": f"{bin_dir}:{basics}", "HOME": str(tmp_path), "LC_ALL": "C"}
    return {"env": env, "log": log}


def _run(machine: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(SCRIPT)], env=machine["env"], capture_output=True,
                          text=True, timeout=60)


@pytest.mark.skipif(not os.path.exists("/sbin/ldconfig"), reason="a glibc Linux system")
def test_missing_libraries_are_named_and_installed_through_sudo(tmp_path: Path) -> None:
    machine = _machine(tmp_path, uid=1000)
    run = _run(machine)
    assert run.returncode == 0, run.stderr
    assert ("install-qt-libs: Qt needs these system packages: libxcb-cursor0 libxcb-icccm4 "
            "libxkbcommon-x11-0") in run.stdout
    assert "running: sudo apt-get install -y --no-install-recommends" in run.stdout
    calls = machine["log"].read_text().splitlines()
    assert "sudo apt-get install -y -qq --no-install-recommends libxcb-cursor0 libxcb-icccm4 " \
           "libxkbcommon-x11-0" in calls
    assert run.stdout.rstrip().endswith("install-qt-libs: done")
    again = _run(machine)  # now nothing is missing: not a word, no apt-get
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    assert len(machine["log"].read_text().splitlines()) == len(calls)


@pytest.mark.skipif(not os.path.exists("/sbin/ldconfig"), reason="a glibc Linux system")
def test_root_installs_without_sudo(tmp_path: Path) -> None:
    machine = _machine(tmp_path, uid=0)
    run = _run(machine)
    assert run.returncode == 0, run.stderr
    calls = machine["log"].read_text().splitlines()
    assert calls and not [c for c in calls if c.startswith("sudo")]


@pytest.mark.skipif(not os.path.exists("/sbin/ldconfig"), reason="a glibc Linux system")
def test_elsewhere_it_prints_the_exact_command_and_stops(tmp_path: Path) -> None:
    machine = _machine(tmp_path, uid=1000, apt=False, dnf=True)
    run = _run(machine)
    assert run.returncode == 1
    assert "    sudo dnf install -y libxkbcommon-x11 xcb-util-cursor xcb-util-wm" in run.stderr
    assert not machine["log"].exists()
