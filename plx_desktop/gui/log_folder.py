"""Help ▸ Open log folder: the folder of the log file (logfile.py), opened in the file manager.

Where no file manager answers (a server, a bare desktop), the folder's path is shown to copy, so
there is never a dead end.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMessageBox

from plx_desktop.logfile import log_dir

TEXT = "Open &log folder"
TIP = "The log file keeps each run's summary and the details of unexpected errors: send it to " \
      "support"


def add_to(menu: Any, window: Any) -> QAction:
    """Add Open log folder to `menu`; the action."""
    action = QAction(TEXT, window)
    action.setShortcut(QKeySequence("Ctrl+Shift+L"))
    action.setToolTip(TIP)
    action.setStatusTip(TIP)
    action.triggered.connect(lambda *_: open_log_folder(window))
    menu.addAction(action)
    window.addAction(action)  # the shortcut works while the menu bar is hidden too
    return action


def open_log_folder(window: Any) -> bool:
    """Open the log folder; False (and its path shown, selectable) when nothing could open it."""
    folder = log_dir(window.data_dir)
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    box = QMessageBox(QMessageBox.Icon.Information, "Log folder",
                      "No file manager could open the log folder. Its path:", parent=window)
    box.setInformativeText(str(folder))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setObjectName("logFolderPath")
    box.open()
    window._log_folder_box = box  # kept: an open() box must outlive this call
    return False
