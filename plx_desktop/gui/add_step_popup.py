"""The popup behind "Add Sync step": choose the kind of step and its direction."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.domain.catalog import STEP_KINDS, Direction, StepKind, step_kind
from plx_desktop.gui.resources import icon
from plx_desktop.gui.steps_model import direction_icon_name, direction_text


def _choices() -> list[StepKind]:
    """One entry per pair of objects: a switchable kind and its reverse are one choice."""
    seen: set[str] = set()
    out: list[StepKind] = []
    for kind in STEP_KINDS:
        if kind.key in seen:
            continue
        seen.add(kind.key)
        if kind.reverse_key:
            seen.add(kind.reverse_key)
        out.append(kind)
    return out


def choice_text(kind: StepKind) -> str:
    if kind.can_switch_direction:
        return f"{kind.source.label} ⇄ {kind.target.label}"
    return kind.label


class AddStepPopup(QDialog):
    """Kind and direction; after accept(), `chosen_kind` is the catalog kind to add."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("addStepPopup")
        self.setWindowTitle("Add Sync step")
        self.kind = QComboBox()
        self.kind.setObjectName("kindCombo")
        self.kind.setAccessibleName("Step")
        self.kind.setToolTip("What the step syncs")
        for kind in _choices():
            self.kind.addItem(choice_text(kind), kind.key)
        self.direction = QComboBox()
        self.direction.setObjectName("directionCombo")
        self.direction.setAccessibleName("Direction")
        self.direction.setToolTip("Which way records flow; only Contact and Lead ⇄ People steps "
                                  "can run either way")
        self.kind.currentIndexChanged.connect(self._fill_directions)
        form = QFormLayout()
        kind_label, direction_label = QLabel("&Step:"), QLabel("&Direction:")
        kind_label.setBuddy(self.kind)
        direction_label.setBuddy(self.direction)
        form.addRow(kind_label, self.kind)
        form.addRow(direction_label, self.direction)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Add")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._fill_directions()

    def _fill_directions(self) -> None:
        kind = step_kind(self.kind.currentData())
        self.direction.clear()
        for direction in kind.allowed_directions:
            self.direction.addItem(icon(direction_icon_name(direction)), direction_text(direction),
                                   direction.value)
        self.direction.setEnabled(self.direction.count() > 1)

    def select(self, kind_key: str, direction: Direction | None = None) -> None:
        """Preselect a kind (and direction), e.g. for tests or a remembered last choice."""
        kind = step_kind(kind_key)
        base = kind if self.kind.findData(kind.key) >= 0 else step_kind(kind.reverse_key or kind.key)
        self.kind.setCurrentIndex(self.kind.findData(base.key))
        wanted = direction or kind.direction
        self.direction.setCurrentIndex(max(0, self.direction.findData(wanted.value)))

    @property
    def chosen_kind(self) -> StepKind:
        kind = step_kind(self.kind.currentData())
        if self.direction.currentData() != kind.direction.value:
            return kind.reversed
        return kind
