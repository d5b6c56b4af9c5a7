"""Config history: the Custom profile's versions with what each changed, the difference between
two versions, and Roll back to this version (asked first; the store and the signal follow)."""

from __future__ import annotations

import pytest

from plx_desktop.domain import FieldMapping
from plx_desktop.domain.profile_file import profile_to_json
from plx_desktop.gui.config_history import CURRENT, ConfigHistoryDialog
from plx_desktop.store import open_store


@pytest.fixture
def store(tmp_path):
    """A store whose Custom profile was saved three times: as created, with Title ↔ title on
    Contact → People, and without its last step."""
    with open_store(tmp_path / "plx.sqlite3") as store:
        profile = store.profiles.load("custom")
        contact = next(s.uid for s in profile.steps if s.kind.key == "contact_to_people")
        profile.add_mapping(contact, FieldMapping("Title", "title", "string", "string"))
        store.profiles.save(profile)
        profile.remove_step(profile.steps[-1].uid)
        store.profiles.save(profile)
        yield store


def open_history(qtbot, store, answers: list[bool] | None = None) -> ConfigHistoryDialog:
    asked: list[str] = []

    def confirm(text: str) -> bool:
        asked.append(text)
        return answers.pop(0) if answers else False

    dialog = ConfigHistoryDialog(store, confirm=confirm)
    dialog.asked = asked
    qtbot.addWidget(dialog)
    return dialog


def column(model, col: int) -> list[str]:
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_versions_say_when_and_what_changed(qtbot, store, qtmodeltester):
    dialog = open_history(qtbot, store)
    qtmodeltester.check(dialog.model)
    assert column(dialog.model, 1) == [
        "Removed step Calls → Lead Tasks (was at position 12)",
        "Contact → People: mapping Title ↔ title added",
        "First saved version (12 steps)",
    ]
    assert column(dialog.model, 0)[0].endswith(CURRENT)
    dialog.select(1)
    assert [dialog.differences.item(i).text() for i in range(dialog.differences.count())] == [
        "Contact → People: mapping Title ↔ title added"]
    assert dialog.rollback_button.isEnabled()
    dialog.select(0, 2)  # the newest against the first
    assert [dialog.differences.item(i).text() for i in range(dialog.differences.count())] == [
        "Removed step Calls → Lead Tasks (was at position 12)",
        "Contact → People: mapping Title ↔ title added"]
    assert not dialog.rollback_button.isEnabled()
    dialog.select(0)
    assert not dialog.rollback_button.isEnabled()  # the current version


def test_roll_back_asks_then_restores_and_tells_the_main_window(qtbot, store):
    first = store.profiles.versions()[-1]
    dialog = open_history(qtbot, store, answers=[False, True])
    dialog.select(2)
    dialog.rollback_button.click()  # answered Cancel
    assert len(dialog.asked) == 1 and len(store.profiles.versions()) == 3
    with qtbot.waitSignal(dialog.restored) as signal:
        dialog.rollback_button.click()
    assert signal.args == [first.id]
    assert profile_to_json(store.profiles.load("custom")) == first.document
    assert dialog.model.rowCount() == 4
    assert column(dialog.model, 1)[0] == (
        "Added step Calls → Lead Tasks at position 12 (and 1 more change)")
    assert dialog.selected_rows() == [0]
    assert "it is now the current Custom profile" in dialog.message.text()
