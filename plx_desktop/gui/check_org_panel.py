"""The Check org panel: each thing the integration needs from the Salesforce org, ok or missing.

A list (status, item, what to do); clicking an item shows its full text and, when Salesforce said
something, Salesforce's own words. **Set up…** asks first (listing exactly what it will change),
then creates the missing PeopleLinx fields and grants the connected user read and edit on them.
**Check again** re-runs the check. The work goes through the front door for background work
(gui/operations.py), so the window never freezes; GUI thread only otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot
from shiboken6 import isValid

from plx_desktop.gui.operations import off_gui_thread

T = TypeVar("T")

_STATUS = {"ok": ("OK", "#2e7d32"), "missing": ("Missing", "#c62828"),
           "warning": ("Warning", "#b26a00")}


class CheckOrgPanel(QDialog):
    """The panel. `check` and `set_up` are blocking callables run off the GUI thread; each
    returns a CheckReport (set_up: a SetupResult)."""

    finished_check = Signal(object)  # the CheckReport shown, after each check or Set up

    def __init__(self, check: Callable[[], Any], set_up: Callable[[], Any],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Check org")
        self.setObjectName("checkOrgPanel")
        self._check, self._set_up = check, set_up
        self.report: Any = None
        self.busy = False
        self.heading = QLabel("Checking the Salesforce org…")
        self.heading.setWordWrap(True)
        self.items = QTreeWidget()
        self.items.setObjectName("checkOrgItems")
        self.items.setHeaderLabels(["Status", "Item", "What to do"])
        self.items.setRootIsDecorated(False)
        self.items.setWordWrap(True)
        self.items.setAlternatingRowColors(True)
        header = self.items.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 260)
        self.details = QPlainTextEdit()
        self.details.setObjectName("checkOrgDetails")
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Click an item for its full text and what Salesforce said.")
        self.details.setMaximumHeight(120)
        self.setup_button = QPushButton("&Set up…")
        self.setup_button.setToolTip("Create the missing PeopleLinx fields and grant the "
                                     "connected user read and edit on them (asks first)")
        self.again_button = QPushButton("Check &again")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(self.setup_button)
        row.addWidget(self.again_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.items, 1)
        layout.addWidget(self.details)
        layout.addLayout(row)
        self.items.currentItemChanged.connect(self._show_details)
        self.again_button.clicked.connect(self.run_check)
        self.setup_button.clicked.connect(self.ask_set_up)
        self.question: QMessageBox | None = None
        self._update_buttons()
        self.resize(900, 560)

    # -- showing a report -------------------------------------------------------------------
    def show_report(self, report: Any, done: list[str] | None = None,
                    failed: list[tuple[str, str]] | None = None) -> None:
        self.report = report
        self.items.clear()
        # What needs doing first; within each status, the order Check org found them in.
        order = {"missing": 0, "warning": 1}
        for item in sorted(report.items, key=lambda i: order.get(i.status, 2)):
            text, color = _STATUS.get(item.status, (item.status, "#555555"))
            row = QTreeWidgetItem([text, item.title, item.detail])
            row.setForeground(0, QBrush(QColor(color)))
            row.setData(0, Qt.ItemDataRole.UserRole, item)
            row.setToolTip(2, item.detail)
            self.items.addTopLevelItem(row)
        who = f" as {report.username}" if report.username else ""
        state = ("Ready: nothing is missing." if report.ready else
                 f"{len(report.missing)} item(s) missing"
                 + (f"; Set up can fix {len(report.fixable())}." if report.fixable() else "."))
        lines = [f"Salesforce org {report.org_id or '(unknown)'}{who}. {state}"]
        if done:
            lines.append(f"Set up made {len(done)} change(s) (below).")
        if failed:
            lines.append("Set up could not: " + "; ".join(what for what, _ in failed) + ".")
        self.heading.setText("\n".join(lines))
        if self.items.topLevelItemCount():
            self.items.setCurrentItem(self.items.topLevelItem(0))
        if done or failed:  # what Set up did, and Salesforce's own words where it refused
            self.details.setPlainText("\n".join(
                [f"Set up: {line}." for line in done or []]
                + [f"\nSet up could not {what[0].lower() + what[1:]}. Salesforce said:\n{raw}"
                   for what, raw in failed or []]))
        self._update_buttons()
        self.finished_check.emit(report)

    def show_failure(self, reason: str, raw: str = "") -> None:
        self.heading.setText(f"Could not check the org: {reason}")
        self.details.setPlainText(raw or reason)
        self._update_buttons()

    def _show_details(self, current: QTreeWidgetItem | None, _previous: Any = None) -> None:
        item = None if current is None else current.data(0, Qt.ItemDataRole.UserRole)
        if item is None:
            return
        text = f"{item.title}: {item.detail}"
        if item.fix:
            text += f"\n\nSet up would: {item.fix}."
        if item.raw:
            text += f"\n\nSalesforce said:\n{item.raw}"
        self.details.setPlainText(text)

    def _update_buttons(self) -> None:
        fixable = bool(self.report is not None and self.report.fixable())
        self.setup_button.setEnabled(fixable and not self.busy)
        self.again_button.setEnabled(not self.busy)

    # -- work -------------------------------------------------------------------------------
    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        if text:
            self.heading.setText(text)
        self._update_buttons()

    async def _off_gui_thread(self, busy_text: str, work: Callable[[], T]) -> T | None:
        """Run `work` in the executor while the panel says `busy_text`; None when it failed
        (the failure is shown, with the raw text) or the panel was closed meanwhile."""
        self._set_busy(True, busy_text)
        try:
            result = await off_gui_thread(work)
        except Exception as exc:  # noqa: BLE001 - shown to the admin, with the raw text
            if isValid(self):
                self._set_busy(False)
                self.show_failure(getattr(exc, "reason", str(exc)),
                                  getattr(exc, "raw", None) or repr(exc))
            return None
        if not isValid(self):
            return None
        self._set_busy(False)
        return result

    @asyncSlot()
    async def run_check(self) -> None:
        if self.busy:
            return
        report = await self._off_gui_thread("Checking the Salesforce org…", self._check)
        if report is not None:
            self.show_report(report)

    def ask_set_up(self) -> None:
        """Ask first, listing what Set up will change; go on only on Set up."""
        if self.report is None or not self.report.fixable():
            return
        question = self.question = QMessageBox(self)
        question.setObjectName("setUpQuestion")
        question.setIcon(QMessageBox.Icon.Question)
        question.setWindowTitle("Set up the org")
        question.setText("Set up will change this Salesforce org:")
        question.setInformativeText("\n".join(f"• {line}" for line in self.report.setup_plan()))
        go = question.addButton("Set up", QMessageBox.ButtonRole.AcceptRole)
        question.addButton(QMessageBox.StandardButton.Cancel)
        question.buttonClicked.connect(lambda button: self.run_set_up() if button is go else None)
        question.open()

    @asyncSlot()
    async def run_set_up(self) -> None:
        if self.busy:
            return
        result = await self._off_gui_thread("Setting up the org…", self._set_up)
        if result is not None:
            self.show_report(result.report, done=result.done, failed=result.failed)
