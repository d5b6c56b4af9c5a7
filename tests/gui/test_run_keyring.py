"""Run now in a real installation's window (settings + keyring, not sandbox.json) never reads the
keyring on the GUI thread: the window hands over what the cards show, and the sync's child process
reads the saved login itself. The keyring here is a real backend that records the thread of
every read; the child, a separate process, finds the same passwords through PYTHON_KEYRING_BACKEND
(file_keyring.FileKeyring), as an admin's configuration would choose a backend."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from memory_keyring import installed
from saved_connections import save_connections

from plx_desktop.paths import database_path
from plx_desktop.store import open_store

pytestmark = pytest.mark.gui
COMMANDS_TESTS = Path(__file__).parent.parent / "commands"  # where file_keyring lives


@pytest.fixture
def recording_keyring(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(COMMANDS_TESTS))  # spawned children inherit sys.path
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "file_keyring.FileKeyring")
    monkeypatch.setenv("PLX_TEST_KEYRING_FILE", str(tmp_path / "keyring.json"))
    from file_keyring import FileKeyring

    class RecordingKeyring(FileKeyring):
        """The file keyring, noting which thread of this process asked for each password."""

        def __init__(self) -> None:
            super().__init__()
            self.read_threads: list[int] = []

        def get_password(self, service: str, username: str) -> str | None:
            self.read_threads.append(threading.get_ident())
            return super().get_password(service, username)

    with installed(RecordingKeyring()) as backend:
        yield backend


def test_run_now_reads_no_keyring_on_the_gui_thread(qtbot, qloop, sandbox, tmp_path,
                                                     recording_keyring):
    from plx_desktop.gui.main_window import MainWindow

    info = sandbox.info
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with open_store(database_path(data_dir)) as store:
        save_connections(store, recording_keyring, info, info.salesforce_access_token)
    gui_thread = threading.get_ident()
    recording_keyring.read_threads.clear()

    window = MainWindow(data_dir, start_due_run=False)
    qtbot.addWidget(window)
    assert window.state.complete  # restored from the keyring at start...
    assert gui_thread in recording_keyring.read_threads  # ...on the GUI thread: the record works
    recording_keyring.read_threads.clear()

    summaries = []
    window.sync.run_finished.connect(summaries.append)
    with qtbot.waitSignal(window.sync.run_finished, timeout=120_000), \
            qtbot.assertNotEmitted(window.sync.run_failed):
        assert window.sync.run_now()
    qtbot.waitUntil(lambda: not window.runner.running, timeout=30_000)
    [summary] = summaries
    assert summary.status == "completed", summary.reason
    assert sum(s.created for s in summary.steps) > 0  # the child found the saved login itself
    assert gui_thread not in recording_keyring.read_threads
