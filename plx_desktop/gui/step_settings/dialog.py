"""The step settings dialog: Field mappings, Filtering rules, status values and Actions of one step.

The frame (title, read-only banner, scrolling sections, Save/Cancel) is ui/step_settings.ui; each
section is its own widget. Drop-downs are filled from `catalog` off the GUI thread, so the window
never waits on Salesforce or PeopleLinx. Save runs the domain's checks and hands the new step to
`save` (which applies it to the profile and the store); Cancel discards everything.

Preview asks the app (preview_requested) to dry-run this step as it is saved. With unsaved changes
it waits for Save rather than saving by itself: a preview promises to write nothing, and saving
would write a new version of the profile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.domain.catalog import System
from plx_desktop.domain.errors import DomainError, ReadOnlyProfile
from plx_desktop.domain.profile import Profile
from plx_desktop.domain.step import Step
from plx_desktop.gui.dialog_sizes import fit_and_remember
from plx_desktop.gui.operations import BackgroundOp
from plx_desktop.gui.resources import load_ui
from plx_desktop.gui.step_settings.actions_section import ActionsSection
from plx_desktop.gui.step_settings.catalog import CatalogSource
from plx_desktop.gui.step_settings.collapsible import CollapsibleSection
from plx_desktop.gui.step_settings.filters_section import FiltersSection
from plx_desktop.gui.step_settings.mappings_section import MappingsSection
from plx_desktop.gui.step_settings.status_map_section import StatusMapSection

SAVE_TO_PREVIEW = ("Save to preview these settings: Preview runs the step as it is saved, "
                   "and writes nothing.")


def salesforce_object(step: Step) -> str:
    """The Salesforce object a step reads or writes (Contact, Lead or Task)."""
    end = step.source if step.source.system is System.SALESFORCE else step.target
    return end.name


class StepSettingsDialog(QDialog):
    """Settings of one step.

    step: the step as the profile holds it. catalog: where field lists, saved People filters and
    sequences come from (blocking calls, run on a thread pool). read_only_reason: given in the
    Default profile; everything is shown, nothing can change, the reason is on top. save: called
    on Save with the new step (already checked by Step.with_*); it applies it to the profile and
    the store, may return the step as stored, and may raise (the message is shown and the dialog
    stays open). After Save, `saved_step` is the new step. See also `for_profile`.
    """

    loaded = Signal(str)  # "fields", "saved_filters" or "sequences"
    load_failed = Signal(str, str)  # what, why
    preview_requested = Signal(str)  # the step's uid: dry-run it as saved

    def __init__(self, step: Step, catalog: CatalogSource, parent: QWidget | None = None, *,
                 read_only_reason: str | None = None,
                 save: Callable[[Step], Step | None] | None = None):
        super().__init__(parent)
        self.step = step
        self.catalog = catalog
        self.read_only = read_only_reason is not None
        self.saved_step: Step | None = None
        self._save = save
        self.setWindowTitle(f"Step settings — {self.step.label}")
        self.setMinimumSize(560, 400)  # fits a 1024×640 screen; it opens as large as it needs
        self.frame = load_ui("step_settings.ui", self)  # the dialog's frame (Designer)
        QVBoxLayout(self).addWidget(self.frame)
        self._find_frame_parts()
        self._show_heading(read_only_reason)
        self.sections: dict[str, CollapsibleSection] = {}
        self._build_sections()
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        if self.read_only:
            self.buttons.button(QDialogButtonBox.StandardButton.Save).hide()
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        self._make_preview()
        fit_and_remember(self, "stepSettings", self._content_size())
        self.load_catalog()

    def start_adding_action(self) -> Any:
        """The row's Add action icon: only the Actions section open, a new Add to sequence
        action in it (the one kind there is), its sequence picker focused. The new row."""
        if self.actions is None or self.read_only:
            return None
        for key, section in self.sections.items():
            section.set_expanded(key == "actions")
        row = self.actions.add_action()
        row.sequence.setFocus()
        self.frame.findChild(QScrollArea, "scrollArea").ensureWidgetVisible(row)
        return row

    def _content_size(self) -> QSize:
        """What the dialog needs to show every section without a scroll bar: the scroll area's
        own size hint is small, so count its content instead."""
        scroll: QScrollArea = self.frame.findChild(QScrollArea, "scrollArea")
        inner = scroll.widget().sizeHint()
        frame = self.frame.sizeHint()
        bar = scroll.verticalScrollBar().sizeHint().width()
        margins = self.layout().contentsMargins()
        extra = QSize(margins.left() + margins.right(), margins.top() + margins.bottom())
        return QSize(max(frame.width(), inner.width() + bar),
                     frame.height() - scroll.sizeHint().height() + inner.height()) + extra

    # -- building ---------------------------------------------------------------------------------

    def _find_frame_parts(self) -> None:
        self.title_label: QLabel = self.frame.findChild(QLabel, "titleLabel")
        self.direction_label: QLabel = self.frame.findChild(QLabel, "directionLabel")
        self.read_only_banner: QLabel = self.frame.findChild(QLabel, "readOnlyBanner")
        self.error_label: QLabel = self.frame.findChild(QLabel, "errorLabel")
        self.buttons: QDialogButtonBox = self.frame.findChild(QDialogButtonBox, "buttonBox")
        scroll: QScrollArea = self.frame.findChild(QScrollArea, "scrollArea")
        self.sections_layout = scroll.widget().layout()

    def _show_heading(self, read_only_reason: str | None) -> None:
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setText(self.step.label)
        kind = self.step.kind
        self.direction_label.setText(f"{kind.source.system.label} {kind.source.label} → "
                                     f"{kind.target.system.label} {kind.target.label}")
        self.direction_label.setEnabled(False)  # muted
        if read_only_reason:
            self.read_only_banner.setText(read_only_reason)
            self.read_only_banner.show()

    def _build_sections(self) -> None:
        kind = self.step.kind
        self.mappings = self.filters = self.status_map = self.actions = None
        people_step = "person" in (kind.source.name, kind.target.name)
        if people_step:
            self.mappings = MappingsSection(self.step, self)
            self._add_section("mappings", "Field mappings", self.mappings)
        self.filters = FiltersSection(self.step, self)
        self._add_section("filters", "Filtering rules", self.filters)
        if kind.is_status_step:
            self.status_map = StatusMapSection(self.step, self)
            self._add_section("status_map", "Status values", self.status_map)
        if kind.accepts_actions:
            self.actions = ActionsSection(self.step, self)
            self._add_section("actions", "Actions", self.actions)
        self.sections_layout.addStretch(1)
        for part in self._parts():
            part.set_read_only(self.read_only)
            part.changed.connect(self._update_summaries)
        self._update_summaries()

    def _add_section(self, key: str, title: str, content: QWidget) -> None:
        section = CollapsibleSection(title, content, self)
        self.sections[key] = section
        self.sections_layout.addWidget(section)

    def _parts(self) -> list[Any]:
        return [p for p in (self.mappings, self.filters, self.status_map, self.actions) if p]

    def _update_summaries(self) -> None:
        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        if self.mappings:
            self.sections["mappings"].set_summary(plural(len(self.mappings.mappings()), "mapping"))
        if self.filters.uses_rules:
            self.sections["filters"].set_summary(plural(len(self.filters.rules()), "rule"))
        else:
            saved = self.filters.saved_filter
            self.sections["filters"].set_summary(saved.name if saved else "no filter")
        if self.actions:
            self.sections["actions"].set_summary(plural(len(self.actions.rows), "action"))

    # -- preview ----------------------------------------------------------------------------------

    def _make_preview(self) -> None:
        self._preview_why_not = ""
        self.preview_button = QPushButton("&Preview", self.frame)
        self.preview_button.setObjectName("previewStepButton")
        self.preview_button.setAutoDefault(False)
        self.preview_button.clicked.connect(lambda: self.preview_requested.emit(self.step.uid))
        self.preview_hint = QLabel(SAVE_TO_PREVIEW, self.frame)
        self.preview_hint.setObjectName("previewHint")
        self.preview_hint.setWordWrap(True)
        self.preview_hint.setEnabled(False)  # muted
        # Preview on the left, away from Save / Cancel: it is not a way to close the dialog.
        frame_layout = self.frame.layout()
        at = frame_layout.indexOf(self.buttons)
        frame_layout.removeWidget(self.buttons)
        row = QHBoxLayout()
        row.addWidget(self.preview_button)
        row.addWidget(self.preview_hint, 1)
        row.addWidget(self.buttons)
        frame_layout.insertLayout(at, row)
        self._saved_state = self._current_state()
        for part in self._parts():
            part.changed.connect(self._update_preview)
        self._update_preview()

    def _current_state(self) -> Step | None:
        try:
            return self.edited_step()
        except DomainError:
            return None  # mid-edit: not savable, so not previewable either

    def has_unsaved_changes(self) -> bool:
        return not self.read_only and self._current_state() != self._saved_state

    def set_preview_available(self, available: bool, why_not: str = "") -> None:
        """Whether the app can preview now (connected, no sync running), or why not."""
        self._preview_why_not = "" if available else why_not
        self._update_preview()

    def _update_preview(self) -> None:
        unsaved = self.has_unsaved_changes()
        why = SAVE_TO_PREVIEW if unsaved else self._preview_why_not
        if not self.step.enabled and not why:
            why = "This step is turned off; turn it on in the Steps tab to preview it."
        self.preview_button.setEnabled(not why)
        self.preview_button.setToolTip(why or "What the next run of this step would create, "
                                       "update and skip, without writing anything")
        self.preview_hint.setText(why)
        self.preview_hint.setVisible(bool(why))

    # -- loading the drop-downs -------------------------------------------------------------------

    def load_catalog(self) -> None:
        """Start every look-up this step's sections need; each fills its section when it lands."""
        if self.read_only:
            return
        if self.mappings:
            self.mappings.status.retry_requested.connect(self.load_fields)
        self.filters.status.retry_requested.connect(
            self.load_fields if self.filters.uses_rules else self.load_saved_filters)
        if self.actions:
            self.actions.status.retry_requested.connect(self.load_sequences)
        if self.mappings or self.filters.uses_rules:
            self.load_fields()
        if not self.filters.uses_rules:
            self.load_saved_filters()
        if self.actions:
            self.load_sequences()
        if self.status_map and hasattr(self.catalog, "lead_statuses"):
            self.load_lead_statuses()

    def load_fields(self) -> None:
        sobject, with_people = salesforce_object(self.step), bool(self.mappings)
        catalog = self.catalog

        def work() -> tuple[list, list]:
            sf = catalog.salesforce_fields(sobject)
            return sf, catalog.peoplelinx_fields() if with_people else []

        statuses = [s for s in (self.mappings, self.filters if self.filters.uses_rules else None)
                    if s]
        for part in statuses:
            part.status.show_loading("Loading fields…")
        BackgroundOp(work, self._fields_loaded,
                     lambda exc: self._failed("fields", "the field lists", exc, statuses),
                     self).run()

    def _fields_loaded(self, result: tuple[list, list]) -> None:
        sf, plx = result
        if self.mappings:
            self.mappings.set_fields(sf, plx)
        self.filters.set_fields(sf)  # a no-op on steps filtered by a saved People filter
        self.loaded.emit("fields")

    def load_saved_filters(self) -> None:
        self.filters.status.show_loading("Loading saved People filters…")
        BackgroundOp(self.catalog.saved_filters, self._saved_filters_loaded,
                     lambda exc: self._failed("saved_filters", "the saved People filters",
                                              exc, [self.filters]), self).run()

    def _saved_filters_loaded(self, filters: list) -> None:
        self.filters.set_saved_filters(filters)
        self.loaded.emit("saved_filters")

    def load_sequences(self) -> None:
        self.actions.status.show_loading("Loading sequences…")
        BackgroundOp(self.catalog.sequences, self._sequences_loaded,
                     lambda exc: self._failed("sequences", "the sequences", exc,
                                              [self.actions]), self).run()

    def _sequences_loaded(self, sequences: list) -> None:
        self.actions.set_sequences(sequences)
        self.loaded.emit("sequences")

    def load_lead_statuses(self) -> None:
        """The org's Lead Status values for the status map (the standard ones until they land,
        and if they cannot be read)."""
        BackgroundOp(self.catalog.lead_statuses, self._lead_statuses_loaded,
                     lambda exc: self.load_failed.emit("lead_statuses", str(exc)), self).run()

    def _lead_statuses_loaded(self, statuses: list[str]) -> None:
        self.status_map.set_lead_statuses(statuses)
        self.loaded.emit("lead_statuses")

    def _failed(self, what: str, label: str, exc: Exception, parts: list[Any]) -> None:
        reason = str(exc) or type(exc).__name__
        for part in parts:
            part.status.show_error(f"Could not load {label}: {reason}. What is already here "
                                   "stays editable; Retry when the service is back.")
        self.load_failed.emit(what, reason)

    # -- saving -----------------------------------------------------------------------------------

    def edited_step(self) -> Step:
        """The step with the dialog's changes, each checked by the domain (raises DomainError)."""
        step = self.step
        if self.mappings:
            step = step.with_mappings(self.mappings.mappings())
        if self.filters.uses_rules:
            step = step.with_filter_rules(self.filters.rules())
        else:
            step = step.with_saved_filter(self.filters.saved_filter)
        if self.status_map:
            step = step.with_status_map(self.status_map.values())
        if self.actions:
            step = step.with_actions(self.actions.actions())
        return step

    def save(self) -> bool:
        """Check and save; on a refusal the reason is shown and the dialog stays open."""
        if self.read_only:
            return False
        try:
            step = self.edited_step()
            if self._save is not None:
                step = self._save(step) or step
        except Exception as exc:  # noqa: BLE001 - every refusal is shown, the dialog stays open
            self.error_label.setText(str(exc) if isinstance(exc, DomainError)
                                     else f"The settings could not be saved: {exc}")
            self.error_label.show()
            return False
        self.saved_step = step
        self.accept()
        return True

    @classmethod
    def for_profile(cls, profile: Profile, step_uid: str, catalog: CatalogSource,
                    parent: QWidget | None = None, *,
                    persist: Callable[[Profile], None] | None = None) -> StepSettingsDialog:
        """The dialog for a profile's step: read-only in the Default profile; Save goes through
        the Profile's editing operations (its rules and listeners), after `persist` (e.g.
        store.profiles.save) has stored the changed profile; if persist raises, nothing changes."""

        def save(step: Step) -> Step:
            trial = profile.copy()
            apply_step(trial, step)
            if persist is not None:
                persist(trial)
            return apply_step(profile, step)

        reason = str(ReadOnlyProfile("Editing this step")) if profile.read_only else None
        return cls(profile.step(step_uid), catalog, parent, read_only_reason=reason, save=save)


def apply_step(profile: Profile, step: Step) -> Step:
    """Make the profile's step equal `step` (one change, checked by the domain)."""
    return profile.replace_step(step.uid, step)
