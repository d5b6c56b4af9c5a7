"""File ▸ Export profile… and Import profile…: the profile as a JSON file (never secrets).

An import is checked whole by the domain first; the stored Custom profile changes only when every
part of the file is good, and the profile it replaces stays in Config history.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from plx_desktop.connectors.errors import ConnectorError
from plx_desktop.domain import (
    DomainError,
    InvalidProfileFile,
    ProfileKind,
    profile_from_json,
    profile_to_json,
)
from plx_desktop.gui.operations import BackgroundOp

FILE_FILTER = "PLX Desktop profile (*.json);;All files (*)"


def _tell(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str,
          details: str = "") -> QMessageBox:
    """A message box that does not block (tests and the event loop go on); kept by its parent."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setInformativeText(details)
    box.open()
    return box


def export_profile(window: Any, path: str | Path | None = None) -> Path | None:
    """Write the profile shown (Default or Custom) to a file; asks where unless `path` is given."""
    profile = window.session.profile
    if path is None:
        suggested = str(Path.home() / f"plx-profile-{profile.kind.value}.json")
        path, _ = QFileDialog.getSaveFileName(window, "Export profile", suggested, FILE_FILTER)
        if not path:
            return None
    target = Path(path)
    try:
        target.write_text(profile_to_json(profile) + "\n", encoding="utf-8")
    except OSError as exc:
        window.last_message = _tell(window, QMessageBox.Icon.Warning, "Export profile",
                                    f"The profile could not be written to {target}: {exc}")
        return None
    window.statusBar().showMessage(f"Exported the {profile.kind.label} to {target}", 10_000)
    return target


def import_profile(window: Any, path: str | Path | None = None) -> bool:
    """Read a profile file into the Custom profile; on any problem, show them all and change
    nothing. Asks for the file unless `path` is given."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, "Import profile", str(Path.home()),
                                              FILE_FILTER)
        if not path:
            return False
    source = Path(path)
    title = "Import profile"
    try:
        profile = profile_from_json(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        window.last_message = _tell(window, QMessageBox.Icon.Warning, title,
                                    f"{source} could not be read: {exc}")
        return False
    except InvalidProfileFile as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        window.last_message = _tell(
            window, QMessageBox.Icon.Warning, title,
            f"{source.name} is not a valid profile; nothing was changed.",
            "\n".join(f"• {p}" for p in problems[:20])
            + (f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""))
        return False
    unknown = _unknown_fields(window, profile)
    if unknown:
        window.last_message = _tell(
            window, QMessageBox.Icon.Warning, title,
            f"{source.name} names fields the connected Salesforce org does not have; nothing was "
            "changed. Create the fields (or grant the connected user access to them), or remove "
            "them from the file, then import it again.",
            "\n".join(f"• {p}" for p in unknown[:20])
            + (f"\n… and {len(unknown) - 20} more" if len(unknown) > 20 else ""))
        return False
    try:
        window.store.profiles.save(profile)  # one transaction: all of it or nothing
    except DomainError as exc:
        window.last_message = _tell(window, QMessageBox.Icon.Warning, title,
                                    f"{source.name} cannot be used; nothing was changed: {exc}")
        return False
    if window.session.kind is ProfileKind.CUSTOM:
        window.reload_profile()
        where = ""
    else:
        where = " Choose Custom profile to use them."
    window.statusBar().showMessage(
        f"Imported {len(profile.steps)} steps into the Custom profile; the one it replaced is in "
        f"Config history.{where}", 15_000)
    return True


def _unknown_fields(window: Any, profile: Any) -> list[str]:
    """The profile's Salesforce fields the org lacks, when Salesforce is connected (else none:
    the first run says it). Describe runs through the front door (gui/operations.py), off the
    GUI thread; the window keeps painting."""
    from plx_desktop.domain.profile_fields import salesforce_fields_used, unknown_salesforce_fields
    from plx_desktop.gui.step_settings_catalog import catalog_for

    state = getattr(window, "state", None)
    used = salesforce_fields_used(profile)
    if state is None or state.missing() or not used:
        return []
    catalog = catalog_for(state)

    def describe() -> dict[str, list[str]]:
        return {sobject: [f.name for f in catalog.salesforce_fields(sobject)] for sobject in used}

    # The import answers at once (its caller shows the outcome), so the window keeps painting
    # here, under a wait cursor, until the front door hands the describe back.
    outcome: dict[str, Any] = {}
    BackgroundOp(describe, lambda fields: outcome.setdefault("fields", fields),
                 lambda exc: outcome.setdefault("error", exc)).run()
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        while not outcome:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    finally:
        QApplication.restoreOverrideCursor()
    if "fields" in outcome:
        return unknown_salesforce_fields(profile, outcome["fields"])
    if isinstance(outcome["error"], ConnectorError):
        return []  # not reachable now: the first run checks again and says so
    raise outcome["error"]
