"""The Actions section: Add action → Add to sequence (a sequence picker), Remove action, and the
Exclude updated from action switch with what it means."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.domain.actions import AddToSequence
from plx_desktop.domain.step import Step
from plx_desktop.gui.step_settings.catalog import SequenceChoice
from plx_desktop.gui.step_settings.load_status import LoadStatus
from plx_desktop.gui.step_settings.toggle_switch import ToggleSwitch

EXCLUDE_ON = "On: only newly created people are pushed to the sequence."
EXCLUDE_OFF = "Off: people updated from Salesforce are pushed to the sequence again."
NO_ACTIONS = "No actions. Add action to push the people this step syncs into a sequence."


class AddToSequenceRow(QFrame):
    """One Add to sequence action: which sequence, and whether updated people are left out."""

    removed = Signal(object)
    changed = Signal()

    def __init__(self, action: AddToSequence | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel("<b>Add to sequence</b>", self)
        self.sequence = QComboBox(self)
        self.sequence.setAccessibleName("Sequence")
        self.sequence.setToolTip("The PeopleLinx sequence the synced people are added to")
        self.sequence.setMinimumContentsLength(20)
        self.sequence.setPlaceholderText("Choose a sequence…")
        if action is not None:
            self.sequence.addItem(action.sequence_name, SequenceChoice(action.sequence_id,
                                                                       action.sequence_name))
            self.sequence.setCurrentIndex(0)  # with a placeholder, Qt selects nothing by itself
        self.exclude_updated = ToggleSwitch("Exclude updated from action", self)
        self.exclude_updated.setToolTip("Exclude updated from action")
        self.exclude_updated.setChecked(action.exclude_updated if action else True)
        exclude_label = QLabel("Exclude updated from action", self)
        exclude_label.setBuddy(self.exclude_updated)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.explanation.setEnabled(False)  # muted text
        self.remove_button = QPushButton("Remove action", self)
        self.remove_button.setToolTip("Remove this action from the step")
        grid = QGridLayout(self)
        grid.addWidget(title, 0, 0)
        grid.addWidget(self.sequence, 0, 1)
        grid.addWidget(self.remove_button, 0, 2)
        switch_row = QHBoxLayout()
        switch_row.addWidget(self.exclude_updated)
        switch_row.addWidget(exclude_label)
        switch_row.addStretch(1)
        grid.addLayout(switch_row, 1, 0, 1, 3)
        grid.addWidget(self.explanation, 2, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        self.exclude_updated.toggled.connect(self._explain)
        self.exclude_updated.toggled.connect(self.changed)
        self.sequence.currentIndexChanged.connect(self.changed)
        self.remove_button.clicked.connect(lambda: self.removed.emit(self))
        self._explain()

    def _explain(self) -> None:
        self.explanation.setText(EXCLUDE_ON if self.exclude_updated.isChecked() else EXCLUDE_OFF)

    def set_sequences(self, sequences: list[SequenceChoice]) -> None:
        chosen = self.sequence.currentData()
        self.sequence.blockSignals(True)
        self.sequence.clear()
        for sequence in sequences:
            self.sequence.addItem(sequence.name, sequence)
        if chosen is not None:
            index = next((i for i, s in enumerate(sequences) if s.id == chosen.id), -1)
            if index < 0:
                self.sequence.addItem(chosen.name, chosen)
                index = self.sequence.count() - 1
            self.sequence.setCurrentIndex(index)
        else:
            self.sequence.setCurrentIndex(-1)
        self.sequence.blockSignals(False)

    def action(self) -> AddToSequence:
        chosen = self.sequence.currentData()
        return AddToSequence(sequence_id=chosen.id if chosen else "",
                             sequence_name=chosen.name if chosen else "",
                             exclude_updated=self.exclude_updated.isChecked())

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.sequence, self.exclude_updated, self.remove_button):
            widget.setEnabled(not read_only)


class ActionsSection(QWidget):
    """The step's actions; `actions()` is what the dialog saves."""

    changed = Signal()

    def __init__(self, step: Step, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[AddToSequenceRow] = []
        self._sequences: list[SequenceChoice] | None = None
        self._read_only = False
        self.add_button = QPushButton("Add action", self)
        self.add_button.setToolTip("Add an action this step runs after it syncs people")
        menu = QMenu(self.add_button)
        self.add_to_sequence_action = QAction("Add to sequence", self)
        self.add_to_sequence_action.setToolTip("Push the synced people into a PeopleLinx sequence")
        self.add_to_sequence_action.triggered.connect(lambda: self.add_action())
        menu.addAction(self.add_to_sequence_action)
        self.add_button.setMenu(menu)
        self.empty = QLabel(NO_ACTIONS, self)
        self.empty.setEnabled(False)
        self.status = LoadStatus(self)
        self.rows_layout = QVBoxLayout()
        bar = QHBoxLayout()
        bar.addWidget(self.empty)
        bar.addStretch(1)
        bar.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addLayout(self.rows_layout)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        for action in step.actions:
            self.add_action(action)
        self._update()

    def add_action(self, action: AddToSequence | None = None) -> AddToSequenceRow:
        row = AddToSequenceRow(action, self)
        if self._sequences is not None:
            row.set_sequences(self._sequences)
        row.removed.connect(self.remove_action)
        row.changed.connect(self.changed)
        row.set_read_only(self._read_only)
        self.rows.append(row)
        self.rows_layout.addWidget(row)
        self._update()
        self.changed.emit()
        return row

    def remove_action(self, row: AddToSequenceRow) -> None:
        self.rows.remove(row)
        row.hide()
        row.deleteLater()
        self._update()
        self.changed.emit()

    def set_sequences(self, sequences: list[SequenceChoice]) -> None:
        self._sequences = list(sequences)
        for row in self.rows:
            row.set_sequences(self._sequences)
        self.status.clear()

    def actions(self) -> list[AddToSequence]:
        return [row.action() for row in self.rows]

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for row in self.rows:
            row.set_read_only(read_only)
        self._update()

    def _update(self) -> None:
        self.empty.setVisible(not self.rows)
        self.empty.setText("No actions." if self._read_only else NO_ACTIONS)
        self.add_button.setEnabled(not self._read_only)
        self.add_button.setVisible(not self._read_only)
