"""What every benchmark shares: the sandbox in its own process, profiles, measured sync runs, targets.

The sandbox runs as a subprocess (`plx-desktop sandbox serve`) so that its memory and CPU never count
as the engine's; each sync runs as another subprocess (`plx-desktop sync --once`) reaped with
os.wait4, which gives that one child's peak RSS and CPU time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLI = [PYTHON, "-m", "plx_desktop"]
FULL_SIZES = (10_000, 100_000)
QUICK_SIZES = (2_000,)
# Salesforce routes that the issue sets aside: describes, OAuth, version discovery.
_ASIDE = ("describe", "oauth", "versions", "resources", "userinfo", "token")


# -- targets -------------------------------------------------------------------------------------

@dataclass
class Target:
    name: str
    met: bool
    detail: str

    def line(self) -> str:
        return f"  target {'met' if self.met else 'NOT met'}: {self.name}: {self.detail}"


@dataclass
class Results:
    """Figures (printed lines) and targets of one benchmark."""

    title: str
    lines: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.lines.append(text)
        print(text, flush=True)

    def target(self, name: str, met: bool, detail: str) -> Target:
        t = Target(name, met, detail)
        self.targets.append(t)
        print(t.line(), flush=True)
        return t


def add_common_args(parser: argparse.ArgumentParser, *, sizes: bool = True,
                    latencies: bool = True) -> None:
    if sizes:
        parser.add_argument("--n", type=int, nargs="+", metavar="N",
                            help="record counts (default: 10000 100000; --quick: 2000)")
    if latencies:
        parser.add_argument("--latency", type=float, nargs="+", metavar="MS",
                            help="injected latency per API call in ms (default: 0 50)")
    parser.add_argument("--quick", action="store_true", help="small N, for a fast look")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dirs")


def sizes_of(args: argparse.Namespace) -> list[int]:
    return list(args.n or (QUICK_SIZES if args.quick else FULL_SIZES))


def latencies_of(args: argparse.Namespace) -> list[float]:
    return list(args.latency if args.latency is not None else (0.0, 50.0))


# -- the sandbox, in its own process -------------------------------------------------------------

class SandboxProcess:
    """`plx-desktop --data-dir D sandbox serve --seed N` as a child process."""

    def __init__(self, data_dir: Path, seed: int, latency_ms: float = 0.0):
        self.data_dir = data_dir
        self.seed = seed
        state = data_dir / "sandbox"
        state.mkdir(parents=True, exist_ok=True)
        self.json_path = state / "sandbox.json"
        self.json_path.unlink(missing_ok=True)
        self.log = open(data_dir / "sandbox.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [*CLI, "--data-dir", str(data_dir), "sandbox", "serve", "--org", "ready", "--seed", str(seed),
             "--latency-ms", str(latency_ms)],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        deadline = time.monotonic() + 600
        while not self.json_path.exists():
            if self.proc.poll() is not None:
                raise RuntimeError(f"the sandbox exited: see {data_dir / 'sandbox.log'}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox did not start in 10 minutes")
            time.sleep(0.1)
        self.info = json.loads(self.json_path.read_text())
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.verify = self.info["ca_file"]

    def _control(self, service: str, method: str, path: str, body: Any = None) -> Any:
        base = self.info["salesforce_instance_url" if service == "sf" else "peoplelinx_base_url"]
        answer = self.http.request(method, f"{base.rstrip('/')}/__sandbox__/{path}", json=body,
                                   timeout=600)
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def set_latency(self, ms: float) -> None:
        for service in ("sf", "plx"):
            self._control(service, "POST", "faults", {"latency_ms": ms})

    def reset_calls(self) -> None:
        for service in ("sf", "plx"):
            self._control(service, "DELETE", "calls")

    def calls(self) -> dict[str, dict[str, int]]:
        return {s: self._control(s, "GET", "calls")["by_route"] for s in ("sf", "plx")}

    def reseed(self, n: int | None = None, *, peoplelinx_people: int | None = None) -> None:
        """Both services back to the bulk population (PeopleLinx: `peoplelinx_people` people)."""
        n = self.seed if n is None else n
        self._control("sf", "POST", "seed", {"seed": n})
        people = n if peoplelinx_people is None else peoplelinx_people
        if people:
            self._control("plx", "POST", "seed", {"seed": people})
        else:
            self._control("plx", "POST", "reset")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def salesforce_calls(by_route: dict[str, int]) -> tuple[int, dict[str, int]]:
    """Counted Salesforce calls (describes, OAuth and version discovery aside), and the aside ones."""
    aside = {r: n for r, n in by_route.items() if any(a in r.lower() for a in _ASIDE)}
    return sum(n for r, n in by_route.items() if r not in aside), aside


def peoplelinx_calls(by_route: dict[str, int]) -> tuple[int, dict[str, int]]:
    """Counted PeopleLinx calls; /v1/people/fields (PeopleLinx's describe) aside."""
    aside = {r: n for r, n in by_route.items() if r.endswith("/fields")}
    return sum(n for r, n in by_route.items() if r not in aside), aside


def fmt_routes(by_route: dict[str, int]) -> str:
    return ", ".join(f"{r} {n}" for r, n in sorted(by_route.items(), key=lambda kv: -kv[1]))


# -- the app's data dir and profiles -------------------------------------------------------------

def fresh_app_store(data_dir: Path) -> None:
    """Forget links, cursors, outbox and log (the sandbox state dir stays)."""
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"plx-desktop.sqlite3{suffix}").unlink(missing_ok=True)


def import_profile(data_dir: Path, kinds: Iterable[str]) -> None:
    """Make the Custom profile exactly the Default steps of these kinds, in this order."""
    kinds = list(kinds)
    exported = subprocess.run([*CLI, "--data-dir", str(data_dir), "profile", "export", "-",
                               "--profile", "default"], capture_output=True, text=True,
                              check=True, cwd=ROOT).stdout
    profile = json.loads(exported)
    by_kind = {s["kind"]: s for s in profile["steps"]}
    profile["profile"] = "custom"
    profile["steps"] = [by_kind[k] | {"enabled": True} for k in kinds]
    path = data_dir / "bench-profile.json"
    path.write_text(json.dumps(profile))
    subprocess.run([*CLI, "--data-dir", str(data_dir), "profile", "import", str(path)],
                   capture_output=True, text=True, check=True, cwd=ROOT)


@dataclass
class SyncRun:
    wall: float
    cpu: float  # user + system seconds of the sync process
    max_rss_mb: float
    returncode: int
    output: str


def run_sync_process(data_dir: Path, profile: str = "custom") -> SyncRun:
    """`plx-desktop --sandbox sync --once` in a child process; its own peak RSS and CPU."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen([*CLI, "--data-dir", str(data_dir), "--sandbox", "sync", "--once",
                                 "--profile", profile], stdout=out, stderr=subprocess.STDOUT,
                                cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    return SyncRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                   proc.returncode, text)


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"plx-bench-{prefix}-"))


def remove(path: Path, keep: bool) -> None:
    if not keep:
        shutil.rmtree(path, ignore_errors=True)


def minimum_calls(pages_of: int, writes_of: int) -> int:
    return math.ceil(pages_of / 2000) + math.ceil(writes_of / 200)


# -- the machine ---------------------------------------------------------------------------------

def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {"cpus": str(os.cpu_count()), "cpu": cpu, "ram": ram,
            "python": platform.python_version(), "os": platform.platform()}


def summarise(results: list[Results]) -> str:
    targets = [t for r in results for t in r.targets]
    met = sum(t.met for t in targets)
    return f"targets met: {met}/{len(targets)}"
