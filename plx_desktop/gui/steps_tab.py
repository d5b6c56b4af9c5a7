"""The Steps tab: the profile's steps (one row each), Add Sync step, and the palette of step kinds.

Every action on a row is reachable three ways: the hover buttons, the context menu, and a keyboard
shortcut on the selected row (Enter, Ctrl+D, Delete, Ctrl+Shift+A, Ctrl+Up/Down, Space).
Preview (a dry run) covers the whole profile, or the selected step (Ctrl+Shift+F5).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.domain.step import Step
from plx_desktop.gui.add_step_popup import AddStepPopup
from plx_desktop.gui.resources import icon
from plx_desktop.gui.step_palette import StepPalette
from plx_desktop.gui.steps_delegate import StepsDelegate
from plx_desktop.gui.steps_model import StepsModel


class StepsListView(QListView):
    """The list of steps: rows drag to reorder, kinds drop in from the palette; tracks the hover
    position so the delegate can highlight the button under the mouse."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("stepsList")
        self.setAccessibleName("Sync steps")
        self.setMouseTracking(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragDropOverwriteMode(False)
        self.setDropIndicatorShown(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.delegate = StepsDelegate(self)
        self.setItemDelegate(self.delegate)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self.delegate.hover_pos = event.position().toPoint()
        self.viewport().update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        self.delegate.hover_pos = None
        self.viewport().update()
        super().leaveEvent(event)


class StepsTab(QWidget):
    """Signals:
        settings_requested(row, section): open the step settings dialog ("" or "actions").
        message(str): something to tell the admin (a refused edit, what a switch dropped).
        preview_requested(uid or None): preview one step, or the whole profile (None).
    """

    settings_requested = Signal(int, str)
    message = Signal(str)
    preview_requested = Signal(object)

    def __init__(self, model: StepsModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.add_button = QPushButton(icon("add"), "Add Sync step")
        self.add_button.setObjectName("addStepButton")
        self.add_button.setShortcut(QKeySequence("Ctrl+N"))
        self.add_button.setToolTip("Add a step: choose its kind and direction (Ctrl+N)")
        self.add_button.clicked.connect(self.open_add_popup)
        self._preview_why_not = ""
        self.preview_button = QToolButton(self)
        self.preview_button.setObjectName("previewButton")
        self.preview_button.setText("Preview")
        # Not the Run now triangle: a preview reads and shows, it never runs anything for real.
        self.preview_button.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_FileDialogContentsView))
        self.preview_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.preview_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.preview_button.clicked.connect(lambda: self.preview_requested.emit(None))
        self.hint = QLabel("Drag rows to change the order steps run in.")
        self.hint.setObjectName("lockedHint")
        # Wraps rather than widening the window (the Custom profile's hint is a long one).
        self.hint.setWordWrap(True)
        self.hint.setMinimumWidth(120)
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.view = StepsListView(self)
        self.view.setModel(model)
        self.palette = StepPalette(self)
        self.palette.add_requested.connect(lambda key: self.model.add_step(key))
        self.view.delegate.button_clicked.connect(self._on_button)
        self.view.doubleClicked.connect(lambda index: self.settings_requested.emit(index.row(), ""))
        model.edit_refused.connect(self.message)
        self._make_actions()
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        model.modelReset.connect(self._update_actions)
        model.rowsInserted.connect(self._select_inserted)
        model.dataChanged.connect(lambda *_: self._update_actions())

        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addWidget(self.hint, 1)
        top.addWidget(self.preview_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.view, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("stepsSplitter")
        splitter.addWidget(left)
        splitter.addWidget(self.palette)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.set_read_only(model.read_only)

    # -- actions ---------------------------------------------------------------------------

    def _action(self, text: str, icon_name: str | None, shortcut: str, slot) -> QAction:
        action = QAction(text, self.view)
        if icon_name:
            action.setIcon(icon(icon_name))
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.view.addAction(action)
        return action

    def _make_actions(self) -> None:
        row = self.current_row
        self.settings_action = self._action("&Settings…", "settings", "Return",
                                            lambda: self._on_button(row(), "settings"))
        self.clone_action = self._action("&Clone", "clone", "Ctrl+D", lambda: self._on_button(row(), "clone"))
        self.remove_action = self._action("&Remove", "remove", "Delete",
                                          lambda: self._on_button(row(), "remove"))
        self.add_action_action = self._action("Add &action…", "add-action", "Ctrl+Shift+A",
                                              lambda: self._on_button(row(), "add_action"))
        self.switch_action = self._action("Switch &direction", "arrow-both", "Ctrl+Shift+R",
                                          self._switch_direction)
        self.rename_action = self._action("Re&name…", None, "F2", lambda: self.rename_current())
        self.up_action = self._action("Move &up", None, "Ctrl+Up", lambda: self._move(-1))
        self.down_action = self._action("Move do&wn", None, "Ctrl+Down", lambda: self._move(1))
        self.toggle_action = self._action("&Turn on/off", None, "Space", self._toggle)
        # Space belongs to the view itself (it toggles the checkbox); the action is for the menu.
        self.toggle_action.setShortcut(QKeySequence())
        self.toggle_action.setText("&Turn on/off\tSpace")
        self._removed: list[tuple[Step, int]] = []  # (step, row), last removed last
        self.undo_action = QAction("&Undo remove", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo_action.setEnabled(False)
        self.undo_action.triggered.connect(self.undo_remove)
        self.view.addAction(self.undo_action)  # its context menu too
        # Another profile shown (or the list re-read): its removals are not these.
        self.model.modelReset.connect(self._forget_removals)
        self.preview_step_action = self._action("&Preview this step", None, "Ctrl+Shift+F5",
                                                self._preview_current)
        self.preview_all_action = QAction("Preview the whole &profile", self)
        self.preview_all_action.triggered.connect(lambda: self.preview_requested.emit(None))
        menu = QMenu(self.preview_button)
        menu.addAction(self.preview_all_action)
        menu.addAction(self.preview_step_action)
        self.preview_button.setMenu(menu)

    def rename_current(self, name: str | None = None) -> bool:
        """Name the current step (asks for the name unless given); "" gives back its kind's
        label. Names tell steps of the same kind apart in the list, the Log and Sync health."""
        row = self.current_row()
        if not 0 <= row < self.model.rowCount() or self.model.read_only:
            return False
        step = self.model.step_at(row)
        if name is None:
            name, ok = QInputDialog.getText(
                self, "Rename step", f"Name for this {step.kind.label} step (empty: "
                f"“{step.kind.label}”):", text=step.name)
            if not ok:
                return False
        return self.model.rename_step(row, name)

    def _preview_current(self) -> None:
        row = self.current_row()
        if 0 <= row < self.model.rowCount():
            self.preview_requested.emit(self.model.step_at(row).uid)

    def set_preview_available(self, available: bool, why_not: str = "") -> None:
        """Preview can run now (both connected, no sync running), or why not."""
        self._preview_why_not = "" if available else why_not
        self._update_actions()

    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def _update_actions(self) -> None:
        row = self.current_row()
        has_row = 0 <= row < self.model.rowCount()
        editable = has_row and not self.model.read_only
        step = self.model.step_at(row) if has_row else None
        self.settings_action.setEnabled(has_row)
        for action in (self.clone_action, self.remove_action, self.toggle_action,
                       self.rename_action):
            action.setEnabled(editable)
        self.add_action_action.setEnabled(editable and step is not None and step.kind.accepts_actions)
        self.switch_action.setEnabled(editable and step is not None and step.kind.can_switch_direction)
        self.up_action.setEnabled(editable and row > 0)
        self.down_action.setEnabled(editable and row < self.model.rowCount() - 1)
        self._update_preview(step)

    def _update_preview(self, step) -> None:
        why = self._preview_why_not
        self.preview_button.setEnabled(not why)
        self.preview_all_action.setEnabled(not why)
        self.preview_step_action.setEnabled(not why and step is not None and step.enabled)
        self.preview_button.setToolTip(why or "Preview what the next run would create, update "
                                       "and skip, without writing anything (Shift+F5); the "
                                       "arrow previews the selected step only (Ctrl+Shift+F5)")

    def _on_button(self, row: int, name: str) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        if name == "settings":
            self.settings_requested.emit(row, "")
        elif name == "add_action":
            self.settings_requested.emit(row, "add_action")  # straight to a new action
        elif name == "clone":
            self.model.clone_step(row)
        elif name == "remove":
            self.remove_with_undo(row)

    def remove_with_undo(self, row: int) -> bool:
        """Remove a step at once and say how to get it back (Ctrl+Z, or Edit ▸ Undo remove):
        an undo, rather than a confirmation to click through every time."""
        step = self.model.step_at(row)
        if not self.model.remove_step(row):
            return False
        self._removed.append((step, row))
        self.undo_action.setEnabled(True)
        self.undo_action.setText(f"&Undo remove {step.label}")
        self.message.emit(f"Removed the step {step.label}. Ctrl+Z puts it back.")
        return True

    def undo_remove(self) -> bool:
        """Put the last removed step back where it was (its settings, cursor and links too)."""
        if not self._removed or self.model.read_only:
            return False
        step, row = self._removed.pop()
        restored = self.model.restore_step(step, row)
        if restored:
            self.view.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1)))
            self.message.emit(f"The step {step.label} is back.")
        self.undo_action.setEnabled(bool(self._removed))
        if self._removed:
            self.undo_action.setText(f"&Undo remove {self._removed[-1][0].label}")
        else:
            self.undo_action.setText("&Undo remove")
        return restored

    def _forget_removals(self) -> None:
        self._removed.clear()
        self.undo_action.setEnabled(False)
        self.undo_action.setText("&Undo remove")

    def _move(self, delta: int) -> None:
        row = self.current_row()
        if row >= 0 and self.model.move_step(row, row + delta):
            self.view.setCurrentIndex(self.model.index(row + delta))

    def _toggle(self) -> None:
        row = self.current_row()
        if row >= 0:
            index = self.model.index(row)
            checked = index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
            self.model.setData(index, Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked,
                               Qt.ItemDataRole.CheckStateRole)

    def _switch_direction(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        dropped = self.model.switch_direction(row)
        if dropped:
            self.message.emit("Direction switched. Not kept: " + "; ".join(dropped))

    def _select_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        self.view.setCurrentIndex(self.model.index(first))
        self.view.scrollTo(self.model.index(first))

    # -- adding ----------------------------------------------------------------------------

    def open_add_popup(self) -> AddStepPopup:
        """Open the Add Sync step popup (non-blocking); the step is added when it is accepted."""
        popup = AddStepPopup(self)
        popup.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        popup.accepted.connect(lambda: self._add_after_current(popup.chosen_kind))
        popup.open()
        self.add_popup = popup
        return popup

    def _add_after_current(self, kind) -> None:
        row = self.current_row()
        self.model.add_step(kind, row + 1 if row >= 0 else None)

    # -- read-only (Default profile) -----------------------------------------------------

    def set_read_only(self, read_only: bool) -> None:
        self.add_button.setEnabled(not read_only)
        self.palette.setEnabled(not read_only)
        self.view.delegate.read_only = read_only
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop if read_only
                                  else QAbstractItemView.DragDropMode.DragDrop)
        self.hint.setText("Steps run top to bottom." if read_only else
                          "Steps run top to bottom. Drag rows to reorder; drag a kind from the "
                          "palette to add it where you drop it.")
        self._update_actions()
        self.view.viewport().update()

    def row_center(self, row: int) -> QPoint:
        """Where a row is on screen (view coordinates); for tests that drag for real."""
        return self.view.visualRect(self.model.index(row)).center()
