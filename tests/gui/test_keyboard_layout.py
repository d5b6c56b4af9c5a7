"""Keyboard and layout: one mnemonic per letter on screen, Tab leaves every table, the tab order
reads like the page, visible focus on the step list, Help (F1, About), a main window that fits
1024×640 and never resizes itself, dialogs that open large enough and remember their size, the
Add action icon, and the Add Sync step popup's direction icons."""

from __future__ import annotations

import re

import pytest
import shell_fixtures
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QGroupBox,
    QLabel,
    QScrollArea,
    QWidget,
)

from plx_desktop.domain.catalog import Direction

pytestmark = pytest.mark.gui
make_window = shell_fixtures.make_window


def mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&\s])", text.replace("&&", ""))
    return match.group(1).lower() if match else None


def visible_mnemonics(root: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of every mnemonic the admin can press now in `root`."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QAbstractButton):
            text = widget.text()
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        else:
            continue
        if mnemonic(text):
            found.append((mnemonic(text), text))
    tabs = getattr(root, "tabs", None)
    if tabs is not None:
        found += [(mnemonic(tabs.tabText(i)), tabs.tabText(i)) for i in range(tabs.count())
                  if mnemonic(tabs.tabText(i))]
    menu_bar = root.menuBar() if hasattr(root, "menuBar") else None
    if menu_bar is not None:
        found += [(mnemonic(a.text()), a.text()) for a in menu_bar.actions() if mnemonic(a.text())]
    return found


def clashes(found: list[tuple[str, str]]) -> dict[str, list[str]]:
    letters: dict[str, list[str]] = {}
    for letter, text in found:
        letters.setdefault(letter, []).append(text)
    return {k: v for k, v in letters.items() if len(v) > 1}


def test_no_two_controls_on_screen_share_a_mnemonic(qtbot, make_window):
    window = make_window()
    for kind in (0, 1):  # Default, then Custom
        window.profile_combo.setCurrentIndex(kind)
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            assert clashes(visible_mnemonics(window)) == {}, window.tabs.tabText(index)
    window.run_controls.pause_button.click()  # Resume is on screen now
    assert clashes(visible_mnemonics(window)) == {}
    assert window.run_controls.pause_button.text() == "Res&ume"
    assert "Alt+U" in window.menus.pause_action.text()


def test_the_step_settings_dialog_has_no_clashing_mnemonics(qtbot, make_window):
    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    dialog = window.open_step_settings(0)
    for section in dialog.sections.values():
        section.set_expanded(True)
    assert clashes(visible_mnemonics(dialog)) == {}
    dialog.reject()


def test_tab_leaves_every_table(qtbot, make_window):
    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    dialog = window.open_step_settings(0)
    views = window.findChildren(QAbstractItemView) + dialog.findChildren(QAbstractItemView)
    assert views and all(not v.tabKeyNavigation() for v in views)
    table = dialog.mappings.table
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table
    dialog.reject()


def test_tab_goes_cards_profile_steps_run_controls(qtbot, make_window):
    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    window.activateWindow()
    first = window.salesforce_card.findChild(QWidget, "connectButton")
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    order = [first]
    for _ in range(14):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    steps, run = window.steps_tab, window.run_controls
    wanted = [window.profile_combo, steps.add_button, steps.preview_button, steps.view,
              steps.palette.view, run.run_button, run.interval, run.pause_button]
    positions = [order.index(w) for w in wanted]
    assert positions == sorted(positions)
    plx_key = window.peoplelinx_card.findChild(QWidget, "apiKeyEdit")
    assert order.index(first) < order.index(plx_key) < order.index(window.profile_combo)
    assert order[positions[-1] + 1] is first  # and round again


def test_the_step_list_shows_where_the_keyboard_is(qtbot, make_window):
    window = make_window()
    view = window.steps_tab.view
    window.activateWindow()
    view.setCurrentIndex(view.model().index(1))
    view.clearFocus()
    window.profile_combo.setFocus()
    qtbot.waitUntil(lambda: not view.hasFocus())
    without = view.grab().toImage()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    with_focus = view.grab().toImage()
    assert without != with_focus


def test_f1_opens_the_admins_guide_and_help_has_about(qtbot, make_window):
    window = make_window()
    assert window.menus.guide_action.shortcut().toString() == "F1"
    window.activateWindow()
    window.steps_tab.view.setFocus()
    qtbot.waitUntil(window.steps_tab.view.hasFocus)
    qtbot.keyClick(window.steps_tab.view, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.guide_dialog is not None and window.guide_dialog.isVisible())
    text = window.guide_dialog.browser.toPlainText()
    assert "Connect both accounts" in text and "Sync health" in text
    assert not window.guide_dialog.isModal()  # the window stays usable beside it
    assert window.menus.about_action.text() == "&About PLX Desktop"
    window.guide_dialog.close()


def test_the_main_window_fits_1024_by_640_and_never_resizes_itself(qtbot, make_window):
    window = make_window()
    window.resize(1024, 600)
    qtbot.waitUntil(lambda: window.size() == QSize(1024, 600))
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 600, hint
    window.profile_combo.setCurrentIndex(1)  # Custom: a longer hint, the palette enabled
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        assert window.size() == QSize(1024, 600)
    assert window.minimumSizeHint().width() <= 1024


def test_step_settings_open_large_enough_and_remember_their_size(qtbot, make_window):
    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    dialog = window.open_step_settings(0)
    qtbot.waitExposed(dialog)
    screen = dialog.screen().availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
    assert dialog.minimumWidth() <= 1024 - 40 and dialog.minimumHeight() <= 640 - 80
    for button in dialog.buttons.buttons() + [dialog.preview_button]:
        if button.isVisible():  # every button whole, inside the dialog
            corner = button.mapTo(dialog, button.rect().bottomRight())
            assert dialog.rect().contains(corner), button.text()
    scroll = dialog.frame.findChild(QScrollArea, "scrollArea")
    assert not scroll.horizontalScrollBar().isVisible()
    dialog.resize(dialog.width() - 20, dialog.height() - 10)
    size = dialog.size()
    dialog.reject()
    again = window.open_step_settings(1)
    assert again.size() == size
    again.reject()


def test_the_add_action_icon_goes_straight_to_choosing_an_action(qtbot, make_window):
    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    row = next(r for r in range(window.steps_model.rowCount())
               if window.steps_model.step_at(r).kind.accepts_actions)
    before = len(window.steps_model.step_at(row).actions)
    window.steps_tab.view.delegate.button_clicked.emit(row, "add_action")
    dialog = window.step_settings_dialog
    qtbot.waitExposed(dialog)
    assert [k for k, s in dialog.sections.items() if s.is_expanded()] == ["actions"]
    assert len(dialog.actions.rows) == before + 1
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.actions.rows[-1].sequence)
    dialog.reject()


def test_the_add_sync_step_popup_has_clickable_direction_icons(qtbot, make_window):
    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    popup = window.steps_tab.open_add_popup()
    popup.select("contact_to_people")
    buttons = popup.direction.buttons
    both = [buttons[Direction.SALESFORCE_TO_PEOPLELINX], buttons[Direction.PEOPLELINX_TO_SALESFORCE]]
    assert all(b.isVisible() and not b.icon().isNull() for b in both)
    qtbot.mouseClick(both[1], Qt.MouseButton.LeftButton)
    assert popup.chosen_kind.key == "people_to_contact"
    qtbot.mouseClick(both[0], Qt.MouseButton.LeftButton)
    assert popup.chosen_kind.key == "contact_to_people"
    popup.select("calls_to_lead_tasks")  # one way only: one icon, nothing to choose
    assert not popup.direction.isEnabled()
    assert [d for d, b in buttons.items() if b.isVisible()] == [Direction.PEOPLELINX_TO_SALESFORCE]
    popup.reject()


def test_adding_a_step_by_keyboard_only(qtbot, make_window):
    # Ctrl+N, the kind's drop-down, Tab to the direction icons, an arrow key, Enter.
    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    view = window.steps_tab.view
    window.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    before = window.steps_model.rowCount()
    qtbot.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    # A button's shortcut clicks it the way a mouse would, a moment later (animateClick).
    qtbot.waitUntil(lambda: getattr(window.steps_tab, "add_popup", None) is not None)
    popup = window.steps_tab.add_popup
    qtbot.waitUntil(lambda: popup.isVisible() and popup.kind.hasFocus())
    assert popup.kind.currentText() == "Contact ⇄ People"
    qtbot.keyClick(popup.kind, Qt.Key.Key_Tab)
    first = popup.direction.buttons[Direction.SALESFORCE_TO_PEOPLELINX]
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_Right)
    second = popup.direction.buttons[Direction.PEOPLELINX_TO_SALESFORCE]
    qtbot.waitUntil(second.hasFocus)
    qtbot.keyClick(second, Qt.Key.Key_Space)
    assert popup.chosen_kind.key == "people_to_contact"
    qtbot.keyClick(second, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.steps_model.rowCount() == before + 1)
    added = window.steps_model.step_at(window.steps_tab.current_row())
    assert added.kind.key == "people_to_contact"


def test_the_secondary_windows_have_no_clashing_mnemonics(qtbot, make_window):
    from plx_desktop.gui import window_dialogs

    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    opened = [window_dialogs.open_record_history(window), window_dialogs.open_config_history(window),
              window_dialogs.open_sync_settings(window), window_dialogs.open_guide(window),
              window.steps_tab.open_add_popup()]
    for dialog in opened:
        qtbot.waitExposed(dialog)
        assert clashes(visible_mnemonics(dialog)) == {}, dialog.windowTitle()
        views = dialog.findChildren(QAbstractItemView)
        assert all(not v.tabKeyNavigation() for v in views), dialog.windowTitle()
        dialog.close()
