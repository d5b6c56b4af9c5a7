"""The Steps tab and its models: Default immutability, add by button and by drop, clone, remove,
reorder, and every change saved to the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, Qt
from PySide6.QtWidgets import QDialogButtonBox

from plx_desktop.domain.catalog import Direction
from plx_desktop.domain.errors import ReadOnlyProfile
from plx_desktop.domain.profile import ProfileKind, custom_copy_of_default, default_profile
from plx_desktop.gui.profile_session import ProfileSession
from plx_desktop.gui.step_palette import StepPaletteModel
from plx_desktop.gui.steps_model import STEP_KIND_MIME, STEP_UIDS_MIME, StepsModel, UidRole
from plx_desktop.gui.steps_tab import StepsTab
from plx_desktop.store import open_store

pytestmark = pytest.mark.gui


def kinds(model: StepsModel) -> list[str]:
    return [model.step_at(r).kind.key for r in range(model.rowCount())]


def uids(model: StepsModel) -> list[str]:
    return [model.index(r).data(UidRole) for r in range(model.rowCount())]


@pytest.fixture
def session(tmp_path: Path):
    store = open_store(tmp_path / "plx.sqlite3")
    session = ProfileSession(store)
    session.switch(ProfileKind.CUSTOM)
    yield session
    store.close()


@pytest.fixture
def tab(qtbot, session):
    model = StepsModel(session.profile)
    model.profile_edited.connect(session.save)
    tab = StepsTab(model)
    qtbot.addWidget(tab)
    tab.resize(900, 500)
    tab.show()
    return tab


def stored_kinds(session: ProfileSession) -> list[str]:
    return [s.kind.key for s in session.store.profiles.load(ProfileKind.CUSTOM).steps]


def test_models_pass_the_model_tester(qtmodeltester):
    model = StepsModel(custom_copy_of_default())
    qtmodeltester.check(model)
    model.add_step("calls_to_lead_tasks", 0)
    model.move_step(0, 5)
    model.clone_step(2)
    model.remove_step(1)
    qtmodeltester.check(model)
    qtmodeltester.check(StepsModel(default_profile()))
    qtmodeltester.check(StepPaletteModel())


def test_palette_offers_the_twelve_kinds_as_drags():
    palette = StepPaletteModel()
    assert palette.rowCount() == 12
    data = palette.mimeData([palette.index(4)])
    assert bytes(data.data(STEP_KIND_MIME).data()).decode() == "sequence_status_to_lead_status"
    assert palette.index(0).data() == "Contact → People"
    assert "Contact (Salesforce) → People (PeopleLinx)" in palette.index(0).data(Qt.ItemDataRole.ToolTipRole)


def test_default_profile_is_read_only_in_the_gui_and_in_the_domain(qtbot):
    model = StepsModel(default_profile())
    tab = StepsTab(model)
    qtbot.addWidget(tab)
    flags = model.flags(model.index(0))
    assert not flags & Qt.ItemFlag.ItemIsDragEnabled
    assert not flags & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    assert not tab.add_button.isEnabled()
    assert not tab.palette.isEnabled()
    tab.view.setCurrentIndex(model.index(0))
    assert tab.settings_action.isEnabled()  # settings can be read, not changed
    for action in (tab.clone_action, tab.remove_action, tab.up_action, tab.down_action,
                   tab.switch_action, tab.add_action_action, tab.toggle_action):
        assert not action.isEnabled(), action.text()

    with qtbot.waitSignal(model.edit_refused) as refused:
        assert model.add_step("contact_to_people") is None
    assert "Default profile" in refused.args[0]
    data = QMimeData()
    data.setData(STEP_KIND_MIME, QByteArray(b"contact_to_people"))
    assert not model.dropMimeData(data, Qt.DropAction.CopyAction, 0, 0, QModelIndex())
    assert not model.setData(model.index(0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert model.rowCount() == 12 and model.step_at(0).enabled
    with pytest.raises(ReadOnlyProfile):
        model.profile.remove_step(model.step_at(0).uid)  # the domain refuses whoever asks


def test_add_by_button_with_kind_and_direction(qtbot, tab, session):
    tab.view.setCurrentIndex(tab.model.index(0))
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    popup = tab.add_popup
    qtbot.waitExposed(popup)
    popup.select("lead_to_people", Direction.PEOPLELINX_TO_SALESFORCE)
    assert popup.direction.isEnabled()
    with qtbot.waitSignal(tab.model.rowsInserted):
        popup.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert kinds(tab.model)[1] == "people_to_lead"  # after the selected row
    assert stored_kinds(session)[1] == "people_to_lead"
    assert tab.view.currentIndex().row() == 1


def test_fixed_direction_kinds_offer_one_direction(qtbot, tab):
    popup = tab.open_add_popup()
    popup.select("calls_to_lead_tasks")
    assert not popup.direction.isEnabled()
    assert popup.chosen_kind.key == "calls_to_lead_tasks"
    popup.reject()


def test_add_by_dropping_a_kind_where_it_is_dropped(tab, session):
    palette = tab.palette.model
    data = palette.mimeData([palette.index(10)])  # Calls → Contact Tasks
    assert tab.model.dropMimeData(data, Qt.DropAction.CopyAction, 2, 0, QModelIndex())
    assert kinds(tab.model)[2] == "calls_to_contact_tasks"
    # Dropped onto a row (row -1, parent = that row): inserted before it.
    data = palette.mimeData([palette.index(0)])
    assert tab.model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, tab.model.index(5))
    assert kinds(tab.model)[5] == "contact_to_people"
    # On the empty area: at the end.
    assert tab.model.dropMimeData(palette.mimeData([palette.index(1)]), Qt.DropAction.CopyAction,
                                  -1, -1, QModelIndex())
    assert kinds(tab.model)[-1] == "lead_to_people"
    assert stored_kinds(session) == kinds(tab.model)
    assert tab.model.rowCount() == 15  # unlimited steps: the same kind may appear many times


def test_reorder_by_dropping_rows(tab, session):
    before = uids(tab.model)
    data = tab.model.mimeData([tab.model.index(0)])
    assert json.loads(bytes(data.data(STEP_UIDS_MIME).data())) == [before[0]]
    assert tab.model.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert uids(tab.model) == before[1:3] + [before[0]] + before[3:]
    # Qt's own move (what QListView does for a drag inside the list).
    assert tab.model.moveRow(QModelIndex(), 2, QModelIndex(), 0)
    assert uids(tab.model) == before
    assert [s.uid for s in session.store.profiles.load(ProfileKind.CUSTOM).steps] == before


def test_clone_remove_move_and_toggle_from_the_keyboard(qtbot, tab, session):
    view = tab.view
    view.setFocus()
    view.setCurrentIndex(tab.model.index(0))
    first = tab.model.step_at(0)
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert tab.model.rowCount() == 13
    clone = tab.model.step_at(1)
    assert clone.kind == first.kind and clone.mappings == first.mappings and clone.uid != first.uid
    view.setCurrentIndex(tab.model.index(1))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert uids(tab.model)[:2] == [first.uid, tab.model.step_at(1).uid] and tab.model.rowCount() == 12
    view.setCurrentIndex(tab.model.index(0))
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert tab.model.step_at(1).uid == first.uid and view.currentIndex().row() == 1
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert not tab.model.step_at(1).enabled
    assert not session.store.profiles.load(ProfileKind.CUSTOM).steps[1].enabled


def test_hover_buttons_clone_and_remove(qtbot, tab):
    view = tab.view
    rect = view.visualRect(tab.model.index(2))
    buttons = dict((b.name, r) for b, r in view.delegate.button_rects(rect, tab.model.index(2)))
    assert set(buttons) == {"settings", "clone", "remove"}  # step 2 writes Contacts: no actions
    row0 = view.visualRect(tab.model.index(0))
    assert "add_action" in {b.name for b, _ in view.delegate.button_rects(row0, tab.model.index(0))}
    uid = tab.model.step_at(2).uid
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=buttons["clone"].center())
    assert tab.model.rowCount() == 13 and tab.model.step_at(3).kind == tab.model.step_at(2).kind
    rect = view.visualRect(tab.model.index(2))
    remove = dict((b.name, r) for b, r in view.delegate.button_rects(rect, tab.model.index(2)))["remove"]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=remove.center())
    assert uid not in uids(tab.model)
    with qtbot.waitSignal(tab.settings_requested) as asked:
        rect = view.visualRect(tab.model.index(0))
        actions = dict((b.name, r) for b, r in view.delegate.button_rects(rect, tab.model.index(0)))
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=actions["add_action"].center())
    assert asked.args == [0, "add_action"]  # straight to a new action


def test_remove_step_is_undone_with_ctrl_z(qtbot, tab, session):
    model = tab.model
    before_uids, before_kinds = uids(model), stored_kinds(session)
    messages = []
    tab.message.connect(messages.append)
    step = model.step_at(2)
    tab.view.setCurrentIndex(model.index(2))
    tab.view.setFocus()
    qtbot.waitUntil(tab.view.hasFocus)
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert step.uid not in uids(model) and len(stored_kinds(session)) == len(before_kinds) - 1
    assert messages[-1] == f"Removed the step {step.label}. Ctrl+Z puts it back."
    assert tab.undo_action.isEnabled()
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert uids(model) == before_uids  # the same step (uid, cursor, links), in its place
    assert stored_kinds(session) == before_kinds
    assert session.store.profiles.load(ProfileKind.CUSTOM).steps[2] == step
    assert not tab.undo_action.isEnabled()
    assert not tab.undo_remove()  # nothing more to undo


def test_the_row_remove_button_can_be_undone_too(qtbot, tab):
    model = tab.model
    before = uids(model)
    tab.view.delegate.button_clicked.emit(0, "remove")
    tab.view.delegate.button_clicked.emit(0, "remove")
    assert uids(model) == before[2:]
    assert tab.undo_remove() and tab.undo_remove()
    assert uids(model) == before


def test_a_clone_is_told_apart_named_and_its_clash_flagged_on_save(qtbot, tab, session):
    warnings = []
    session.warned.connect(warnings.append)
    view = tab.view
    view.setFocus()
    view.setCurrentIndex(tab.model.index(0))
    source_text = tab.model.index(0).data()
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # clone
    assert tab.model.index(0).data() == source_text  # the source keeps its row text
    assert tab.model.index(1).data() == f"{source_text} #2"  # the clone is told apart
    assert warnings and "write the same field" in warnings[-1]
    assert "is written by both" in warnings[-1]

    view.setCurrentIndex(tab.model.index(1))
    assert tab.rename_action.isEnabled()
    assert tab.rename_current("EMEA contacts")
    assert tab.model.index(1).data() == f"EMEA contacts — {source_text}"
    stored = session.store.profiles.load(ProfileKind.CUSTOM).steps[1]
    assert (stored.name, stored.label) == ("EMEA contacts", "EMEA contacts")
    assert "EMEA contacts" in warnings[-1]  # the warning names the steps as the list does


def test_renaming_is_refused_on_the_default_profile(qtbot, session):
    session.switch(ProfileKind.DEFAULT)
    model = StepsModel(session.profile)
    tab = StepsTab(model)
    qtbot.addWidget(tab)
    tab.view.setCurrentIndex(model.index(0))
    assert not tab.rename_action.isEnabled() and tab.rename_current("Mine") is False
