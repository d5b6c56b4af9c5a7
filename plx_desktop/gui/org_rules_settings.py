"""Sync settings' "The org's rules" group: lead assignment on new leads, duplicate rules that allow
saving, and the Task owners the org's users' own emails do not find (one "PeopleLinx user's email
= Salesforce user's email or username" a line)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from plx_desktop.domain import is_valid_email, normalise_email
from plx_desktop.store import Store
from plx_desktop.store.settings import (
    DUPLICATE_RULES_ALLOW_SAVE,
    RUN_LEAD_ASSIGNMENT_RULES,
    TASK_OWNER_MAP,
)

OWNERS_HELP = ("A Task belongs to the active Salesforce user whose email is the PeopleLinx "
               "user's, else to the connected user. For the others, one a line: "
               "PeopleLinx user's email = Salesforce user's email or username.")


def parse_owner_map(text: str) -> dict[str, str]:
    """{PeopleLinx email: Salesforce email or username}; ValueError names the first bad line."""
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        left, sep, right = line.partition("=")
        left, right = normalise_email(left), normalise_email(right)
        if not sep or not is_valid_email(left) or not is_valid_email(right):
            raise ValueError(f"Task owners, line {number}: write it as "
                             f"“rep@peoplelinx.example.com = rep@salesforce.example.com” "
                             f"(it says “{line.strip()}”)")
        out[left] = right
    return out


class OrgRulesBox(QGroupBox):
    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__("The org's rules", parent)
        self.assign = QCheckBox("Run lead &assignment rules on new leads", self)
        self.assign.setObjectName("runLeadAssignmentRules")
        self.assign.setToolTip("Updates never run them, so a synced field never changes a "
                               "lead's owner")
        self.assign.setChecked(bool(store.settings.get(RUN_LEAD_ASSIGNMENT_RULES)))
        self.allow = QCheckBox("Save past &duplicate rules that allow it", self)
        self.allow.setObjectName("duplicateRulesAllowSave")
        self.allow.setToolTip("Sends allowSave=true; rules that block duplicates still refuse")
        self.allow.setChecked(bool(store.settings.get(DUPLICATE_RULES_ALLOW_SAVE)))
        self.owners = QPlainTextEdit(self)
        self.owners.setObjectName("taskOwnerMap")
        self.owners.setAccessibleName("Task owners")
        self.owners.setFixedHeight(self.owners.fontMetrics().lineSpacing() * 2 + 14)
        current = store.settings.get(TASK_OWNER_MAP) or {}
        self.owners.setPlainText("\n".join(f"{k} = {v}" for k, v in sorted(current.items())))
        # The explanation is the tooltip and the example the placeholder: the dialog fits 640 px.
        self.owners.setToolTip(OWNERS_HELP)
        self.owners.setPlaceholderText("rep@peoplelinx.example.com = rep@salesforce.example.com"
                                       "   (one a line; others: the user with the same email)")
        owners_label = QLabel("Task &owners not found by email:", self)
        owners_label.setBuddy(self.owners)
        owners_label.setToolTip(OWNERS_HELP)
        layout = QVBoxLayout(self)
        for widget in (self.assign, self.allow, owners_label, self.owners):
            layout.addWidget(widget)

    def save(self, store: Store) -> None:
        """Write the three settings (inside the caller's transaction); ValueError on bad input."""
        owners = parse_owner_map(self.owners.toPlainText())
        store.settings.set(RUN_LEAD_ASSIGNMENT_RULES, self.assign.isChecked())
        store.settings.set(DUPLICATE_RULES_ALLOW_SAVE, self.allow.isChecked())
        store.settings.set(TASK_OWNER_MAP, owners)
