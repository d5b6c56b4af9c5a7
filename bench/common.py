"""What every benchmark shares: the sandbox in processes of its own, profiles, measured sync runs, targets.

The sandbox runs as two subprocesses, one per stand-in (`plx-desktop sandbox serve --only ...`), so
that its memory and CPU never count as the engine's and its two services run side by side as two
real servers would; each sync runs as another subprocess (`plx-desktop sync --once`) reaped with
os.wait4, which gives that one child's peak RSS and CPU time.
"""

from __future__ import annotations

import argparse
import compileall
import dataclasses
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
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


def _compile_the_app() -> None:
    """Byte-compile the app once, as installing it does (pip writes every module's .pyc, and
    the app's dependencies here have theirs). The checkout is installed editable, and where
    PYTHONDONTWRITEBYTECODE is set (this machine, CI) every sync, sandbox and window process
    would otherwise compile the app's modules again as it starts: about 0.2 s of each sync's
    wall time that an installed app never spends."""
    compileall.compile_dir(ROOT / "plx_desktop", quiet=1)


_compile_the_app()


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


# -- the sandbox: two stand-ins, each in its own process ----------------------------------------

class SandboxProcess:
    """The two stand-ins, each `plx-desktop --data-dir D sandbox serve --only SERVICE --seed N`
    in a child process of its own, as Salesforce and PeopleLinx are two servers in real life.

    In one process the two services take turns under one interpreter lock, so a sync's read of
    Salesforce and its write to PeopleLinx could not overlap however well the app overlaps them,
    and the sync could never come near the slower of its read and write floors. Each process
    writes its part (sandbox-salesforce.json, sandbox-peoplelinx.json); this class writes the
    sandbox.json the app reads from both (runner.merge_parts: its pid is the Salesforce
    process's, which the app's check of a running sandbox looks for). Each process has its own
    clock: advance_clock moves both alike.

    Seeding is slow (the sandbox's own seed_bulk, about a minute per 100,000 on a busy machine;
    the two services now seed their parts of the one deterministic population side by side), so
    the seeded databases (salesforce*.sqlite3 and bulk2.sqlite3 of the one, peoplelinx.sqlite3 of
    the other) are copied once (SQLite's backup API) and every reseed restores that copy into
    fresh sandbox processes. A fresh process per run also makes the sandbox's peak RSS (VmHWM)
    the peak of that run alone, not of the seeding.
    """

    SERVICES = {"sf": "salesforce", "plx": "peoplelinx"}

    def __init__(self, data_dir: Path, seed: int, latency_ms: float = 0.0):
        self.data_dir = data_dir
        self.seed = seed
        self.latency_ms = latency_ms
        self.state = data_dir / "sandbox"
        self.state.mkdir(parents=True, exist_ok=True)
        self.json_path = self.state / "sandbox.json"
        self.snapshot = data_dir / "seeded"
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        # One log per process; closed in stop().
        self.logs = {s: open(data_dir / f"sandbox-{name}.log", "w")  # noqa: SIM115
                     for s, name in self.SERVICES.items()}
        started = time.perf_counter()
        try:
            self._start(["--seed", str(seed)])
            self.seed_seconds = time.perf_counter() - started
            self._take_snapshot()
            self.restart()
        except BaseException:
            self.stop()  # no sandbox left behind when it could not start
            raise

    def _start(self, extra: list[str]) -> None:
        from plx_desktop.sandbox.runner import merge_parts, part_file

        parts = [self.state / part_file(name) for name in self.SERVICES.values()]
        for path in (self.json_path, *parts):
            path.unlink(missing_ok=True)
        for short, name in self.SERVICES.items():
            self.procs[short] = subprocess.Popen(
                [*CLI, "--data-dir", str(self.data_dir), "sandbox", "serve", "--only", name,
                 "--org", "ready", "--latency-ms", str(self.latency_ms), *extra],
                stdout=self.logs[short], stderr=subprocess.STDOUT, cwd=ROOT,
                start_new_session=True)
        self.proc = self.procs["sf"]  # the process that sandbox.json's pid names
        deadline = time.monotonic() + 3600
        while not all(path.exists() for path in parts):
            for short, proc in self.procs.items():
                if proc.poll() is not None:
                    log = self.data_dir / f"sandbox-{self.SERVICES[short]}.log"
                    raise RuntimeError(f"the sandbox's {self.SERVICES[short]} exited: see {log}")
            if time.monotonic() > deadline:
                self._end()
                raise RuntimeError("the sandbox did not start in an hour")
            time.sleep(0.1)
        self.info = dataclasses.asdict(merge_parts(self.state))
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.verify = self.info["ca_file"]

    def _databases(self, where: Path) -> list[Path]:
        return sorted(where.glob("*.sqlite3"))

    def _take_snapshot(self) -> None:
        self.snapshot.mkdir(parents=True, exist_ok=True)
        for path in self._databases(self.state):
            # The backup API copies a consistent database even while the sandbox has it open.
            source, copy = sqlite3.connect(path), sqlite3.connect(self.snapshot / path.name)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()

    def restart(self) -> None:
        """Fresh sandbox processes on the seeded databases (what `reseed()` gives)."""
        self._end()
        for path in self._databases(self.snapshot):
            for suffix in ("", "-wal", "-shm"):
                (self.state / f"{path.name}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(path, self.state / path.name)
        self._start([])

    def _control(self, service: str, method: str, path: str, body: Any = None) -> Any:
        base = self.info["salesforce_instance_url" if service == "sf" else "peoplelinx_base_url"]
        answer = self.http.request(method, f"{base.rstrip('/')}/__sandbox__/{path}", json=body,
                                   timeout=3600)
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def set_latency(self, ms: float) -> None:
        for service in ("sf", "plx"):
            self._control(service, "POST", "faults", {"latency_ms": ms})

    def advance_clock(self, seconds: float) -> None:
        """Let `seconds` pass on the sandbox's clocks without waiting: both processes' alike, so
        that their stamps stay as comparable as one shared clock's."""
        for service in ("sf", "plx"):
            self._control(service, "POST", "clock", {"advance_seconds": seconds})

    def reset_calls(self) -> None:
        for service in ("sf", "plx"):
            self._control(service, "DELETE", "calls")

    def calls(self) -> dict[str, dict[str, int]]:
        return {s: self._control(s, "GET", "calls")["by_route"] for s in ("sf", "plx")}

    def own_time(self) -> dict[str, dict[str, Any]] | None:
        """The sandbox's own time on the API calls since reset_calls (GET /__sandbox__/stats:
        {"calls", "ms", "by_route"}), per service; None from a sandbox that does not report it."""
        try:
            return {s: self._control(s, "GET", "stats") for s in ("sf", "plx")}
        except requests.HTTPError:
            return None

    def reseed(self, n: int | None = None, *, peoplelinx_people: int | None = None) -> None:
        """Both services back to the bulk population (PeopleLinx: `peoplelinx_people` people)."""
        n = self.seed if n is None else n
        people = n if peoplelinx_people is None else peoplelinx_people
        if n == self.seed and people in (n, 0):
            self.restart()
        else:
            self._control("sf", "POST", "seed", {"seed": n})
            if people:
                self._control("plx", "POST", "seed", {"seed": people})
        if not people:
            self._control("plx", "POST", "reset")

    def peak_rss_mb(self) -> float:
        """The larger of the two sandbox processes' peak resident memory so far (VmHWM), in MB:
        each is one server's, as a real server's would be."""
        return max(_proc_status_mb(proc.pid, "VmHWM") for proc in self.procs.values())

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of both sandbox processes so far."""
        return sum(process_cpu(proc.pid) for proc in self.procs.values())

    def _end(self) -> None:
        running = [p for p in self.procs.values() if p.poll() is None]
        for proc in running:  # both told first, so that they end side by side
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in running:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        # SIGTERM leaves the processes no time to take back what they wrote; nothing serves it now.
        self.json_path.unlink(missing_ok=True)

    def stop(self) -> None:
        self._end()
        for log in self.logs.values():
            log.close()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _proc_status_mb(pid: int, key: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def salesforce_calls(by_route: dict[str, int]) -> tuple[int, dict[str, int]]:
    """Counted Salesforce calls (describes, OAuth and version discovery aside), and the aside ones."""
    aside = {r: n for r, n in by_route.items() if any(a in r.lower() for a in _ASIDE)}
    return sum(n for r, n in by_route.items() if r not in aside), aside


def peoplelinx_calls(by_route: dict[str, int]) -> tuple[int, dict[str, int]]:
    """Counted PeopleLinx calls; /v1/people/fields (PeopleLinx's describe) aside."""
    aside = {r: n for r, n in by_route.items() if r.endswith("/fields")}
    return sum(n for r, n in by_route.items() if r not in aside), aside


def fmt_own_time(own: dict[str, dict[str, Any]] | None, wall: float) -> str:
    """The sandbox's own time beside the client's: a slow stand-in is not a slow app."""
    if own is None:
        return "the sandbox's own time: not reported by this sandbox"
    calls = sum(int(v.get("calls", 0)) for v in own.values())
    ms = sum(float(v.get("ms", 0.0)) for v in own.values())
    parts = [f"{name} {int(v.get('calls', 0)):,} calls, {float(v.get('ms', 0.0)) / max(1, int(v.get('calls', 0))):.1f} ms each"
             for name, v in (("Salesforce", own.get("sf", {})), ("PeopleLinx", own.get("plx", {})))
             if v.get("calls")]
    return (f"the sandbox's own time {ms / 1000:.1f} s of {wall:.1f} s wall ({ms / 1000 / max(wall, 1e-9):.0%}); "
            f"per call the sandbox {ms / max(1, calls):.1f} ms, the client {wall * 1000 / max(1, calls):.1f} ms "
            f"({'; '.join(parts) or 'no calls'})")


def fmt_routes(by_route: dict[str, int]) -> str:
    return ", ".join(f"{r} {n}" for r, n in sorted(by_route.items(), key=lambda kv: -kv[1]))


# -- the app's data dir and profiles -------------------------------------------------------------

def fresh_app_store(data_dir: Path) -> None:
    """Forget links, cursors, outbox and log (the sandbox state dir stays)."""
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"plx-desktop.sqlite3{suffix}").unlink(missing_ok=True)


def import_profile(data_dir: Path, kinds: Iterable[str]) -> dict[str, Any]:
    """Make the Custom profile exactly the Default steps of these kinds, in this order; the
    profile as imported (JSON)."""
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
    return profile


_STARTUP_CPU: list[float] = []


def startup_cpu() -> float:
    """CPU seconds a sync process spends before its first record: the interpreter and the
    imports of the CLI and the engine (measured once, the best of three)."""
    if not _STARTUP_CPU:
        code = "import plx_desktop.cli, plx_desktop.sync.service, plx_desktop.sync.engine"
        best = math.inf
        for _ in range(3):
            proc = subprocess.Popen([PYTHON, "-c", code], cwd=ROOT)
            _, _, usage = os.wait4(proc.pid, 0)
            best = min(best, usage.ru_utime + usage.ru_stime)
        _STARTUP_CPU.append(best)
    return _STARTUP_CPU[0]


@dataclass
class SyncRun:
    wall: float
    cpu: float  # user + system seconds of the sync process
    max_rss_mb: float
    returncode: int
    output: str


def run_sync_process(data_dir: Path, profile: str = "custom") -> SyncRun:
    """`plx-desktop --sandbox sync --once` in a child process; its own peak RSS and CPU.

    The peak is the child's VmHWM (its own memory's high-water mark), read every 20 ms until it
    exits. Not wait4's ru_maxrss: Linux carries into it the RSS of the forked copy of this
    process before exec, so after the floors had filled this process every sync "peaked" at
    this process's size (224 MB at 100,000, whatever the sync did)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen([*CLI, "--data-dir", str(data_dir), "--sandbox", "sync", "--once",
                                 "--profile", profile], stdout=out, stderr=subprocess.STDOUT,
                                cwd=ROOT)
        peak = _HighWater(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    return SyncRun(wall, usage.ru_utime + usage.ru_stime, peak.stop() or usage.ru_maxrss / 1024,
                   proc.returncode, text)


class _HighWater:
    """A process's VmHWM, sampled on a thread until stop(): the last reading before it ended."""

    def __init__(self, pid: int, every: float = 0.02):
        self.pid, self.every, self.mb = pid, every, 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(self.every):
            reading = _proc_status_mb(self.pid, "VmHWM")
            if reading:
                self.mb = max(self.mb, reading)

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.mb


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"plx-bench-{prefix}-"))


def remove(path: Path, keep: bool) -> None:
    if not keep:
        shutil.rmtree(path, ignore_errors=True)


def minimum_calls(pages_of: int, writes_of: int) -> int:
    return math.ceil(pages_of / 2000) + math.ceil(writes_of / 200)


# -- CPU use ---------------------------------------------------------------------------------------

def machine_speed() -> float:
    """Milliseconds of CPU a fixed piece of Python takes on this machine now, the best of three:
    20,000 records through JSON, a sort, a hash each, roughly the kind of work a sync does per
    record. The same code on the same machine has run 1.5 × slower at some hours than at others
    (a virtual machine shares its host), so a run prints this at its start and its end, and two
    runs' CPU figures are compared beside it."""
    records = [{"Id": f"003{i:015d}", "Email": f"person{i}@example.com", "FirstName": "Ada",
                "LastName": f"Lovelace{i}", "Number": i} for i in range(20_000)]
    best = math.inf
    for _ in range(3):
        started = time.process_time()
        back = json.loads(json.dumps(records))
        back.sort(key=lambda r: r["Email"])
        for r in back:
            hashlib.sha256(r["Id"].encode("ascii")).hexdigest()
        best = min(best, time.process_time() - started)
    return best * 1000


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all CPUs (/proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(v) for v in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks[:8]) - idle) / hz, sum(ticks[:8]) / hz


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (/proc/PID/stat), 0 when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
