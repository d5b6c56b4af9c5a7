"""The popup behind "Add Sync step": choose the kind of step, then click its direction's icon
(as in the article: one arrow icon per way the records can flow; fixed-direction kinds show one)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
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


class DirectionPicker(QWidget):
    """One checkable icon button per allowed direction; click (or arrow keys) to choose."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("directionPicker")
        self.setAccessibleName("Direction")
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[Direction, QToolButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for direction in Direction:
            button = QToolButton(self)
            button.setObjectName(f"direction_{direction.value}")
            button.setCheckable(True)
            button.setAutoExclusive(True)  # arrow keys move between them, as radio buttons do
            button.setIcon(icon(direction_icon_name(direction)))
            button.setIconSize(QSize(24, 24))
            button.setText(direction_text(direction))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setToolTip(f"Records flow {direction_text(direction)}")
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.group.addButton(button)
            self.buttons[direction] = button
            layout.addWidget(button)
        layout.addStretch(1)

    def set_directions(self, directions: tuple[Direction, ...] | list[Direction]) -> None:
        for direction, button in self.buttons.items():
            button.setVisible(direction in directions)
        self.set_current(directions[0])
        self.setEnabled(len(directions) > 1)

    def set_current(self, direction: Direction) -> None:
        button = self.buttons[direction]
        if not button.isHidden():
            button.setChecked(True)

    def current(self) -> Direction:
        return next(d for d, b in self.buttons.items() if b.isChecked())

    def allowed(self) -> list[Direction]:
        return [d for d, b in self.buttons.items() if not b.isHidden()]


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
        self.direction = DirectionPicker(self)
        self.direction.setToolTip("Which way records flow; only Contact and Lead ⇄ People steps "
                                  "can run either way")
        self.kind.currentIndexChanged.connect(self._fill_directions)
        form = QFormLayout()
        kind_label, direction_label = QLabel("&Step:"), QLabel("Direction:")
        kind_label.setBuddy(self.kind)
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
        order = [self.kind, *self.direction.buttons.values(), *buttons.buttons()]
        for before, after in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(before, after)
        self.kind.setFocus()  # the keyboard starts where the eye does: the kind, then its direction

    def _fill_directions(self) -> None:
        kind = step_kind(self.kind.currentData())
        self.direction.set_directions(list(kind.allowed_directions))

    def select(self, kind_key: str, direction: Direction | None = None) -> None:
        """Preselect a kind (and direction), e.g. for tests or a remembered last choice."""
        kind = step_kind(kind_key)
        base = kind if self.kind.findData(kind.key) >= 0 else step_kind(kind.reverse_key or kind.key)
        self.kind.setCurrentIndex(self.kind.findData(base.key))
        wanted = direction or kind.direction
        if wanted in self.direction.allowed():
            self.direction.set_current(wanted)

    @property
    def chosen_kind(self) -> StepKind:
        kind = step_kind(self.kind.currentData())
        if self.direction.current() is not kind.direction:
            return kind.reversed
        return kind
