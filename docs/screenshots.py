"""Take the README's screenshots from the real app on the sandbox (run it under a virtual screen).

    xvfb-run -a -s "-screen 0 1400x1000x24" .venv/bin/python docs/screenshots.py
    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py   # no X libraries needed

Each shot is the widget's own rendering (QWidget.grab), so both ways give the same pictures.

Starts the app as `plx-desktop --sandbox --data-dir <tmp>` does (its own sandbox, demo data),
runs a preview, one sync, makes one record fail for the Sync health tab, opens the step settings
dialog, and saves docs/images/*.png. `--dark` adds a dark-palette shot; QT_SCALE_FACTOR=2 checks high DPI.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from plx_desktop.gui import app as gui_app
from plx_desktop.gui.main_window import MainWindow
from plx_desktop.store import LogEntry

IMAGES = Path(__file__).resolve().parent / "images"


def dark_palette() -> QPalette:
    """A Fusion dark palette, as a desktop in dark mode hands to Qt."""
    p = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e6e6e6", QPalette.ColorRole.Link: "#6ea8ff",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a", QPalette.ColorRole.Mid: "#4a4a4a",
        QPalette.ColorRole.Light: "#505050", QPalette.ColorRole.Dark: "#1a1a1a",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return p


class Shooter:
    """Drives the window step by step on the event loop; each step waits on a condition."""

    def __init__(self, app: QApplication, window: MainWindow, prefix: str, sandbox_dir: Path):
        self.app, self.window, self.prefix, self.sandbox_dir = app, window, prefix, sandbox_dir
        self.steps = [self.start_preview, self.wait_preview, self.run_sync, self.wait_run,
                      self.shoot_steps, self.shoot_log, self.shoot_health, self.open_dialog, self.shoot_dialog, self.done]
        self.code = 1

    def start(self) -> None:
        QTimer.singleShot(1500, self._next)

    def _next(self) -> None:
        step = self.steps.pop(0)
        delay = step()
        if delay is None:
            return
        QTimer.singleShot(delay, self._next)

    def save(self, widget: QWidget, name: str) -> None:
        IMAGES.mkdir(exist_ok=True)
        path = IMAGES / f"{self.prefix}{name}.png"
        widget.grab().save(str(path))
        print("saved", path)

    def start_preview(self) -> int:
        self.window.preview_steps()
        return 500

    def wait_preview(self) -> int:
        dialog = self.window.preview.dialog
        if dialog is None or self.window.preview.runner.running:
            self.steps.insert(0, self.wait_preview)
            return 300
        dialog.resize(1000, 680)
        QTimer.singleShot(300, lambda: (self.save(dialog, "preview"), dialog.close()))
        return 800

    def run_sync(self) -> int:
        self.window.run_controls.interval.setValue(5 * 60)
        self.window.sync.run_now()
        return 500

    def wait_run(self) -> int:
        if self.window.runner.running:
            self.steps.insert(0, self.wait_run)
            return 300
        self._add_a_failure()
        self.window.health_tab.refresh()
        return 500

    def _add_a_failure(self) -> None:
        """One refused record for the Sync health tab, as the engine logs it."""
        store = self.window.store
        store.log.append_many([LogEntry(
            outcome="failed", step_uid="default.people_to_lead", step_label="People → Lead",
            direction="peoplelinx_to_salesforce", sf_id="", plx_id=f"per_demo_{n}",
            record_label=label, error_code=code, message=message)
            for n, (label, code, message) in enumerate([
                ("jo.bad@@example", "INVALID_EMAIL_ADDRESS",
                 "Refused: 'jo.bad@@example' is not a valid email address; fix it in PeopleLinx"),
                ("Sam Converted", "CANNOT_UPDATE_CONVERTED_LEAD",
                 "The lead was converted; it can no longer be updated"),
            ]) for _ in range(2)])

    def shoot_steps(self) -> int:
        self.window.profile_combo.setCurrentIndex(1)  # Custom profile: every control live
        self.window.tabs.setCurrentIndex(0)
        self.window.steps_tab.view.setCurrentIndex(self.window.steps_model.index(0))
        return 400

    def shoot_log(self) -> int:
        self.save(self.window, "main-window")
        self.window.tabs.setCurrentIndex(1)
        return 600

    def shoot_health(self) -> int:
        self.save(self.window, "log-tab")
        self.window.tabs.setCurrentIndex(2)
        return 500

    def open_dialog(self) -> int:
        self.save(self.window, "sync-health-tab")
        self.window.tabs.setCurrentIndex(0)
        self.dialog = self.window.open_step_settings(0)
        self.dialog.resize(820, 900)
        return 3000  # the field lists load in the background

    def shoot_dialog(self) -> int:
        self.save(self.dialog, "step-settings")
        self.dialog.reject()
        return 200

    def done(self) -> None:
        self.code = 0
        self.window.close()
        self.app.exit(0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dark", action="store_true", help="a dark palette (Fusion)")
    parser.add_argument("--prefix", default="", help="file name prefix, e.g. dark- or hidpi-")
    args = parser.parse_args()
    app = gui_app.make_application()
    if args.dark:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette())
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        details, sandbox = gui_app.ensure_sandbox(data_dir)
        try:
            window = MainWindow(data_dir, sandbox=details, start_due_run=False)
            window.resize(1280, 860)
            window.show()
            shooter = Shooter(app, window, args.prefix, data_dir)
            shooter.start()
            loop.run_forever()
            return shooter.code
        finally:
            loop.close()
            if sandbox is not None:
                sandbox.stop()


if __name__ == "__main__":
    sys.exit(main())
