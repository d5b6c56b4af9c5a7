"""The Check org panel when the check or Set up itself fails: the reason in the heading, the raw
text in the details, and the panel ready to try again (no sandbox: the failure is the input)."""

from __future__ import annotations

from typing import Any

from plx_desktop.connectors.errors import ConnectorError
from plx_desktop.gui.check_org_panel import CheckOrgPanel


def _refuse() -> Any:
    raise ConnectorError("Salesforce could not be reached", raw="connection reset by peer")


def test_a_failed_check_says_why_and_can_be_tried_again(qloop: Any, qtbot: Any) -> None:
    panel = CheckOrgPanel(_refuse, _refuse)
    qtbot.addWidget(panel)
    panel.run_check()

    def failed() -> None:
        assert not panel.busy
        assert panel.heading.text() == "Could not check the org: Salesforce could not be reached"

    qtbot.waitUntil(failed, timeout=10_000)
    assert "connection reset by peer" not in panel.heading.text()
    assert panel.details.toPlainText() == "connection reset by peer"  # the raw text, one click away
    assert panel.again_button.isEnabled() and not panel.setup_button.isEnabled()
    assert panel.report is None
