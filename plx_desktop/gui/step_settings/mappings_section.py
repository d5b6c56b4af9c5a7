"""The Field mappings section: the mappings table and Add field mapping with both field lists."""

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

from plx_desktop.domain.errors import DomainError
from plx_desktop.domain.fields import PeopleLinxField, SalesforceField, check_field_pair
from plx_desktop.domain.mapping import FieldMapping
from plx_desktop.domain.step import Step, checked_mappings
from plx_desktop.gui.step_settings.load_status import LoadStatus, keep_table_fitted
from plx_desktop.gui.step_settings.mappings_model import MANDATORY_TIP, MappingsModel

ERROR_STYLE = "color: #b3261e;"


def field_choice_text(label: str, name: str, type_: str) -> str:
    return f"{label} ({name}) · {type_}" if label != name else f"{name} · {type_}"


class MappingsSection(QWidget):
    """Edits a copy of the step's mappings; the dialog reads `mappings()` on Save."""

    changed = Signal()

    def __init__(self, step: Step, parent: QWidget | None = None):
        super().__init__(parent)
        self.step = step
        self.model = MappingsModel(step.mappings, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Field mappings")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

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
        self.remove_button = QPushButton("Remove mapping", self)
        self.remove_button.setToolTip("Remove the selected mapping (mandatory ones stay)")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.editor)
        layout.addWidget(self.status)
        layout.addWidget(self.message)

        keep_table_fitted(self.table, 3, 10)
        self.add_button.clicked.connect(self.add_mapping)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.set_fields_available(False)

    # -- field lists ------------------------------------------------------------------------------

    def set_fields_available(self, available: bool) -> None:
        for widget in (self.sf_fields, self.plx_fields, self.add_button):
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
        self.set_fields_available(self.sf_fields.count() > 0)

    def _read_only(self) -> bool:
        return bool(self.property("read_only"))

    def _update_buttons(self, *_: object) -> None:
        row = self.table.currentIndex().row()
        self.remove_button.setEnabled(not self._read_only() and row >= 0
                                      and not self.model.is_mandatory(row))
