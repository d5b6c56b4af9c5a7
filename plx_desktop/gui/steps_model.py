"""The Qt list model over a profile's steps: one row per step, drag and drop with private MIME types.

Like napari's qt_list_model: the rows mirror a plain Python object (the domain's Profile), every edit
goes through the Profile (so the Default profile's read-only rule is the domain's, not ours), and
drag and drop is mimeTypes / mimeData / dropMimeData. Two MIME types:
- STEP_UIDS_MIME: rows being dragged within the list (the steps' uids, JSON);
- STEP_KIND_MIME: a step kind dragged from the palette (its catalog key), added where dropped.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from plx_desktop.domain.catalog import Direction, StepKind, step_kind
from plx_desktop.domain.errors import DomainError
from plx_desktop.domain.profile import Profile, ProfileChange
from plx_desktop.domain.step import Step
from plx_desktop.domain.step_names import distinct_labels
from plx_desktop.gui.resources import icon

STEP_UIDS_MIME = "application/x-plx-desktop-step-uids"
STEP_KIND_MIME = "application/x-plx-desktop-step-kind"
StepRole = Qt.ItemDataRole.UserRole + 1  # the domain Step of a row
UidRole = Qt.ItemDataRole.UserRole + 2   # its uid
_Index = QModelIndex | QPersistentModelIndex


def step_text(step: Step | StepKind) -> str:
    """'Contact (Salesforce) → People (PeopleLinx)': the row as the Integrations page words it."""
    source, target = step.source, step.target
    return f"{source.label} ({source.system.label}) → {target.label} ({target.system.label})"


def direction_icon_name(direction: Direction) -> str:
    return "arrow-right" if direction is Direction.SALESFORCE_TO_PEOPLELINX else "arrow-left"


def direction_text(direction: Direction) -> str:
    if direction is Direction.SALESFORCE_TO_PEOPLELINX:
        return "Salesforce → PeopleLinx"
    return "PeopleLinx → Salesforce"


COULD_NOT_RUN = "— could not run (see Sync health)"


class StepsModel(QAbstractListModel):
    """Rows = profile.steps, in run order. GUI thread only.

    Attributes:
        profile: the domain Profile shown (Default or Custom); replace it with set_profile().
    Signals:
        profile_edited: after any change to the profile's steps (the caller saves it).
        edit_refused(str): the domain refused an edit; the message says why, in the admin's words.
    """

    profile_edited = Signal()
    edit_refused = Signal(str)

    def __init__(self, profile: Profile, parent: Any = None):
        super().__init__(parent)
        self.profile = profile
        self._own_structural_edit = False
        self.problems: dict[str, str] = {}  # uid -> why the step could not run (Sync health)
        profile.add_listener(self._on_profile_change)
        # A step added, removed or moved can change how its namesakes are told apart.
        for signal in (self.rowsInserted, self.rowsRemoved, self.rowsMoved):
            signal.connect(self._all_rows_changed)

    def _all_rows_changed(self, *_: Any) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))

    def set_problems(self, problems: dict[str, str]) -> None:
        """Mark the steps that could not run at their last run (store.step_problems)."""
        if problems != self.problems:
            self.problems = dict(problems)
            if self.rowCount():
                self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))

    # -- the profile ------------------------------------------------------------------------

    def set_profile(self, profile: Profile) -> None:
        self.beginResetModel()
        self.profile.remove_listener(self._on_profile_change)
        self.profile = profile
        profile.add_listener(self._on_profile_change)
        self.endResetModel()

    @property
    def read_only(self) -> bool:
        return self.profile.read_only

    def step_at(self, row: int) -> Step:
        return self.profile.steps[row]

    def _on_profile_change(self, change: ProfileChange) -> None:
        if change.what == "changed":
            index = self.index(change.index)
            self.dataChanged.emit(index, index)
        elif not self._own_structural_edit:
            # Someone else inserted, removed or moved a step: the rows must be re-read.
            self.beginResetModel()
            self.endResetModel()
        self.profile_edited.emit()

    # -- reading ----------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.profile.steps)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < self.rowCount():
            return None
        step = self.profile.steps[index.row()]
        problem = self.problems.get(step.uid)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._row_text(step) + (f" {COULD_NOT_RUN}" if problem else "")
        if role == Qt.ItemDataRole.DecorationRole:
            return icon(direction_icon_name(step.direction))
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if step.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            state = "on" if step.enabled else "off"
            return f"{step.label}: {direction_text(step.direction)}, turned {state}" + (
                f"\n\nThe step could not run at the last run: {problem}" if problem else "")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{step_text(step)}, {'enabled' if step.enabled else 'disabled'}"
        if role == StepRole:
            return step
        if role == UidRole:
            return step.uid
        return None

    def _row_text(self, step: Step) -> str:
        """The row: the admin's name first when there is one; steps of the same kind are told
        apart by their filter or number (step_names.distinct_labels)."""
        text = step_text(step)
        label = distinct_labels(self.profile.steps).get(step.uid, step.label)
        if step.name:
            return f"{label} — {text}"
        return text + label[len(step.label):]  # the part that tells namesakes apart, if any

    def rename_step(self, row: int, name: str) -> bool:
        """Give the step at `row` the admin's name ("" takes it away)."""
        return self._try(lambda: self.profile.rename_step(self.step_at(row).uid, name))

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags if self.read_only else Qt.ItemFlag.ItemIsDropEnabled
        flags = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                 | Qt.ItemFlag.ItemNeverHasChildren)
        if not self.read_only:
            flags |= Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        return self._try(lambda: self.profile.set_enabled(self.step_at(index.row()).uid, checked))

    # -- editing (each one through the Profile) ------------------------------------------

    def _try(self, edit: Any) -> bool:
        try:
            edit()
        except DomainError as exc:
            self.edit_refused.emit(str(exc))
            return False
        return True

    def _refuse_if_read_only(self, what: str) -> bool:
        if self.read_only:
            # Ask the domain, so the message is the domain's own.
            self._try(lambda: self.profile.require_editable(what))
            return True
        return False

    def add_step(self, kind: StepKind | str, row: int | None = None) -> Step | None:
        """Add a step of `kind` at `row` (default: the end); the new step, or None if refused."""
        if self._refuse_if_read_only("Adding a step"):
            return None
        kind = step_kind(kind) if isinstance(kind, str) else kind
        count = self.rowCount()
        row = count if row is None or row < 0 else min(row, count)
        added: list[Step] = []
        self._own_structural_edit = True
        self.beginInsertRows(QModelIndex(), row, row)
        try:
            added.append(self.profile.add_step(kind, row))
        finally:
            self.endInsertRows()
            self._own_structural_edit = False
        return added[0]

    def clone_step(self, row: int) -> Step | None:
        if self._refuse_if_read_only("Cloning a step"):
            return None
        uid = self.step_at(row).uid
        cloned: list[Step] = []
        self._own_structural_edit = True
        self.beginInsertRows(QModelIndex(), row + 1, row + 1)
        try:
            cloned.append(self.profile.clone_step(uid))
        finally:
            self.endInsertRows()
            self._own_structural_edit = False
        return cloned[0]

    def restore_step(self, step: Step, row: int) -> bool:
        """Undo a removal: `step` back at `row`."""
        if self._refuse_if_read_only("Restoring a step") or \
                any(s.uid == step.uid for s in self.profile.steps):
            return False
        row = max(0, min(row, self.rowCount()))
        self._own_structural_edit = True
        self.beginInsertRows(QModelIndex(), row, row)
        try:
            self.profile.restore_step(step, row)
        finally:
            self.endInsertRows()
            self._own_structural_edit = False
        return True

    def remove_step(self, row: int) -> bool:
        if self._refuse_if_read_only("Removing a step"):
            return False
        uid = self.step_at(row).uid
        self._own_structural_edit = True
        self.beginRemoveRows(QModelIndex(), row, row)
        try:
            self.profile.remove_step(uid)
        finally:
            self.endRemoveRows()
            self._own_structural_edit = False
        return True

    def move_step(self, row: int, to_row: int) -> bool:
        """Move the step at `row` so that it ends up at `to_row`."""
        if self._refuse_if_read_only("Moving a step"):
            return False
        to_row = max(0, min(to_row, self.rowCount() - 1))
        if to_row == row:
            return False
        # Qt counts the destination before the move: the row *before which* the step lands.
        destination = to_row + 1 if to_row > row else to_row
        if not self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination):
            return False
        self._own_structural_edit = True
        try:
            self.profile.move_step(self.step_at(row).uid, to_row)
        finally:
            self.endMoveRows()
            self._own_structural_edit = False
        return True

    def switch_direction(self, row: int) -> list[str] | None:
        """Flip the step's direction where its kind allows; what did not survive, or None if refused."""
        if self._refuse_if_read_only("Switching a step's direction"):
            return None
        dropped: list[list[str]] = []
        ok = self._try(lambda: dropped.append(self.profile.switch_direction(self.step_at(row).uid)[1]))
        return dropped[0] if ok else None

    def moveRows(self, source_parent: _Index, source_row: int, count: int,  # noqa: N802 - Qt API
                 destination_parent: _Index, destination_child: int) -> bool:
        """Qt's move (used by QListView for drags inside the list): one row at a time."""
        if count != 1 or source_parent.isValid() or destination_parent.isValid():
            return False
        to_row = destination_child if destination_child <= source_row else destination_child - 1
        return self.move_step(source_row, to_row)

    # -- drag and drop ----------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802 - Qt API
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 - Qt API
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt API
        return [STEP_UIDS_MIME, STEP_KIND_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802 - Qt API
        uids = [self.step_at(i.row()).uid for i in sorted(indexes, key=lambda i: i.row())
                if i.isValid()]
        data = QMimeData()
        data.setData(STEP_UIDS_MIME, QByteArray(json.dumps(uids).encode("utf-8")))
        return data

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int,  # noqa: N802
                        column: int, parent: _Index) -> bool:
        if self.read_only or data is None or action == Qt.DropAction.IgnoreAction:
            return False
        return data.hasFormat(STEP_UIDS_MIME) or data.hasFormat(STEP_KIND_MIME)

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int,  # noqa: N802
                     column: int, parent: _Index) -> bool:
        """A kind from the palette is added at the drop position; dragged rows move there."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        if row < 0:
            # Dropped onto a row (or onto the empty area): insert before that row, or at the end.
            row = parent.row() if parent.isValid() else self.rowCount()
        if data.hasFormat(STEP_KIND_MIME):
            key = bytes(data.data(STEP_KIND_MIME).data()).decode("utf-8")
            try:
                kind = step_kind(key)
            except DomainError as exc:
                self.edit_refused.emit(str(exc))
                return False
            return self.add_step(kind, row) is not None
        uids = json.loads(bytes(data.data(STEP_UIDS_MIME).data()).decode("utf-8"))
        moved = False
        for uid in uids:
            try:
                current = self.profile.index_of(uid)
            except DomainError:
                continue
            target = row if row <= current else row - 1
            moved |= self.move_step(current, target)
            row = self.profile.index_of(uid) + 1  # the next one lands right after this one
        return moved
