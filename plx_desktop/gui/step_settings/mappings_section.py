"""The Field mappings section: the mappings table (with each field's sync rule on Contact/Lead ↔
People steps), Add field mapping with both field lists, and Auto-match."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.domain.auto_match import Proposal, propose
from plx_desktop.domain.errors import DomainError
from plx_desktop.domain.fields import PeopleLinxField, SalesforceField, check_field_pair
from plx_desktop.domain.mapping import FieldMapping
from plx_desktop.domain.step import Step, checked_mappings
from plx_desktop.domain.sync_rules import has_sync_rules
from plx_desktop.gui.step_settings.auto_match_dialog import AutoMatchDialog
from plx_desktop.gui.step_settings.load_status import LoadStatus, keep_table_fitted
from plx_desktop.gui.step_settings.mappings_model import MANDATORY_TIP, SYNC_RULE, MappingsModel
from plx_desktop.gui.step_settings.sync_rule_delegate import (
    SyncRuleDelegate,
    show_sync_rule_editors,
)

ERROR_STYLE = "color: #b3261e;"


def field_choice_text(label: str, name: str, type_: str) -> str:
    return f"{label} ({name}) · {type_}" if label != name else f"{name} · {type_}"


class MappingsSection(QWidget):
    """Edits a copy of the step's mappings (sync rules included); the dialog reads `mappings()`
    on Save. `auto_match_dialog` is the Auto-match window while it is open."""

    changed = Signal()

    def __init__(self, step: Step, parent: QWidget | None = None):
        super().__init__(parent)
        self.step = step
        self.model = MappingsModel(step.mappings, self, with_sync_rules=has_sync_rules(step))
        self.auto_match_dialog: AutoMatchDialog | None = None
        self._sf_list: list[SalesforceField] = []
        self._plx_list: list[PeopleLinxField] = []
        self.table = QTableView(self)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.model)
        self.table.setAccessibleName("Field mappings")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        if self.model.with_sync_rules:
            header.setSectionResizeMode(SYNC_RULE, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(SYNC_RULE, 240)
            self.table.setItemDelegateForColumn(SYNC_RULE, SyncRuleDelegate(self.table))
            self.table.verticalHeader().setDefaultSectionSize(
                max(self.table.verticalHeader().defaultSectionSize(), 30))
            self.model.dataChanged.connect(self._sync_rule_changed)

        self.sf_fields = QComboBox(self)
        self.sf_fields.setAccessibleName("SALESFORCE FIELDS")
        self.sf_fields.setToolTip("The Salesforce field to map (from Salesforce describe)")
        self.plx_fields = QComboBox(self)
        self.plx_fields.setAccessibleName("PEOPLELINX FIELDS")
        self.plx_fields.setToolTip("The PeopleLinx people field to map")
        for combo in (self.sf_fields, self.plx_fields):
            combo.setMinimumContentsLength(18)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.add_button = QPushButton("Add field mapping", self)
        self.add_button.setToolTip("Map the chosen Salesforce field to the chosen PeopleLinx field")
        self.auto_match_button = QPushButton("Auto-match", self)
        self.auto_match_button.setToolTip("Propose mappings between fields with alike names and "
                                          "types, for you to accept or drop")
        self.remove_button = QPushButton("Remove mapping", self)
        self.remove_button.setToolTip("Remove the selected mapping (mandatory ones stay)")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.note = QLabel(self)  # what Auto-match added
        self.note.setWordWrap(True)
        self.note.hide()
        self.status = LoadStatus(self)

        self.editor = QWidget(self)  # the Add field mapping row; hidden when nothing can change
        picker = QGridLayout(self.editor)
        picker.setContentsMargins(0, 0, 0, 0)
        sf_caption, plx_caption = QLabel("SALESFORCE FIELDS", self), QLabel("PEOPLELINX FIELDS", self)
        sf_caption.setBuddy(self.sf_fields)
        plx_caption.setBuddy(self.plx_fields)
        picker.addWidget(sf_caption, 0, 0)
        picker.addWidget(plx_caption, 0, 1)
        picker.addWidget(self.sf_fields, 1, 0)
        picker.addWidget(self.plx_fields, 1, 1)
        picker.addWidget(self.add_button, 1, 2)
        picker.setColumnStretch(0, 1)
        picker.setColumnStretch(1, 1)
        picker.addWidget(self.remove_button, 1, 3)
        picker.addWidget(self.auto_match_button, 1, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.editor)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(self.note)

        keep_table_fitted(self.table, 3, 10)
        if self.model.with_sync_rules:
            show_sync_rule_editors(self.table, SYNC_RULE)
        self.auto_match_button.clicked.connect(self.open_auto_match)
        self.add_button.clicked.connect(self.add_mapping)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.set_fields_available(False)

    # -- field lists ------------------------------------------------------------------------------

    def set_fields_available(self, available: bool) -> None:
        for widget in (self.sf_fields, self.plx_fields, self.add_button, self.auto_match_button):
            widget.setEnabled(available and not self._read_only())
        self._update_buttons()

    def set_fields(self, sf: list[SalesforceField], plx: list[PeopleLinxField]) -> None:
        """Fill both drop-downs (types shown) and name the table's fields by their labels."""
        self.sf_fields.clear()
        for field in sorted(sf, key=lambda f: f.label.casefold()):
            self.sf_fields.addItem(field_choice_text(field.label, field.name, field.type), field)
        self.plx_fields.clear()
        for field in sorted(plx, key=lambda f: f.label.casefold()):
            self.plx_fields.addItem(field_choice_text(field.label, field.key, field.type), field)
        self.model.set_field_labels(sf, plx)
        self._sf_list, self._plx_list = list(sf), list(plx)
        self.status.clear()
        self.set_fields_available(True)

    # -- editing ----------------------------------------------------------------------------------

    def mappings(self) -> list[FieldMapping]:
        return self.model.mappings()

    def add_mapping(self) -> bool:
        """Add the chosen pair, checked by the domain; False with the reason shown when refused."""
        sf, plx = self.sf_fields.currentData(), self.plx_fields.currentData()
        if sf is None or plx is None:
            return self.show_message("Choose a Salesforce field and a PeopleLinx field.")
        mapping = FieldMapping(sf.name, plx.key, sf.type, plx.type)
        try:
            check_field_pair(sf, plx, to_salesforce=self.step.to_salesforce)
            checked = checked_mappings(self.step.kind, [*self.model.mappings(), mapping])
        except DomainError as exc:
            return self.show_message(str(exc))
        self.model.append(checked[-1])
        self.show_message("")
        self.changed.emit()
        return True

    # -- Auto-match -------------------------------------------------------------------------------

    def auto_match_proposals(self) -> list[Proposal]:
        """Proposals against the mappings as they stand in the table (not yet saved)."""
        try:
            current = self.step.with_mappings(self.model.mappings())
        except DomainError:
            current = self.step
        return propose(current, self._sf_list, self._plx_list)

    def open_auto_match(self) -> AutoMatchDialog:
        """Open the Auto-match window (window-modal); accepted proposals become mappings."""
        dialog = AutoMatchDialog(self.auto_match_proposals(), self.step.label, self)
        dialog.accepted.connect(lambda: self.accept_proposals(dialog.accepted_proposals))
        dialog.finished.connect(dialog.deleteLater)
        self.auto_match_dialog = dialog
        dialog.open()
        return dialog

    def accept_proposals(self, proposals: list[Proposal]) -> int:
        """Add the proposals' mappings, checked together by the domain; how many were added."""
        if not proposals:
            return 0
        try:
            checked = checked_mappings(self.step.kind, [*self.model.mappings(),
                                                        *(p.mapping for p in proposals)])
        except DomainError as exc:
            self.show_message(str(exc))
            return 0
        for mapping in checked[len(checked) - len(proposals):]:
            self.model.append(mapping)
        self.show_message("")
        self.note.setText(f"Auto-match added {len(proposals)} mapping"
                          f"{'' if len(proposals) == 1 else 's'}; Save to keep "
                          f"{'it' if len(proposals) == 1 else 'them'}.")
        self.note.show()
        self.changed.emit()
        return len(proposals)

    def _sync_rule_changed(self, top_left: object, bottom_right: object, *_: object) -> None:
        if top_left.column() <= SYNC_RULE <= bottom_right.column():
            self.changed.emit()

    def remove_selected(self) -> bool:
        row = self.table.currentIndex().row()
        if self.model.is_mandatory(row):
            return self.show_message(MANDATORY_TIP + ".")
        removed = self.model.remove(row)
        if removed:
            self.show_message("")
            self.changed.emit()
        return removed

    def show_message(self, text: str) -> bool:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        return False

    def set_read_only(self, read_only: bool) -> None:
        self.setProperty("read_only", read_only)
        self.editor.setVisible(not read_only)
        self.model.editable = not read_only
        refresh = getattr(self.table, "refresh_sync_rule_editors", None)
        if refresh is not None:
            refresh()
        self.set_fields_available(self.sf_fields.count() > 0)

    def _read_only(self) -> bool:
        return bool(self.property("read_only"))

    def _update_buttons(self, *_: object) -> None:
        row = self.table.currentIndex().row()
        self.remove_button.setEnabled(not self._read_only() and row >= 0
                                      and not self.model.is_mandatory(row))
