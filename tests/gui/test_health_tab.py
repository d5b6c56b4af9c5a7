"""The Sync health tab against a real store: failures by cause with counts, a recurring failure
shown once, the last run's problem, Retry for the selected records, the refresh after a run, and
one real sync on the sandbox that fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from shell_fixtures import sandbox_data_dir

from plx_desktop.connectors.retry import NO_WAIT
from plx_desktop.gui.health_model import (
    ERROR_CODE,
    MESSAGE,
    NEXT_TRY,
    RECORD,
    TIMES_SEEN,
    CauseRole,
    FailingRecordRole,
    HealthModel,
)
from plx_desktop.gui.health_tab import RETRY_TIP, HealthTab
from plx_desktop.gui.main_window import MainWindow
from plx_desktop.store import LogEntry, open_store

pytestmark = pytest.mark.gui
START = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def failure(n: int, code: str, sf_id: str, label: str, minutes: int = 0,
            step: str = "s-lead", outcome: str = "failed") -> LogEntry:
    return LogEntry(outcome=outcome, step_uid=step, step_label="People → Lead",
                    direction="peoplelinx_to_salesforce", sf_id=sf_id, plx_id=f"per_{sf_id}",
                    record_label=label, error_code=code, message=f"refused ({n})", run_id=1,
                    time=START + timedelta(minutes=minutes))


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "plx.sqlite3") as store:
        # A converted lead skipped at each of 5 runs (as the engine logs it), two bad emails, one
        # duplicate.
        store.log.append_many(failure(n, "CANNOT_UPDATE_CONVERTED_LEAD", "00Q000000000001",
                                      "Ada Converted", minutes=n, outcome="skipped")
                              for n in range(5))
        store.log.append_many([
            failure(10, "INVALID_EMAIL_ADDRESS", "00Q000000000002", "Bob Bademail"),
            failure(11, "INVALID_EMAIL_ADDRESS", "00Q000000000003", "Cy Bademail"),
            failure(12, "DUPLICATES_DETECTED", "00Q000000000004", "Di Duplicate"),
            # This one failed once and then synced: it is no longer failing.
            failure(13, "INVALID_EMAIL_ADDRESS", "00Q000000000005", "Ed Fixed"),
            LogEntry(outcome="updated", step_uid="s-lead", step_label="People → Lead",
                     direction="peoplelinx_to_salesforce", sf_id="00Q000000000005", plx_id="per_00Q000000000005",
                     record_label="Ed Fixed", run_id=2, time=START + timedelta(hours=1)),
        ])
        yield store


@pytest.fixture
def tab(qtbot, store):
    tab = HealthTab(store, instance_url="https://acme.example/")
    qtbot.addWidget(tab)
    tab.resize(1000, 500)
    tab.show()
    return tab


def causes(model: HealthModel) -> dict[str, list[str]]:
    out = {}
    for row in range(model.rowCount()):
        cause = model.index(row, 0)
        out[cause.data(CauseRole)] = [model.index(r, RECORD, cause).data()
                                      for r in range(model.rowCount(cause))]
    return out


def test_the_model_passes_qtmodeltester(qtmodeltester, store):
    model = HealthModel()
    model.set_groups(store.health.by_cause())
    qtmodeltester.check(model, force_py=True)
    model.set_groups([])
    qtmodeltester.check(model, force_py=True)


def test_failures_are_grouped_by_cause_and_a_recurring_one_is_shown_once(tab):
    model = tab.model
    assert causes(model) == {"bad value": ["Bob Bademail", "Cy Bademail"],
                             "converted lead": ["Ada Converted"],
                             "duplicate": ["Di Duplicate"]}
    converted = model.index(1, 0)
    assert converted.data() == "Converted lead — 1 record skipped, 5 times in all"  # the Log's word
    assert model.index(0, 0).data() == "Bad value — 2 records failed"
    assert model.index(1, TIMES_SEEN).data() == "5"
    ada = model.index(0, 0, converted)
    assert model.index(0, TIMES_SEEN, converted).data() == "5"
    assert model.index(0, ERROR_CODE, converted).data() == "CANNOT_UPDATE_CONVERTED_LEAD"
    assert ada.data(FailingRecordRole).count == 5
    assert "converted" in converted.data(Qt.ItemDataRole.ToolTipRole)
    assert tab.summary.text().startswith("3 records failed, 1 record skipped (8 times in all)")
    assert tab.last_run.isHidden()  # no run has failed


def test_retry_selected_records_and_a_whole_cause(tab, store):
    assert not tab.retry_button.isEnabled()
    assert RETRY_TIP in tab.retry_button.toolTip()
    model, selection = tab.model, tab.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(model.index(0, 0, model.index(1, 0)), flags)  # Ada
    selection.select(model.index(0, 0), flags)  # the whole "bad value" cause
    assert tab.retry_button.isEnabled()
    tab.retry_button.click()
    asked = {r.record_label for r in store.health.failing() if r.retry_requested}
    assert asked == {"Ada Converted", "Bob Bademail", "Cy Bademail"}
    assert tab.retry_note.text() == "3 records will be retried first at the next run."
    bad_value = tab.model.index(0, 0)
    assert tab.model.index(0, NEXT_TRY, bad_value).data() == "Next run"
    assert store.health.retry_requests("s-lead")  # what the engine reads at the next run


def test_skips_with_a_reason_are_shown_on_request(tab, store):
    store.log.append(LogEntry(outcome="skipped", step_uid="s-lead", step_label="People → Lead",
                              sf_id="00Q000000000009", plx_id="per_9", record_label="Flo Skipped",
                              error_code="FIELD_CUSTOM_VALIDATION_EXCEPTION", message="rule"))
    tab.refresh()
    assert "Flo Skipped" not in sum(causes(tab.model).values(), [])
    tab.include_skips.setChecked(True)
    assert "Flo Skipped" in causes(tab.model)["validation rule"]
    again = HealthTab(store)  # the option is remembered (say, the next time the app starts)
    assert again.include_skips.isChecked() and "Flo Skipped" in causes(again.model)[
        "validation rule"]
    again.deleteLater()


def test_each_record_shows_its_next_try(tab, store):
    from plx_desktop.store.retry_schedule import Failure

    later = datetime.now(UTC) + timedelta(days=2)
    store.retry_schedule.note([Failure("s-lead", "per_00Q000000000002", "00Q000000000002",
                                       "per_00Q000000000002")], [], now=later)
    store.retry_schedule.note([Failure("s-lead", "per_00Q000000000003", "00Q000000000003",
                                       "per_00Q000000000003")], [],
                              now=datetime.now(UTC) - timedelta(hours=1))
    tab.refresh()
    bad_value = tab.model.index(0, 0)
    bob, cy = (tab.model.index(row, NEXT_TRY, bad_value) for row in (0, 1))
    expected = (later + timedelta(minutes=5)).astimezone().strftime("%Y-%m-%d %H:%M")
    assert (bob.data(), cy.data()) == (expected, "Next run")  # Cy's try has come
    assert "5 min, 30 min, 2 h, then daily" in bob.data(Qt.ItemDataRole.ToolTipRole)
    converted = tab.model.index(1, 0)
    assert tab.model.index(0, NEXT_TRY, converted).data() == ""
    assert "not tried again by themselves" in tab.model.index(0, NEXT_TRY, converted).data(
        Qt.ItemDataRole.ToolTipRole)


def test_a_failed_run_is_explained_on_top(tab, store):
    run_id = store.log.start_run("custom")
    store.log.finish_run(run_id, "failed", message="Salesforce could not answer just now")
    tab.refresh()
    assert tab.last_run.isVisibleTo(tab)
    assert tab.last_run.text().startswith("The last run failed at ")
    assert tab.last_run.text().endswith(": Salesforce could not answer just now")


def test_double_click_opens_the_salesforce_record(tab, qtbot, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    ada = tab.model.index(0, 0, tab.model.index(1, 0))
    tab.view.doubleClicked.emit(ada)
    assert opened == ["https://acme.example/00Q000000000001"]


def test_a_real_sync_that_fails_is_shown_after_the_run(qtbot, qloop, sandbox, tmp_path: Path):
    data_dir, details = sandbox_data_dir(sandbox, tmp_path)
    # A fast retry policy: the failure comes after four quick tries, not 14 s of real backoff.
    window = MainWindow(data_dir, sandbox=details, start_due_run=False, retry=NO_WAIT)
    qtbot.addWidget(window)
    window.show()
    health = window.health_tab
    assert health.last_run.isHidden()
    sandbox.salesforce.faults.configure(fail_rate=1.0, kinds=["503"])
    with qtbot.waitSignal(window.sync.run_finished, timeout=120_000):
        assert window.sync.run_now()
    qtbot.waitUntil(lambda: not window.runner.running, timeout=30_000)
    assert health.last_run.isVisibleTo(health)
    assert health.last_run.text().startswith("The last run failed at ")
    assert "Salesforce" in health.last_run.text()
    index = window.tabs.indexOf(window.health_page)
    window.tabs.setCurrentIndex(index)
    assert window.tabs.currentWidget() is window.health_page


def test_a_step_that_could_not_run_is_listed_with_the_raw_text_one_click_away(tab, store):
    from plx_desktop.store.step_problems import StepProblem

    raw = ("Salesforce refused the request: \nSELECT Id FROM Contact WHERE (Region__c = 'EMEA')\n"
           "ERROR at Row:1:Column:33\nNo such column 'Region__c' on entity 'Contact'.")
    store.step_problems.note(StepProblem("s-contact", "Contact → People", "INVALID_FIELD",
                                         "Salesforce has no field Region__c on Contact.", raw,
                                         None))
    seen = []
    tab.step_problems.connect(seen.append)
    tab.refresh()
    assert tab.steps_problem.isVisibleTo(tab)
    text = tab.steps_problem.text()
    assert "1 step could not run" in text and "Salesforce has no field Region__c" in text
    assert "ERROR at Row" not in text  # the raw text is behind the link, not in the words
    assert seen == [{"s-contact": "Salesforce has no field Region__c on Contact."}]
    box = tab.show_raw("s-contact")
    assert box is not None and box.detailedText() == raw
    box.close()
    store.step_problems.clear("s-contact")
    tab.refresh()
    assert tab.steps_problem.isHidden() and seen[-1] == {}


def test_a_record_reason_reads_in_the_admins_words_with_the_raw_text_in_the_tip(tab, store):
    store.log.append(failure(20, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "00Q000000000007",
                             "Gil Picklist"))
    store.db.execute_sql("UPDATE log_entry SET message = ? WHERE record_label = 'Gil Picklist'",
                         ("Salesforce refused the record: Persona: bad value for restricted "
                          "picklist field: Decision maker",))
    tab.refresh()
    bad_value = tab.model.index(0, 0)
    rows = {tab.model.index(r, RECORD, bad_value).data(): r
            for r in range(tab.model.rowCount(bad_value))}
    message = tab.model.index(rows["Gil Picklist"], MESSAGE, bad_value)
    assert message.data() == ("Persona on Lead has no value 'Decision maker'. Add the value to "
                              "the picklist in Salesforce, or change it at the source, then Retry.")
    assert message.data(Qt.ItemDataRole.ToolTipRole).endswith(
        "As the service said it:\nSalesforce refused the record: Persona: bad value for "
        "restricted picklist field: Decision maker")


def test_the_step_list_marks_a_step_that_could_not_run(qtmodeltester):
    from plx_desktop.domain import custom_copy_of_default
    from plx_desktop.gui.steps_model import COULD_NOT_RUN, StepsModel

    profile = custom_copy_of_default()
    model = StepsModel(profile)
    first = model.index(0)
    plain = first.data()
    model.set_problems({profile.steps[0].uid: "Salesforce has no field Region__c on Contact."})
    assert first.data() == f"{plain} {COULD_NOT_RUN}"
    assert first.data(Qt.ItemDataRole.ToolTipRole).endswith(
        "The step could not run at the last run: Salesforce has no field Region__c on Contact.")
    assert COULD_NOT_RUN not in model.index(1).data()
    qtmodeltester.check(model, force_py=True)
    model.set_problems({})
    assert first.data() == plain
