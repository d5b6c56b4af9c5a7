"""The main window: the Integrations page (connection cards, profile, Steps and Log tabs, run
controls) built from ui/main_window.ui, with the status bar and remembered window geometry."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDateTime, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from plx_desktop.connectors.retry import RetryPolicy
from plx_desktop.domain.errors import DomainError
from plx_desktop.domain.profile import ProfileKind
from plx_desktop.domain.step_names import distinct_labels
from plx_desktop.gui import check_org, mapping_reach_offer
from plx_desktop.gui.connection_state import (
    ConnectionState,
    SandboxDetails,
    remember,
    restore_saved,
)
from plx_desktop.gui.connections import PeopleLinxCard, SalesforceCard
from plx_desktop.gui.dialog_sizes import available_size
from plx_desktop.gui.health_tab import HealthTab
from plx_desktop.gui.menus import MainMenus
from plx_desktop.gui.preview_controller import PreviewController
from plx_desktop.gui.profile_session import LOCKED_REASON, ProfileSession
from plx_desktop.gui.resources import icon, load_ui
from plx_desktop.gui.run_controls import RunControls, SyncStatusBar
from plx_desktop.gui.scheduler import SyncScheduler
from plx_desktop.gui.steps_model import StepsModel
from plx_desktop.gui.steps_tab import StepsTab
from plx_desktop.gui.sync_controller import SyncController
from plx_desktop.gui.window_dialogs import open_conflict_details, open_record_history
from plx_desktop.gui.worker import SyncRunner
from plx_desktop.paths import database_path
from plx_desktop.store import open_store
from plx_desktop.store.settings import POLL_INTERVAL_SECONDS

PROFILE_KINDS = (ProfileKind.DEFAULT, ProfileKind.CUSTOM)  # the drop-down's order
CLOSED_DURING_RUN = "PLX Desktop was closed during the run"  # the Log's reason


class MainWindow(QMainWindow):
    """The Integrations page. `sandbox`: the details from sandbox.json when running --sandbox.

    `start_due_run`: start the sync at once when it is due (never ran, or the last run ended more
    than an interval ago) and both accounts are connected; False counts the first interval from
    now (tests of other things, which want a window that stays idle). `retry`: how runs and
    previews retry a busy service (None: the engine's default; tests pass a fast one).
    """

    def __init__(self, data_dir: Path, *, sandbox: SandboxDetails | None = None,
                 secrets=None, parent: QWidget | None = None, start_due_run: bool = True,
                 retry: RetryPolicy | None = None):
        super().__init__(parent)
        _load_engine()
        self.data_dir = data_dir
        self.setWindowTitle("PLX Desktop — Integrations" + (" (sandbox)" if sandbox else ""))
        self.setWindowIcon(icon("app"))
        # Per data dir, so a sandbox session and a real one (and each test) keep their own layout.
        self.window_settings = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)
        self.store = open_store(database_path(data_dir))
        self.session = ProfileSession(self.store, self)
        if sandbox is None and secrets is None:
            from plx_desktop.connectors.secrets import SecretStore

            secrets = SecretStore()
        self.state = ConnectionState(data_dir, sandbox, self)
        restore_saved(self.state, self.store, None if sandbox else secrets)
        self.state.changed.connect(lambda: remember(self.state, self.store))

        self.page = load_ui("main_window.ui", self)
        self.setCentralWidget(self.page)
        self.banner: QLabel = self.page.findChild(QLabel, "sandboxBanner")
        self.banner.setVisible(sandbox is not None)
        self.tabs: QTabWidget = self.page.findChild(QTabWidget, "tabs")
        self.profile_combo: QComboBox = self.page.findChild(QComboBox, "profileCombo")
        self.locked_hint: QLabel = self.page.findChild(QLabel, "lockedHint")
        self.locked_icon: QLabel = self.page.findChild(QLabel, "lockedIcon")
        self.locked_icon.setPixmap(icon("lock").pixmap(16, 16))

        card_secrets = None if sandbox else secrets
        self.salesforce_card = SalesforceCard(self.state, card_secrets, self)
        self.peoplelinx_card = PeopleLinxCard(self.state, card_secrets, self)
        self.page.findChild(QWidget, "salesforceCardSlot").layout().addWidget(self.salesforce_card)
        self.page.findChild(QWidget, "peoplelinxCardSlot").layout().addWidget(self.peoplelinx_card)

        self.steps_model = StepsModel(self.session.profile, self)
        self.steps_model.profile_edited.connect(self.session.save)
        self.steps_tab = StepsTab(self.steps_model, self)
        self.steps_tab.settings_requested.connect(self.open_step_settings)
        self.steps_tab.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.session.save_failed.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.session.warned.connect(lambda text: self.statusBar().showMessage(text, 20_000))
        self.page.findChild(QWidget, "stepsPage").layout().addWidget(self.steps_tab)
        self.log_tab = self._make_log_tab()
        self.page.findChild(QWidget, "logPage").layout().addWidget(self.log_tab)
        self.health_tab = HealthTab(self.store, self, instance_url=self.salesforce_instance())
        self.health_page = self.page.findChild(QWidget, "healthPage")
        self.health_page.layout().addWidget(self.health_tab)
        self.health_tab.counted.connect(self._show_health_count)
        self.health_tab.step_problems.connect(self.steps_model.set_problems)
        self.steps_model.set_problems({u: p.words for u, p in self.health_tab.problems.items()})
        self._show_health_count(self.health_tab.model.record_count)
        self.state.changed.connect(
            lambda: self.health_tab.set_instance_url(self.salesforce_instance()))

        self.run_controls = RunControls(self)
        self.page.findChild(QWidget, "runControlsSlot").layout().addWidget(self.run_controls)
        self.status = SyncStatusBar(self.statusBar())
        self.runner = SyncRunner(data_dir, self, retry=retry)
        self.scheduler = SyncScheduler(self)
        interval = int(self.store.settings.get(POLL_INTERVAL_SECONDS))
        self.run_controls.interval.setValue(interval)
        self.scheduler.set_interval(self.run_controls.interval.value())
        self.scheduler.set_last_run_end(
            last_run_end(self.store) if start_due_run else QDateTime.currentDateTime())
        self.run_controls.interval_changed.connect(
            lambda seconds: self.store.settings.set(POLL_INTERVAL_SECONDS, int(seconds)))
        self.sync = SyncController(self.runner, self.scheduler, self.run_controls, self.status,
                                   self.state, lambda: self.session.kind.value, self)
        if hasattr(self.log_tab, "append_entries"):
            self.runner.log_entries.connect(self.log_tab.append_entries)
        # After every run, whatever its end: what is failing now, and why the run stopped.
        self.sync.run_finished.connect(self.health_tab.refresh)
        self.sync.run_failed.connect(self.health_tab.refresh)
        self.preview = PreviewController(data_dir, self.sync, self.state,
                                         lambda: self.session.kind.value, self.statusBar(), self,
                                         retry=retry)
        self.steps_tab.preview_requested.connect(self.preview_steps)
        self.preview.availability_changed.connect(self.steps_tab.set_preview_available)
        self.steps_tab.set_preview_available(self.preview.available, self.preview.why_not())
        if hasattr(self.log_tab, "record_history_requested"):
            self.log_tab.record_history_requested.connect(
                lambda entry: open_record_history(self, entry))
            self.log_tab.conflict_details_requested.connect(
                lambda entry: open_conflict_details(self, entry))
        # The secondary windows, one of each, while open (gui/window_dialogs.py).
        self.record_history_dialog = self.conflict_dialog = None
        self.config_history_dialog = self.sync_settings_dialog = self.guide_dialog = None
        self.close_question: QMessageBox | None = None  # "A sync is running", while shown
        self._quit_when_idle: str | None = None  # "stop" / "wait": close when the run ends
        self.menus = MainMenus(self)
        self.check_org = check_org.install(self)  # Settings > Check org, and after each connect

        self.profile_combo.setCurrentIndex(PROFILE_KINDS.index(self.session.kind))
        self.profile_combo.currentIndexChanged.connect(self._on_profile_chosen)
        self._show_profile()
        self._set_tab_order()
        self._add_tab_shortcuts()
        self._restore_window()
        QTimer.singleShot(0, self.salesforce_card.describe)
        QTimer.singleShot(0, self.peoplelinx_card.describe)

    # -- parts ------------------------------------------------------------------------------

    def _make_log_tab(self) -> QWidget:
        try:
            from plx_desktop.gui.log_source import StoreLogSource
            from plx_desktop.gui.log_tab import LogTab
        except ImportError as exc:  # the Log tab is built in parallel; the window must still open
            label = QLabel(f"The Log tab is not available: {exc}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return label
        steps = [(s.uid, s.label) for s in self.session.profile.steps]
        tab = LogTab(StoreLogSource(self.store), self, steps=steps,
                     instance_url=self.salesforce_instance())
        # Record links follow the Salesforce connection: another org, other links; none without.
        self.state.changed.connect(lambda: tab.set_instance_url(self.salesforce_instance()))
        self.session.switched.connect(
            lambda profile: tab.set_steps(self._log_step_labels(profile)))
        self.steps_model.profile_edited.connect(  # a step renamed, cloned or filtered
            lambda: tab.set_steps(self._log_step_labels(self.steps_model.profile)))
        return tab

    def _log_step_labels(self, profile) -> list[tuple[str, str]]:
        """The Log's Step filter: the profile's steps told apart, then the other profile's
        (their entries are in the Log too), which say whose they are."""
        other_kind = (ProfileKind.DEFAULT if profile.kind is ProfileKind.CUSTOM
                      else ProfileKind.CUSTOM)
        try:
            other = self.store.profiles.load(other_kind)
        except DomainError:
            other = None
        labels = list(distinct_labels(profile.steps).items())
        if other is not None:
            labels += [(uid, f"{label} ({other_kind.label})")
                       for uid, label in distinct_labels(other.steps).items()]
        return labels

    def salesforce_instance(self) -> str | None:
        account = self.state.salesforce
        return account.instance_url if account is not None else None

    def _show_health_count(self, records: int) -> None:
        index = self.tabs.indexOf(self.health_page)
        self.tabs.setTabText(index, f"Sync health ({records:,})" if records else "Sync health")

    # -- profile ----------------------------------------------------------------------------

    def _on_profile_chosen(self, index: int) -> None:
        profile = self.session.switch(PROFILE_KINDS[index])
        self.steps_model.set_profile(profile)
        self._show_profile()

    def _show_profile(self) -> None:
        read_only = self.session.profile.read_only
        self.locked_hint.setVisible(read_only)
        self.locked_icon.setVisible(read_only)
        self.steps_tab.set_read_only(read_only)

    def reload_profile(self) -> None:
        """Show the stored profile again (after a Config history roll back or an import)."""
        self.steps_model.set_profile(self.session.reload())
        self._show_profile()

    def preview_steps(self, step_uid: str | None = None, parent: QWidget | None = None) -> bool:
        """Preview the active profile, or one of its steps (by uid), off the GUI thread."""
        kind = self.session.profile.kind.label
        if step_uid is None:
            return self.preview.preview(scope=f"the {kind}", parent=parent)
        step = self.session.profile.step(step_uid)
        return self.preview.preview([step_uid], f"the step {step.label} ({kind})", parent)

    def open_step_settings(self, row: int, section: str = "") -> QWidget | None:
        """The step settings dialog for a row (read-only in the Default profile)."""
        from plx_desktop.gui.step_settings import StepSettingsDialog
        from plx_desktop.gui.step_settings_catalog import catalog_for

        step = self.steps_model.step_at(row)
        profile = self.session.profile

        def save(new_step):
            saved = self.session.apply_step(new_step)
            mapping_reach_offer.offer(self, step, saved)  # a new mapping: to existing records?
            return saved

        dialog = StepSettingsDialog(step, catalog_for(self.state), self,
                                    read_only_reason=LOCKED_REASON if profile.read_only else None,
                                    save=save)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.preview_requested.connect(lambda uid: self.preview_steps(uid, dialog))
        dialog.set_preview_available(self.preview.available, self.preview.why_not())
        self.preview.availability_changed.connect(dialog.set_preview_available)
        target = dialog.sections.get(section) if section else None
        if section == "add_action" and dialog.start_adding_action() is not None:
            target = None
        if target is not None:
            target.set_expanded(True)
            dialog.ensure_visible = target  # for tests and for the scroll below
            QWidget.setFocus(target)
        dialog.open()
        self.step_settings_dialog = dialog
        return dialog

    def show_refusal(self, error: DomainError) -> None:
        QMessageBox.information(self, "Not possible", str(error))

    # -- keyboard ---------------------------------------------------------------------------

    def _set_tab_order(self) -> None:
        """Tab goes the way the eye reads: the Salesforce card, the PeopleLinx card, the
        profile, the tabs and the page shown, then the run controls (and round again)."""
        chain: list[QWidget] = [*focusable_in_order(self.salesforce_card),
                                *focusable_in_order(self.peoplelinx_card), self.profile_combo,
                                self.tabs.tabBar()]
        steps = self.steps_tab
        chain += [steps.add_button, steps.preview_button, steps.view, steps.palette.view]
        for index in range(self.tabs.count()):
            chain.extend(w for w in focusable_in_order(self.tabs.widget(index)) if w not in chain)
        chain.extend(focusable_in_order(self.run_controls))
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its tab bar takes the focus instead
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

    def _add_tab_shortcuts(self) -> None:
        """Ctrl+1, Ctrl+2, Ctrl+3 show the Steps, Log and Sync health tabs (there are not
        letters enough for a mnemonic on each: Alt+H is Help)."""
        for index in range(self.tabs.count()):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(lambda index=index: self.tabs.setCurrentIndex(index))
            self.tabs.setTabToolTip(index, f"Ctrl+{index + 1}")

    # -- window state -------------------------------------------------------------------

    def _restore_window(self) -> None:
        geometry = self.window_settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            # A first start: roomy, but never past the screen (the window fits 1024×640).
            self.resize(QSize(1100, 760).boundedTo(available_size(self)))
        self.tabs.setCurrentIndex(int(self.window_settings.value("window/tab", 0)))
        splitter = self.window_settings.value("window/stepsSplitter")
        if splitter is not None:
            self.steps_tab.splitter.restoreState(splitter)

    def _save_window(self) -> None:
        self.window_settings.setValue("window/geometry", self.saveGeometry())
        self.window_settings.setValue("window/tab", self.tabs.currentIndex())
        self.window_settings.setValue("window/stepsSplitter", self.steps_tab.splitter.saveState())
        self.window_settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        """Close at once when idle; during a run, ask (Stop and quit / Wait for the run to
        finish) and close later, when the run has ended: the GUI thread never waits here."""
        if self.runner.finishing:
            self.runner.stop_and_wait(10_000)  # the run has ended; its process is exiting
        if self.runner.running:
            event.ignore()
            if self._quit_when_idle != "stop" and self.close_question is None:
                self._ask_about_the_run()  # again after "Wait": the admin may want Stop now
            return
        self._save_window()
        self.salesforce_card.cancel_login()
        self.preview.stop_and_wait()
        self.scheduler.set_active(False)
        event.accept()
        self.store.close()

    def _ask_about_the_run(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "A sync is running",
                          "A sync run is going. Stop it and quit, or quit when it has finished?",
                          QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("Stopping loses nothing: the next run picks up where this one "
                               "stopped.")
        stop = box.addButton("&Stop and quit", QMessageBox.ButtonRole.AcceptRole)
        wait = box.addButton("&Wait for the run to finish", QMessageBox.ButtonRole.ActionRole)
        box.setDefaultButton(stop)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)

        def chosen(button) -> None:
            self.close_question = None
            if button is stop:
                self.quit_after_run(stop=True)
            elif button is wait:
                self.quit_after_run(stop=False)

        box.buttonClicked.connect(chosen)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.close_question = box
        box.open()

    def quit_after_run(self, stop: bool) -> None:
        """Close the window once the running sync has ended; `stop`: end it now (within a
        second or two), with the reason in the Log."""
        if self._quit_when_idle is None:
            self.runner.stopped.connect(self.close, Qt.ConnectionType.QueuedConnection)
        self._quit_when_idle = "stop" if stop else "wait"
        self.statusBar().clearMessage()  # a passing message would hide the state
        if stop:
            self.status.show_state("Stopping the sync…")
            self.runner.stop_soon(CLOSED_DURING_RUN)
        else:
            self.status.show_state("Quitting when the run has finished…")


def focusable_in_order(root: QWidget) -> list[QWidget]:
    """The widgets under `root` that Tab can reach, in their present focus-chain order."""
    out: list[QWidget] = []
    node = root.nextInFocusChain()
    while node is not root and node is not None and len(out) < 500:
        if root.isAncestorOf(node) and node.focusPolicy() & Qt.FocusPolicy.TabFocus \
                and node.focusProxy() is None:
            out.append(node)
        node = node.nextInFocusChain()
        if node is root.nextInFocusChain():
            break
    return out


def last_run_end(store) -> QDateTime | None:
    """When the last sync run ended (None: none did, or it was cut off, so one is due now)."""
    runs = store.log.runs(limit=1)
    if not runs or runs[0].finished_at is None:
        return None
    return QDateTime.fromMSecsSinceEpoch(int(runs[0].finished_at.timestamp() * 1000))


def _load_engine() -> None:
    """Import the engine while the window is being built, not at the first Run (~0.1 s of
    imports on the GUI thread, a stall in the middle of use); a run still imports it itself, and
    says why, if it cannot load."""
    try:
        import plx_desktop.sync.service  # noqa: F401
    except Exception:  # noqa: BLE001 - the first run reports an engine that cannot load
        pass
