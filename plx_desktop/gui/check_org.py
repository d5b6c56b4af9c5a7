"""Check org in the window: after every Salesforce connect, at start, and from Settings > Check org.

`install(window)` adds the menu action and listens to the Salesforce card. When a connect reaches
another org than the one the data directory's state belongs to, the window says so, naming both,
and switches to that org's own state (the other's is kept: store/org_state.py). The check then
runs in the background; the panel opens by itself when something is missing, and on demand.
GUI thread only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox
from qasync import asyncSlot
from shiboken6 import isValid

from plx_desktop.gui.check_org_panel import CheckOrgPanel
from plx_desktop.gui.operations import off_gui_thread


def _check(connections: Any, profile: Any) -> Any:
    from plx_desktop.sync.org_check import open_salesforce, run_check

    with open_salesforce(connections) as client:
        return run_check(client, profile)


def _set_up(connections: Any, profile: Any) -> Any:
    from plx_desktop.sync.org_check import open_salesforce
    from plx_desktop.sync.org_setup import set_up

    with open_salesforce(connections) as client:
        return set_up(client, profile)


class CheckOrgController(QObject):
    """The window's Check org: one panel at a time, and the org-switch notice."""

    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.panel: CheckOrgPanel | None = None
        self.notice: QMessageBox | None = None
        self.action = QAction("Check &org…", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.action.setToolTip("Is the Salesforce org ready? API access, permissions, field-level "
                               "security, the PeopleLinx fields; Set up what is missing")
        self.action.setStatusTip(self.action.toolTip())
        self.action.triggered.connect(lambda *_: self.open_panel())
        menu = next((a.menu() for a in window.menuBar().actions() if a.text() == "Settin&gs"),
                    None)
        if menu is not None:
            menu.addAction(self.action)
        window.addAction(self.action)
        card = window.salesforce_card
        if hasattr(card, "salesforce_connected"):
            card.salesforce_connected.connect(self.connected)

    # -- what the panel runs ----------------------------------------------------------------
    def _work(self) -> tuple[Any, Any]:
        # What the cards show, no I/O here: the check opens the client (reading the saved
        # login) on the executor's thread.
        return self.window.state.connections(), self.window.session.profile

    def open_panel(self, run: bool = True) -> CheckOrgPanel:
        """The panel (made, or raised if open), checking the org again when `run`."""
        if self.panel is None or not isValid(self.panel):
            connections, profile = self._work()
            self.panel = CheckOrgPanel(lambda: _check(connections, profile),
                                       lambda: _set_up(connections, profile), self.window)
        self.panel.show()
        self.panel.raise_()
        if run:
            self.panel.run_check()
        return self.panel

    # -- when to run ------------------------------------------------------------------------
    def startup(self) -> None:
        """At start: check in the background when Salesforce is connected."""
        if self.window.state.salesforce is not None:
            self.check_in_background()

    def connected(self, account: Any) -> None:
        """A Salesforce connect finished: whose state is this, then check the org."""
        org_id = str(getattr(account, "org_id", "") or "")
        if org_id:
            self._switch_state_to(org_id, str(getattr(account, "username", "") or ""))
        self.check_in_background()

    def _switch_state_to(self, org_id: str, username: str) -> None:
        state = self.window.store.org_state
        label = state.owner_label()
        before = state.connected(org_id, username)
        if before is None:
            return  # the same org, or the first one here
        was = f"{before} ({label})" if label else before
        self.notice = notice = QMessageBox(self.window)
        notice.setObjectName("otherOrgNotice")
        notice.setIcon(QMessageBox.Icon.Information)
        notice.setWindowTitle("Another Salesforce org")
        notice.setText(f"You connected org {org_id}{f' as {username}' if username else ''}; "
                       f"the links, cursors and outbox here belonged to org {was}.")
        notice.setInformativeText(f"PLX Desktop starts org {org_id}'s own state: its first run "
                                  f"matches records afresh. Org {before}'s state is kept, and "
                                  "comes back if you connect that org again.")
        notice.open()
        self.window.health_tab.refresh()

    @asyncSlot()
    async def check_in_background(self) -> None:
        """Check quietly; open the panel only when something is missing."""
        connections, profile = self._work()
        try:
            report = await off_gui_thread(_check, connections, profile)
        except Exception:  # noqa: BLE001 - the card and the run say what is wrong
            return
        if not isValid(self.window) or report.ready:
            return
        panel = self.open_panel(run=False)
        panel.show_report(report)


def install(window: Any) -> CheckOrgController:
    controller = CheckOrgController(window)
    QTimer.singleShot(0, controller.startup)
    return controller
