"""After a step's settings are saved with a new or changed mapping: say how many linked records
were synced without it, what applying it costs, and offer Apply to existing records
(sync/mapping_reach.py does the work at the next run)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox

from plx_desktop.domain import Step
from plx_desktop.sync.mapping_reach import apply_to_existing, reach

APPLY = "&Apply to existing records"


def offer(window: Any, before: Step, after: Step) -> QMessageBox | None:
    """Ask (without blocking) whether the new mappings go to the records already linked; None
    when there is nothing to ask."""
    plan = reach(window.store, before, after)
    if not plan.mappings or not plan.linked:
        return None
    these = "this mapping" if len(plan.mappings) == 1 else "these mappings"
    box = QMessageBox(QMessageBox.Icon.Question, "Apply to existing records?",
                      f"{plan.linked:,} linked record{'' if plan.linked == 1 else 's'} were "
                      f"synced before {these} existed ({plan.fields}). Without Apply, a record "
                      "gets them only when it next changes.", parent=window)
    box.setObjectName("applyToExisting")
    box.setInformativeText(
        f"Apply to existing records: the next run reads them again and updates those whose "
        f"values differ, for at most {plan.salesforce_calls:,} Salesforce API "
        f"call{'' if plan.salesforce_calls == 1 else 's'} and {plan.peoplelinx_calls:,} "
        f"PeopleLinx call{'' if plan.peoplelinx_calls == 1 else 's'}.")
    apply = box.addButton(APPLY, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Not now", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(apply)

    def answered(button: Any) -> None:
        if button is apply:
            asked = apply_to_existing(window.store, after)
            window.statusBar().showMessage(
                f"The next run brings {after.label}'s new mappings to {asked:,} linked "
                f"record{'' if asked == 1 else 's'}.", 15_000)

    box.buttonClicked.connect(answered)
    box.open()
    window.apply_to_existing_box = box  # kept: an open() box must outlive this call
    return box
