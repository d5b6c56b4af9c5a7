"""Status value maps on the two status steps: each PeopleLinx value → a Lead Status drop-down."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from plx_desktop.domain.status_maps import LEAD_STATUSES
from plx_desktop.domain.step import Step

UNCHANGED = "(leave Lead Status as it is)"
NOT_IN_ORG = "(not in this org: skipped)"


def value_label(value: str) -> str:
    """A PeopleLinx value as the admin reads it: "opted_out" → "Opted out"."""
    return value.replace("_", " ").capitalize()


class StatusMapSection(QWidget):
    """One drop-down per PeopleLinx value; `values()` is the map the dialog saves."""

    changed = Signal()

    def __init__(self, step: Step, parent: QWidget | None = None):
        super().__init__(parent)
        self.step = step
        self.combos: dict[str, QComboBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 0, 4, 0)
        source_caption = QLabel(step.kind.source.label.upper(), self)
        grid.addWidget(source_caption, 0, 0)
        grid.addWidget(QLabel("LEAD STATUS", self), 0, 1)
        current = step.status_values()
        for row, value in enumerate(step.kind.status_values, start=1):
            label = QLabel(value_label(value), self)
            combo = QComboBox(self)
            combo.setAccessibleName(f"Lead Status for {value_label(value)}")
            combo.setToolTip(f"The Lead Status a lead gets when PeopleLinx says "
                             f"“{value_label(value)}”")
            label.setBuddy(combo)
            self.combos[value] = combo
            self._fill(combo, list(LEAD_STATUSES), current.get(value))
            combo.currentIndexChanged.connect(self.changed)
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
        grid.setColumnStretch(1, 1)

    @staticmethod
    def _fill(combo: QComboBox, statuses: list[str], chosen: str | None,
              from_org: bool = False) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(UNCHANGED, None)
        for status in statuses:
            combo.addItem(status, status)
        if chosen and combo.findData(chosen) < 0:
            # A value the org does not list stays visible, and says so: it would be skipped.
            combo.addItem(f"{chosen} {NOT_IN_ORG}" if from_org else chosen, chosen)
        combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen else 0)
        combo.blockSignals(False)

    def set_lead_statuses(self, statuses: list[str]) -> None:
        """Offer the org's own Lead Status picklist instead of the standard one."""
        if statuses:
            for combo in self.combos.values():
                self._fill(combo, statuses, combo.currentData(), from_org=True)

    def values(self) -> dict[str, str]:
        return {value: combo.currentData() for value, combo in self.combos.items()
                if combo.currentData()}

    def set_read_only(self, read_only: bool) -> None:
        for combo in self.combos.values():
            combo.setEnabled(not read_only)
