"""The Auto-match window: proposed mappings, each with a checkbox, both fields, their types and why.

The admin accepts them all, accepts the checked ones, or drops the checked ones from the list;
`accepted_proposals` holds what was accepted once the window closes with Accept.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.domain.auto_match import Proposal

HEADERS = ("SALESFORCE FIELD", "TYPE", "PEOPLELINX FIELD", "TYPE", "WHY")
NOTHING_TO_PROPOSE = ("No more fields match by name and type: every likely pair is mapped "
                      "already. Use Add field mapping for the rest.")


def _named(label: str, name: str) -> str:
    return f"{label} ({name})" if label != name else name


class AutoMatchDialog(QDialog):
    """Proposals for one step; `step_label` (e.g. "Contact → People") goes in the title."""

    def __init__(self, proposals: list[Proposal], step_label: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Auto-match — {step_label}")
        self.setMinimumSize(760, 360)
        self.proposals = list(proposals)
        self.accepted_proposals: list[Proposal] = []
        intro = QLabel("PLX Desktop proposes these mappings from the fields' names and types. "
                       "Check the ones you want, or accept them all.", self)
        intro.setWordWrap(True)
        self.list = QTreeWidget(self)
        self.list.setAccessibleName("Proposed mappings")
        self.list.setHeaderLabels(HEADERS)
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        header = self.list.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty = QLabel(NOTHING_TO_PROPOSE, self)
        self.empty.setWordWrap(True)
        self.accept_all_button = QPushButton("Accept all", self)
        self.accept_all_button.setToolTip("Add every proposed mapping")
        self.accept_selected_button = QPushButton("Accept selected", self)
        self.accept_selected_button.setToolTip("Add the checked mappings only")
        self.drop_button = QPushButton("Drop selected", self)
        self.drop_button.setToolTip("Remove the checked proposals from this list")
        self.close_button = QPushButton("Cancel", self)
        self.close_button.setToolTip("Close without adding any mapping")
        buttons = QHBoxLayout()
        buttons.addWidget(self.drop_button)
        buttons.addStretch(1)
        for button in (self.accept_selected_button, self.accept_all_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)

        self.accept_all_button.clicked.connect(self.accept_all)
        self.accept_selected_button.clicked.connect(self.accept_selected)
        self.drop_button.clicked.connect(self.drop_selected)
        self.close_button.clicked.connect(self.reject)
        self.list.itemChanged.connect(self._update_buttons)
        self._fill()
        self.accept_all_button.setDefault(True)

    def _fill(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for proposal in self.proposals:
            sf, plx = proposal.salesforce, proposal.peoplelinx
            item = QTreeWidgetItem([_named(sf.label, sf.name), sf.type,
                                    _named(plx.label, plx.key), plx.type, proposal.reason])
            item.setCheckState(0, Qt.CheckState.Unchecked)
            item.setToolTip(4, f"Match score {proposal.score:.2f}")
            item.setData(0, Qt.ItemDataRole.UserRole, proposal)
            self.list.addTopLevelItem(item)
        self.list.blockSignals(False)
        self.empty.setVisible(not self.proposals)
        self.list.setVisible(bool(self.proposals))
        self._update_buttons()

    def checked(self) -> list[Proposal]:
        return [self.list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                for i in range(self.list.topLevelItemCount())
                if self.list.topLevelItem(i).checkState(0) == Qt.CheckState.Checked]

    def set_checked(self, row: int, checked: bool = True) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.list.topLevelItem(row).setCheckState(0, state)

    def accept_all(self) -> None:
        self.accepted_proposals = list(self.proposals)
        self.accept()

    def accept_selected(self) -> None:
        self.accepted_proposals = self.checked()
        if self.accepted_proposals:
            self.accept()

    def drop_selected(self) -> None:
        dropped = self.checked()
        self.proposals = [p for p in self.proposals if p not in dropped]
        self._fill()

    def _update_buttons(self, *_: object) -> None:
        some = bool(self.checked())
        self.accept_selected_button.setEnabled(some)
        self.drop_button.setEnabled(some)
        self.accept_all_button.setEnabled(bool(self.proposals))
