"""The window: the longest GUI-thread stall during a big sync, and the Log tab's memory at 1M entries.

    python -m bench.gui [--n 100000] [--log-entries 1000000] [--quick]

Stall: the app's real MainWindow (offscreen) on a sandbox seeded with N records, the Custom
profile with only Contact → People active, the Log tab shown; one sync started with the Run
button's code path (SyncController.run_now), while a 5 ms QTimer on the GUI thread records the
longest gap between its firings. Memory: the store's log filled with M rows
(store.log.append_many) in one process; in a fresh one, a LogTab on that store, scrolled to the
end (the oldest entry) and back, then the process's RSS. Each part runs in its own process.

While the GUI thread is late, a watchdog thread samples where every thread is (printed with the
figure). For experiments, PLX_BENCH_SWITCH_INTERVAL=0.005 sets the GUI process's GIL switch
interval (the app's is 1 ms) and PLX_BENCH_PAGE=stepsPage shows the Steps tab instead of the Log tab.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import (
    ROOT,
    Results,
    SandboxProcess,
    fresh_app_store,
    import_profile,
    machine_cpu,
    process_cpu,
    remove,
    temp_dir,
)

STALL_TARGET_MS = 50.0
LOG_TARGET_MB = 300.0


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def _qt_env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}


def _worker(argv: list[str]) -> dict:
    answer = subprocess.run([sys.executable, "-m", "bench.gui", *argv], capture_output=True,
                            text=True, cwd=ROOT, env=_qt_env(), timeout=3600)
    for line in reversed(answer.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"the worker failed:\n{answer.stdout[-2000:]}\n{answer.stderr[-3000:]}")


# -- stall ---------------------------------------------------------------------------------------

def stall_worker(data_dir: Path) -> dict:
    from PySide6.QtCore import Qt, QTimer

    from plx_desktop.gui.app import make_application, tune_for_the_window, window_is_up
    from plx_desktop.gui.connection_state import SandboxDetails
    from plx_desktop.gui.main_window import MainWindow

    tune_for_the_window()  # as run_gui does: the window measured is the app's
    if os.environ.get("PLX_BENCH_SWITCH_INTERVAL"):
        # Experiment only: how much of the stall is the GIL's switch interval.
        sys.setswitchinterval(float(os.environ["PLX_BENCH_SWITCH_INTERVAL"]))
    app = make_application()
    window = MainWindow(data_dir, sandbox=SandboxDetails.read(data_dir))
    window.resize(1200, 800)
    window.show()
    window_is_up()
    from PySide6.QtWidgets import QWidget

    page = os.environ.get("PLX_BENCH_PAGE", "logPage")  # experiment: "stepsPage"
    window.tabs.setCurrentWidget(window.page.findChild(QWidget, page))
    gaps: list[float] = []
    # (gap, seconds into the run when it began, of which the thread ran, and waited for a core)
    when: list[tuple[float, float, float, float]] = []
    state = {"last": 0.0, "running": False, "result": None, "started": 0.0}

    sched = _ThreadSchedule()

    def tick() -> None:
        now = time.perf_counter()
        ran, waited = sched.since_last()
        if state["running"] and state["last"]:
            gaps.append(now - state["last"])
            when.append((now - state["last"], state["last"] - state["started"], ran, waited))
        state["last"] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(5)
    timer.timeout.connect(tick)

    def finished(summary) -> None:
        state["result"] = getattr(summary, "status", str(summary))
        state["running"] = False
        state["cpu_end"] = machine_cpu()
        QTimer.singleShot(200, app.quit)

    def start() -> None:
        state["running"], state["started"] = True, time.perf_counter()
        state["cpu_start"] = machine_cpu()
        if not window.sync.run_now():
            state["result"] = "did not start"
            app.quit()

    window.sync.run_finished.connect(finished)
    window.sync.run_failed.connect(lambda message: finished(f"failed: {message}"))
    watchdog = _Watchdog(state)
    timer.start()
    QTimer.singleShot(500, start)
    watchdog.start()
    app.exec()
    watchdog.stop()
    wall = time.perf_counter() - state["started"]
    rows = window.log_tab.model.rowCount()
    busy0, total0 = state.get("cpu_start", (0.0, 0.0))
    busy1, total1 = state.get("cpu_end", machine_cpu())
    gaps.sort()
    over = sum(g > STALL_TARGET_MS / 1000 for g in gaps)
    return {"status": state["result"], "wall": wall, "ticks": len(gaps),
            "max_ms": gaps[-1] * 1000 if gaps else 0.0,
            "p99_ms": gaps[int(len(gaps) * 0.99)] * 1000 if gaps else 0.0,
            "over": over, "rows": rows, "stacks": watchdog.top(5),
            "sync_cpu": sum(watchdog.child_cpu.values()),
            "machine_busy": busy1 - busy0, "machine_total": total1 - total0,
            "worst": [(round(g * 1000), round(t, 2), round(ran * 1000, 1), round(waited * 1000, 1))
                      for g, t, ran, waited in sorted(when)[-5:]]}


class _ThreadSchedule:
    """The calling thread's time on a CPU and waiting for one (Linux's schedstat), since the
    last call: tells a window that was working from one that was ready and waiting for a core.
    Zeros where the file is missing (other systems)."""

    def __init__(self) -> None:
        import threading

        self._path = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")
        self._last = self._read()

    def _read(self) -> tuple[int, int]:
        try:
            ran, waited, _ = self._path.read_text().split()
            return int(ran), int(waited)
        except (OSError, ValueError):
            return 0, 0

    def since_last(self) -> tuple[float, float]:
        now = self._read()
        ran, waited = now[0] - self._last[0], now[1] - self._last[1]
        self._last = now
        return ran / 1e9, waited / 1e9


class _Watchdog:
    """Where every thread was while the GUI thread was late: the diagnosis of a stall."""

    def __init__(self, state: dict):
        import threading

        self.state = state
        self.gui = threading.get_ident()
        self.seen: dict[str, int] = {}
        self.child_cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import traceback

        turns = 0
        while not self._stop.wait(0.002):
            turns += 1
            if turns % 50 == 0:
                self._sample_children()
            late = time.perf_counter() - self.state["last"]
            if not self.state["running"] or late < 0.03:
                continue
            frames = sys._current_frames()
            parts = []
            for ident, frame in frames.items():
                if ident == self._thread.ident:
                    continue
                stack = traceback.extract_stack(frame)
                ours = [f for f in stack if "plx_desktop" in f.filename][-3:]
                where = [f"{Path(f.filename).name}:{f.lineno} {f.name}"
                         for f in [*ours, *stack[-2:]]]
                who = "GUI" if ident == self.gui else "worker"
                parts.append(f"{who}: " + " < ".join(reversed(where)))
            key = " || ".join(sorted(parts))
            self.seen[key] = self.seen.get(key, 0) + 1

    def _sample_children(self) -> None:
        """The CPU so far of this process's children (the sync's process), every 100 ms: the
        last sample before a child ends is its CPU (the app reaps it, not the benchmark)."""
        for task in Path("/proc/self/task").iterdir():
            try:
                pids = (task / "children").read_text().split()
            except OSError:
                continue
            for pid in pids:
                self.child_cpu[int(pid)] = max(self.child_cpu.get(int(pid), 0.0),
                                               process_cpu(int(pid)))

    def top(self, count: int) -> list[tuple[str, int]]:
        return sorted(self.seen.items(), key=lambda kv: -kv[1])[:count]


def measure_stall(n: int, results: Results, keep: bool) -> None:
    data_dir = temp_dir(f"gui-{n}")
    try:
        with SandboxProcess(data_dir, n) as sandbox:
            fresh_app_store(data_dir)
            import_profile(data_dir, ["contact_to_people"])
            from plx_desktop.paths import database_path
            from plx_desktop.store import open_store

            with open_store(database_path(data_dir)) as store:
                store.profiles.set_active_kind("custom")
            sandbox_cpu = sandbox.cpu_seconds()
            figure = _worker(["--stall-worker", str(data_dir)])
            sandbox_cpu = sandbox.cpu_seconds() - sandbox_cpu
    finally:
        remove(data_dir, keep)
    results.say(f"GUI during a {n:,}-record Contacts → People sync with the Log tab shown: run "
                f"{figure['status']} in {figure['wall']:.1f} s; {figure['ticks']:,} timer ticks, "
                f"longest gap {figure['max_ms']:.0f} ms, 99th percentile {figure['p99_ms']:.0f} "
                f"ms, {figure['over']} gaps over {STALL_TARGET_MS:.0f} ms; the Log tab shows "
                f"{figure['rows']:,} rows")
    cpus = os.cpu_count() or 1
    busy = figure["machine_busy"] / max(figure["machine_total"], 1e-9) * cpus
    results.say(f"    during the run the machine's {cpus} CPUs were {busy:.2f} busy "
                f"({busy / cpus:.0%}); the sync process used {figure['sync_cpu'] / figure['wall']:.2f} "
                f"CPU and the sandbox {sandbox_cpu / figure['wall']:.2f} (CPU seconds over the run's wall time)")
    results.say("    longest gaps (ms, at seconds into the run; of which the window's thread ran / "
                "waited for a core): " + ", ".join(f"{g} at {t} ({ran:g} / {waited:g})"
                                                   for g, t, ran, waited in reversed(figure["worst"])))
    for stack, samples in figure["stacks"]:
        results.say(f"    while late ({samples} samples of 2 ms): {stack[:600]}")
    results.target(f"longest GUI stall ≤ {STALL_TARGET_MS:.0f} ms ({n:,}-record sync)",
                   figure["status"] == "completed" and figure["max_ms"] <= STALL_TARGET_MS,
                   f"{figure['max_ms']:.0f} ms")


# -- Log tab memory ------------------------------------------------------------------------------

def fill_worker(data_dir: Path, count: int) -> dict:
    from plx_desktop.paths import database_path
    from plx_desktop.store import LogEntry, open_store

    outcomes = ("created", "updated", "skipped", "failed", "conflict")
    with open_store(database_path(data_dir)) as store:
        run_id = store.log.start_run("custom")
        chunk = 50_000
        for start in range(0, count, chunk):
            store.log.append_many(
                LogEntry(outcome=outcomes[i % 5], step_uid="bench", step_label="Contact → People",
                         direction="salesforce_to_peoplelinx", sf_id=f"003{i:015d}",
                         plx_id=f"per_{i:012d}", record_label=f"Person {i} <p{i}@example.com>",
                         error_code="" if i % 5 != 3 else "INVALID_EMAIL_ADDRESS",
                         message="Created in PeopleLinx", run_id=run_id)
                for i in range(start, min(count, start + chunk)))
        return {"rows": store.log.count()}


def log_memory_worker(data_dir: Path) -> dict:
    from PySide6.QtWidgets import QApplication

    from plx_desktop.gui.app import make_application
    from plx_desktop.gui.log_source import StoreLogSource
    from plx_desktop.gui.log_tab import LogTab
    from plx_desktop.paths import database_path
    from plx_desktop.store import open_store

    make_application()
    store = open_store(database_path(data_dir))
    before = _rss_mb()
    started = time.perf_counter()
    tab = LogTab(StoreLogSource(store))
    tab.resize(1200, 800)
    tab.show()
    QApplication.processEvents()
    opened = time.perf_counter() - started
    view = tab.view
    started = time.perf_counter()
    view.scrollToBottom()
    QApplication.processEvents()
    to_end = time.perf_counter() - started
    view.scrollToTop()
    QApplication.processEvents()
    rows = tab.model.rowCount()
    after = _rss_mb()
    return {"rows": rows, "before_mb": before, "after_mb": after, "open_s": opened,
            "scroll_s": to_end}


def measure_log_memory(count: int, results: Results, keep: bool) -> None:
    data_dir = temp_dir("logmem")
    try:
        fresh_app_store(data_dir)
        filled = _worker(["--fill-worker", str(data_dir), str(count)])
        figure = _worker(["--log-memory-worker", str(data_dir)])
    finally:
        remove(data_dir, keep)
    results.say(f"Log tab on {filled['rows']:,} entries: opened in {figure['open_s'] * 1000:.0f} ms, "
                f"scrolled to the end in {figure['scroll_s'] * 1000:.0f} ms, {figure['rows']:,} "
                f"rows; process RSS {figure['after_mb']:.0f} MB (Qt + store before the tab: "
                f"{figure['before_mb']:.0f} MB)")
    results.target(f"Log tab with {count:,} entries ≤ {LOG_TARGET_MB:.0f} MB",
                   figure["after_mb"] <= LOG_TARGET_MB,
                   f"{figure['after_mb']:.0f} MB process RSS")


def measure(n: int, log_entries: int, keep: bool = False) -> Results:
    results = Results("The window")
    results.say("== The window (issue 5 item 5) ==")
    measure_stall(n, results, keep)
    measure_log_memory(log_entries, results, keep)
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--stall-worker":
        print(json.dumps(stall_worker(Path(argv[1]))))
        return 0
    if argv and argv[0] == "--fill-worker":
        print(json.dumps(fill_worker(Path(argv[1]), int(argv[2]))))
        return 0
    if argv and argv[0] == "--log-memory-worker":
        print(json.dumps(log_memory_worker(Path(argv[1]))))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.gui", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=None, help="records synced (default 100000)")
    parser.add_argument("--log-entries", type=int, default=None,
                        help="log rows for the memory figure (default 1000000)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    n = args.n or (2000 if args.quick else 100_000)
    entries = args.log_entries or (100_000 if args.quick else 1_000_000)
    results = measure(n, entries, args.keep)
    print(f"targets met: {sum(t.met for t in results.targets)}/{len(results.targets)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
