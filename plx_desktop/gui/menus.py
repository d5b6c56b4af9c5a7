"""The main window's menu bar: File, Sync, View, Settings and Help, each entry with a shortcut.

Run now and Pause keep their shortcuts on the run-control buttons (F5, Alt+U): the menu shows
them and clicks the button, since the same key on two actions would be ambiguous and do nothing.
Help: F1 opens the admin's guide in a window of its own; About says which version this is.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar

from plx_desktop.domain.profile import ProfileKind
from plx_desktop.gui import guide_window, log_folder, profile_files, window_dialogs

CONFIG_HISTORY_CUSTOM_ONLY = "Config history keeps the Custom profile's versions; choose Custom " \
                             "profile to see them."


PAUSE, RESUME = "&Pause automatic sync\tAlt+U", "&Resume automatic sync\tAlt+U"


class MainMenus:
    """Builds the menu bar on `window` (a MainWindow) and keeps each entry's enabled state in
    step with the window. Attributes: one QAction per entry (export_action, …)."""

    def __init__(self, window: Any):
        self.window = window
        bar: QMenuBar = window.menuBar()
        file_menu = bar.addMenu("&File")
        self.export_action = self._add(file_menu, "&Export profile…", "Ctrl+E",
                                       lambda: profile_files.export_profile(window),
                                       "Save the profile shown as a JSON file (no secrets)")
        self.import_action = self._add(file_menu, "&Import profile…", "Ctrl+O",
                                       lambda: profile_files.import_profile(window),
                                       "Replace the Custom profile with one from a file "
                                       "(checked first; the old one stays in Config history)")
        file_menu.addSeparator()
        self.quit_action = self._add(file_menu, "&Quit", QKeySequence.StandardKey.Quit,
                                     window.close, "Close PLX Desktop (a running sync stops first)")
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))

        sync_menu = bar.addMenu("S&ync")
        controls = window.run_controls
        self.run_action = self._add(sync_menu, "&Run now\tF5", None, controls.run_button.click,
                                    "Sync now with the current profile")
        self.preview_action = self._add(sync_menu, "Pre&view", "Shift+F5",
                                        lambda: window.preview.preview(),
                                        "What the next run would create, update and skip, "
                                        "without writing anything")
        self.pause_action = self._add(sync_menu, PAUSE, None, controls.pause_button.click,
                                      "Stop or restart the automatic runs")

        view_menu = bar.addMenu("&View")
        self.record_history_action = self._add(
            view_menu, "Record &history…", "Ctrl+Shift+H",
            lambda: window_dialogs.open_record_history(window),
            "Every sync event of a person, contact or lead: search an email or an id")
        self.config_history_action = self._add(
            view_menu, "&Config history…", "Ctrl+Alt+H",
            lambda: window_dialogs.open_config_history(window),
            "Every saved version of the Custom profile; compare and roll back")

        settings_menu = bar.addMenu("Settin&gs")
        self.settings_action = self._add(settings_menu, "&Sync settings…", "Ctrl+,",
                                         lambda: window_dialogs.open_sync_settings(window),
                                         "Salesforce API usage cap, converted lead follow-through")

        help_menu = bar.addMenu("&Help")
        self.guide_action = self._add(help_menu, "Admin's &guide", QKeySequence.StandardKey.HelpContents,
                                      lambda: window_dialogs.open_guide(window),
                                      "How to connect, build steps, run and read the Log (F1)")
        if self.guide_action.shortcut().isEmpty():
            self.guide_action.setShortcut(QKeySequence("F1"))
        self.about_action = self._add(help_menu, "&About PLX Desktop", "Shift+F1",
                                      lambda: guide_window.about(window),
                                      "Which version of PLX Desktop this is")
        help_menu.addSeparator()
        self.log_folder_action = log_folder.add_to(help_menu, window)

        controls.pause_button.toggled.connect(
            lambda paused: self.pause_action.setText(RESUME if paused else PAUSE))
        window.preview.availability_changed.connect(self._show_preview_available)
        window.session.switched.connect(lambda *_: self.update())
        window.sync.runner.started.connect(self.update)
        window.sync.runner.stopped.connect(self.update)
        window.state.changed.connect(self.update)
        window.preview.runner.started.connect(self.update)
        window.preview.runner.stopped.connect(self.update)
        self.update()

    def _add(self, menu: Any, text: str, shortcut: Any, slot: Any, tip: str) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda *_: slot())
        menu.addAction(action)
        menu.setToolTipsVisible(True)
        self.window.addAction(action)  # shortcuts work even while the menu bar is hidden
        return action

    def update(self) -> None:
        """Enable what can be done now."""
        window = self.window
        custom = window.session.kind is ProfileKind.CUSTOM
        self.config_history_action.setEnabled(custom)
        self.config_history_action.setToolTip(
            "Every saved version of the Custom profile; compare and roll back" if custom
            else CONFIG_HISTORY_CUSTOM_ONLY)
        self.run_action.setEnabled(window.run_controls.run_button.isEnabled())
        self.run_action.setText("St&op\tF5" if window.sync.runner.running else "&Run now\tF5")
        self._show_preview_available(window.preview.available, window.preview.why_not())

    def _show_preview_available(self, available: bool, why_not: str = "") -> None:
        self.preview_action.setEnabled(available)
        self.preview_action.setStatusTip(why_not or "What the next run would create, update "
                                         "and skip, without writing anything")
