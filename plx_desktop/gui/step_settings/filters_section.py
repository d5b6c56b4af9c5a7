"""The Filtering rules section: rules (field, operator, value) for steps that read Salesforce, or a
saved People filter (Load filter / Clear filter) for steps that read PeopleLinx."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.domain.errors import DomainError
from plx_desktop.domain.fields import SalesforceField, salesforce_kind
from plx_desktop.domain.filters import FilterRule, Operator, SavedFilter, operators_for
from plx_desktop.domain.step import Step
from plx_desktop.gui.step_settings.load_status import LoadStatus, keep_table_fitted
from plx_desktop.gui.step_settings.mappings_section import ERROR_STYLE, field_choice_text
from plx_desktop.gui.step_settings.rules_model import RulesModel

_HINTS = {"number": "a number", "date": "YYYY-MM-DD", "datetime": "YYYY-MM-DDTHH:MM:SSZ",
          "boolean": "true or false", "email": "e.g. @acme.com"}
NO_FILTER_TEXT = "No saved filter: every person is synced."


class FiltersSection(QWidget):
    """Edits a copy of the step's rules or saved filter; the dialog reads them on Save."""

    changed = Signal()

    def __init__(self, step: Step, parent: QWidget | None = None):
        super().__init__(parent)
        self.step = step
        self.uses_rules = step.kind.filters_with_rules
        self.saved_filter: SavedFilter | None = step.saved_filter
        self._read_only = False
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.status = LoadStatus(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        if self.uses_rules:
            self._build_rules(layout)
        else:
            self._build_saved_filter(layout)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        self._update_enabled()

    # -- rules (Salesforce-sourced steps) ---------------------------------------------------------

    def _build_rules(self, layout: QVBoxLayout) -> None:
        self.model = RulesModel(self.step.filter_rules, self)
        self.table = QTableView(self)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.model)
        self.table.setAccessibleName("Filtering rules")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.field = QComboBox(self)
        self.field.setAccessibleName("Field")
        self.field.setToolTip("The Salesforce field the rule tests")
        self.field.setMinimumContentsLength(16)
        self.field.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.operator = QComboBox(self)
        self.operator.setAccessibleName("Operator")
        self.operator.setToolTip("How the field is compared (depends on the field's type)")
        self.value = QLineEdit(self)
        self.value.setAccessibleName("Value")
        self.value.setToolTip("The value to compare with")
        self.add_button = QPushButton("Add new rule", self)
        self.add_button.setToolTip("Add the rule: only records that pass every rule are synced")
        self.remove_button = QPushButton("Remove rule", self)
        self.remove_button.setToolTip("Remove the selected rule")
        self.editor = QWidget(self)  # the Add new rule row; hidden when nothing can change
        grid = QGridLayout(self.editor)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, (caption, widget) in enumerate(
                (("FIELD", self.field), ("OPERATOR", self.operator), ("VALUE", self.value))):
            label = QLabel(caption, self)
            label.setBuddy(widget)
            grid.addWidget(label, 0, column)
            grid.addWidget(widget, 1, column)
        grid.addWidget(self.add_button, 1, 3)
        grid.addWidget(self.remove_button, 1, 4)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 2)
        layout.addWidget(self.table)
        layout.addWidget(self.editor)
        keep_table_fitted(self.table, 2, 8)
        self.field.currentIndexChanged.connect(self._field_chosen)
        self.operator.currentIndexChanged.connect(self._operator_chosen)
        self.value.returnPressed.connect(self.add_rule)
        self.add_button.clicked.connect(self.add_rule)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.selectionModel().currentRowChanged.connect(self._update_enabled)

    def set_fields(self, fields: list[SalesforceField]) -> None:
        """Fill the field drop-down (Salesforce describe of the step's object)."""
        if not self.uses_rules:
            return
        self.field.clear()
        for field in sorted(fields, key=lambda f: f.label.casefold()):
            self.field.addItem(field_choice_text(field.label, field.name, field.type), field)
        self.status.clear()
        self._update_enabled()

    def _field_chosen(self) -> None:
        field = self.field.currentData()
        self.operator.clear()
        if field is None:
            return
        for op in operators_for(field.type):
            self.operator.addItem(op.label, op.value)  # an Enum of str would reach Qt as str
        self.value.setPlaceholderText(_HINTS.get(salesforce_kind(field.type), ""))

    def _chosen_operator(self) -> Operator | None:
        value = self.operator.currentData()
        return Operator(value) if value else None

    def _operator_chosen(self) -> None:
        op = self._chosen_operator()
        self.value.setEnabled(not self._read_only and (op is None or op.takes_value))

    def rules(self) -> list[FilterRule]:
        return self.model.rules() if self.uses_rules else []

    def add_rule(self) -> bool:
        field, op = self.field.currentData(), self._chosen_operator()
        if field is None or op is None:
            return self.show_message("Choose a field and an operator.")
        rule = FilterRule(field.name, op, self.value.text() if op.takes_value else "", field.type)
        try:
            rule.validate()
        except DomainError as exc:
            return self.show_message(str(exc))
        self.model.append(rule)
        self.value.clear()
        self.show_message("")
        self.changed.emit()
        return True

    def remove_selected(self) -> bool:
        removed = self.model.remove(self.table.currentIndex().row())
        if removed:
            self.changed.emit()
        return removed

    # -- saved People filter (PeopleLinx-sourced steps) -------------------------------------------

    def _build_saved_filter(self, layout: QVBoxLayout) -> None:
        self.current = QLabel(self)
        self.current.setWordWrap(True)
        self.saved_filters = QComboBox(self)
        self.saved_filters.setAccessibleName("Saved People filters")
        self.saved_filters.setToolTip("Saved People filters in PeopleLinx")
        self.saved_filters.setMinimumContentsLength(20)
        self.saved_filters.setPlaceholderText("Choose a saved People filter…")
        self.load_button = QPushButton("Load filter", self)
        self.load_button.setToolTip("Sync only the people the chosen saved People filter selects")
        self.clear_button = QPushButton("Clear filter", self)
        self.clear_button.setToolTip("Remove the saved filter: every person is synced")
        self.editor = QWidget(self)
        row = QHBoxLayout(self.editor)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.saved_filters, 1)
        row.addWidget(self.load_button)
        row.addWidget(self.clear_button)
        layout.addWidget(self.current)
        layout.addWidget(self.editor)
        self.load_button.clicked.connect(self.load_filter)
        self.clear_button.clicked.connect(self.clear_filter)
        self._show_saved_filter()

    def set_saved_filters(self, filters: list[SavedFilter]) -> None:
        if self.uses_rules:
            return
        self.saved_filters.clear()
        for saved in filters:
            self.saved_filters.addItem(saved.name, saved)
        self.saved_filters.setCurrentIndex(-1)  # a choice to make, not one made already
        self.status.clear()
        self._update_enabled()

    def load_filter(self) -> bool:
        saved = self.saved_filters.currentData()
        if saved is None:
            return self.show_message("Choose a saved People filter to load.")
        self.saved_filter = saved
        self._show_saved_filter()
        self.changed.emit()
        return True

    def clear_filter(self) -> None:
        self.saved_filter = None
        self._show_saved_filter()
        self.changed.emit()

    def _show_saved_filter(self) -> None:
        saved = self.saved_filter
        self.current.setText(f"Saved filter: <b>{saved.name}</b>" if saved else NO_FILTER_TEXT)
        self._update_enabled()

    # -- common -----------------------------------------------------------------------------------

    def show_message(self, text: str) -> bool:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        return False

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.editor.setVisible(not read_only)
        self._update_enabled()

    def _update_enabled(self, *_: object) -> None:
        editable = not self._read_only
        if self.uses_rules:
            has_fields = self.field.count() > 0
            for widget in (self.field, self.operator, self.add_button):
                widget.setEnabled(editable and has_fields)
            self._operator_chosen()
            self.value.setEnabled(self.value.isEnabled() and has_fields)
            self.remove_button.setEnabled(editable and self.table.currentIndex().row() >= 0)
        else:
            has_filters = self.saved_filters.count() > 0
            self.saved_filters.setEnabled(editable and has_filters)
            self.load_button.setEnabled(editable and has_filters)
            self.clear_button.setEnabled(editable and self.saved_filter is not None)
