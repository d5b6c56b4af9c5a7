"""The main window's secondary windows: Record history, Conflict details, Config history and Sync
settings, each opened without blocking (open()) and kept on the window as `window.<name>_dialog`
so that there is one of each and tests can reach it. GUI thread only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from plx_desktop.gui.dialog_sizes import fit_and_remember
from plx_desktop.gui.log_query import entry_value


def _show(window: Any, name: str, dialog: QDialog, modal: bool = True) -> QDialog:
    old = getattr(window, name, None)
    if old is not None:
        old.close()
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    fit_and_remember(dialog, name.removesuffix("_dialog"))
    dialog.destroyed.connect(lambda *_: setattr(window, name, None)
                             if getattr(window, name, None) is dialog else None)
    setattr(window, name, dialog)
    if modal:
        dialog.open()
    else:
        dialog.show()  # beside the main window, which stays usable
    return dialog


def open_record_history(window: Any, entry: Any = None) -> QDialog:
    """Record history of a log entry's record (both ids), or the search box when no entry."""
    from plx_desktop.gui.record_history import RecordHistoryDialog

    ids = {}
    if entry is not None:
        ids = {"sf_id": entry_value(entry, "sf_id") or None,
               "plx_id": entry_value(entry, "plx_id") or None}
    dialog = RecordHistoryDialog(window.store, instance_url=window.salesforce_instance(),
                                 parent=window, **ids)
    if entry is None:
        dialog.search_box.setFocus()
    return _show(window, "record_history_dialog", dialog)


def open_conflict_details(window: Any, entry: Any) -> QDialog:
    from plx_desktop.gui.conflict_details import ConflictDetailsDialog

    return _show(window, "conflict_dialog", ConflictDetailsDialog(window.store, entry, window))


def open_config_history(window: Any) -> QDialog:
    """The Custom profile's versions; a roll back reloads the steps at once."""
    from plx_desktop.gui.config_history import ConfigHistoryDialog

    dialog = ConfigHistoryDialog(window.store, window)
    dialog.restored.connect(lambda _version: window.reload_profile())
    return _show(window, "config_history_dialog", dialog)


def open_sync_settings(window: Any) -> QDialog:
    from plx_desktop.gui.sync_settings import SyncSettingsDialog

    dialog = SyncSettingsDialog(window.store, window)
    dialog.accepted.connect(lambda: window.statusBar().showMessage(
        "Sync settings saved; the next run uses them.", 10_000))
    return _show(window, "sync_settings_dialog", dialog)


def open_guide(window: Any) -> QDialog:
    """Help ▸ Admin's guide (F1): one window, brought back to the front when already open."""
    from plx_desktop.gui.guide_window import GuideWindow

    old = getattr(window, "guide_dialog", None)
    if old is not None:
        old.raise_()
        old.activateWindow()
        return old
    return _show(window, "guide_dialog", GuideWindow(window), modal=False)
