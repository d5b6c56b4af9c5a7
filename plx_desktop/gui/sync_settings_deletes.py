"""Sync settings' Deletes section: what a delete on one side does to the other.

Both default to keeping the other side's record: a Contact or Lead deleted in Salesforce leaves
its person in PeopleLinx (unlinked, marked Deleted in Salesforce), and a person deleted in
PeopleLinx leaves the Salesforce record (unlinked). Kept in the store's settings.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from plx_desktop.store import Store
from plx_desktop.store.settings import PEOPLELINX_DELETES, SALESFORCE_DELETES

SALESFORCE_CHOICES = (("keep", "Keep the person in PeopleLinx (unlinked)"),
                      ("delete", "Delete the person in PeopleLinx"))
PEOPLELINX_CHOICES = (("keep", "Keep the Contact or Lead in Salesforce (unlinked)"),
                      ("delete", "Delete the Contact or Lead in Salesforce"))
DELETES_HELP = ("A person kept after their Contact or Lead was deleted is marked Deleted in "
                "Salesforce (a People filter can select them) and is not created in Salesforce "
                "again unless you retry them from Sync health. A merge in Salesforce moves the "
                "link to the surviving record, merging the people when both had one.")


class DeletesBox(QGroupBox):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__("D&eletes", parent)
        self.salesforce = _combo(self, "salesforceDeletes", SALESFORCE_CHOICES,
                                 store.settings.get(SALESFORCE_DELETES))
        self.peoplelinx = _combo(self, "peoplelinxDeletes", PEOPLELINX_CHOICES,
                                 store.settings.get(PEOPLELINX_DELETES))
        form = QFormLayout(self)
        form.addRow("Deleted in Salesforce:", self.salesforce)
        form.addRow("Deleted in PeopleLinx:", self.peoplelinx)
        note = QLabel(DELETES_HELP, self)
        note.setWordWrap(True)
        note.setEnabled(False)  # muted
        form.addRow(note)

    def save(self, store: Store) -> None:
        """Inside the dialog's transaction."""
        store.settings.set(SALESFORCE_DELETES, self.salesforce.currentData())
        store.settings.set(PEOPLELINX_DELETES, self.peoplelinx.currentData())


def _combo(parent: QWidget, name: str, choices: tuple[tuple[str, str], ...],
           current: object) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    for value, label in choices:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(0, combo.findData(current if current in ("keep", "delete")
                                                else "keep")))
    combo.setAccessibleName(name)
    return combo
