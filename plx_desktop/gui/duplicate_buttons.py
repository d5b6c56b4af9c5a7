"""Sync health's answers to a duplicate rule: "Link to this record" and "Create anyway".

Enabled for one selected record that a duplicate rule refused (DUPLICATES_DETECTED): Link to this
record when the rule matched exactly one record, Create anyway for a person not yet created. Both
act through store/duplicate_actions.py on the GUI thread's store and ask the next run to retry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from plx_desktop.store import Store
from plx_desktop.store.duplicate_actions import (
    can_create_anyway,
    can_link,
    create_anyway,
    link_to_match,
)
from plx_desktop.store.health import FailingRecord


class DuplicateButtons(QWidget):
    def __init__(self, store: Store, selected: Callable[[], list[FailingRecord]],
                 instance_url: Callable[[], str], done: Callable[[str], None],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._store, self._selected, self._url, self._done = store, selected, instance_url, done
        self.link_button = QPushButton("Link to this rec&ord", self)
        self.link_button.setToolTip("Link the person to the record the duplicate rule matched; "
                                    "the next run updates it instead of creating another")
        self.create_button = QPushButton("Create any&way", self)
        self.create_button.setToolTip("Create the record at the next run despite the duplicate "
                                      "rule (only where the rule allows saving duplicates)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.link_button)
        layout.addWidget(self.create_button)
        self.link_button.clicked.connect(self.link)
        self.create_button.clicked.connect(self.create)
        for button in (self.link_button, self.create_button):
            button.setEnabled(False)  # until the tab's selection says otherwise

    def _one(self) -> FailingRecord | None:
        records = self._selected()
        return records[0] if len(records) == 1 else None

    def update_buttons(self, *_: Any) -> None:
        record = self._one()
        self.link_button.setEnabled(record is not None and can_link(record))
        self.create_button.setEnabled(record is not None and can_create_anyway(record))

    def link(self) -> None:
        record = self._one()
        if record is not None and can_link(record):
            sf_id = link_to_match(self._store.links, self._store.health, record, self._url())
            self._done(f"{record.record_label} is linked to {sf_id}; the next run updates it.")

    def create(self) -> None:
        record = self._one()
        if record is not None and can_create_anyway(record):
            create_anyway(self._store.settings, self._store.health, record)
            self._done(f"{record.record_label} will be created at the next run, where the "
                       "duplicate rule allows it.")
