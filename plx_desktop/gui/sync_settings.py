"""Sync settings: the Salesforce API usage cap, converted lead follow-through and the look-back
window, kept in the store's settings (the engine reads them at the start of each run; never
QSettings, never secrets). The poll interval is in the run controls under the tabs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from plx_desktop.gui.org_rules_settings import OrgRulesBox
from plx_desktop.gui.sync_settings_deletes import DeletesBox
from plx_desktop.store import Store
from plx_desktop.store.settings import API_USAGE_CAP, FOLLOW_CONVERTED_LEADS, LOOKBACK_SECONDS

MIN_CAP, MAX_CAP, DEFAULT_CAP = 10, 100, 90  # percent of the org's daily API requests
CAP_HELP = ("A run stops, and says so, once the org has used this share of its daily Salesforce "
            "API requests, leaving the rest for your other integrations and users.")
FOLLOW_HELP = ("Off (the Integrations article's behaviour): updates for a converted lead are "
               "skipped, since Salesforce refuses changes to it. On: they go to the contact the "
               "lead became.")

LOOKBACK_HELP = ("Each read from Salesforce starts this far behind where the last one ended, so "
                 "that records a long data load or flow saved late are not missed. Records read "
                 "again unchanged cost no write.")
MAX_LOOKBACK_MINUTES = 120


def cap_percent(store: Store) -> int:
    """The stored cap (a share, 0.9) as a whole percent in the allowed range."""
    try:
        share = float(store.settings.get(API_USAGE_CAP))
    except (TypeError, ValueError):
        return DEFAULT_CAP
    return min(MAX_CAP, max(MIN_CAP, round(share * 100)))


class SyncSettingsDialog(QDialog):
    """Save writes both settings to the store; Cancel leaves them as they were."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Sync settings")
        self.setMinimumWidth(600)
        self.cap = QSpinBox(self)
        self.cap.setObjectName("apiUsageCap")
        self.cap.setRange(MIN_CAP, MAX_CAP)
        self.cap.setSuffix(" %")
        self.cap.setAccessibleName("Salesforce API usage cap")
        self.cap.setToolTip(f"{MIN_CAP}–{MAX_CAP} % of the daily limit; default {DEFAULT_CAP} %")
        self.cap.setValue(cap_percent(store))
        self.follow = QCheckBox("&Send a converted lead's updates to the contact it became", self)
        self.follow.setObjectName("followConvertedLeads")
        self.follow.setChecked(bool(store.settings.get(FOLLOW_CONVERTED_LEADS)))
        self.lookback = QSpinBox(self)
        self.lookback.setObjectName("lookbackMinutes")
        self.lookback.setRange(0, MAX_LOOKBACK_MINUTES)
        self.lookback.setSuffix(" min")
        self.lookback.setAccessibleName("Look-back window")
        self.lookback.setToolTip(f"0–{MAX_LOOKBACK_MINUTES} minutes; default 10")
        self.lookback.setValue(_lookback_minutes(store))
        self.org_rules = OrgRulesBox(store, self)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()

        cap_row = QHBoxLayout()
        cap_label = QLabel("Stop a run at", self)
        cap_label.setBuddy(self.cap)
        cap_row.addWidget(cap_label)
        cap_row.addWidget(self.cap)
        cap_row.addWidget(QLabel("of the org's daily API requests", self))
        cap_row.addStretch(1)
        cap_box = QGroupBox("Salesforce API &usage cap", self)
        cap_layout = QVBoxLayout(cap_box)
        cap_layout.addLayout(cap_row)
        cap_layout.addWidget(_help(CAP_HELP, self))
        follow_box = QGroupBox("Converted lead follow-through", self)
        follow_layout = QVBoxLayout(follow_box)
        follow_layout.addWidget(self.follow)
        follow_layout.addWidget(_help(FOLLOW_HELP, self))
        lookback_box = QGroupBox("&Look-back window", self)
        lookback_layout = QVBoxLayout(lookback_box)
        lookback_row = QHBoxLayout()
        lookback_label = QLabel("Read Salesforce changes again from", self)
        lookback_label.setBuddy(self.lookback)
        lookback_row.addWidget(lookback_label)
        lookback_row.addWidget(self.lookback)
        lookback_row.addWidget(QLabel("before the last read", self))
        lookback_row.addStretch(1)
        lookback_layout.addLayout(lookback_row)
        lookback_layout.addWidget(_help(LOOKBACK_HELP, self))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        self.deletes = DeletesBox(store, self)
        # The sections scroll when the screen is short (1024x640); Save and Cancel stay in view.
        sections = QWidget(self)
        column = QVBoxLayout(sections)
        column.setContentsMargins(0, 0, 0, 0)
        for box in (cap_box, follow_box, lookback_box, self.org_rules, self.deletes):
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(sections)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections = scroll
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry() if self.screen() else None
        tall = sections.sizeHint().height() + buttons.sizeHint().height() + 48
        self.resize(max(600, sections.sizeHint().width() + 32),
                    min(tall, screen.height() - 40) if screen else tall)

    def save(self) -> bool:
        """Store both settings; the next run uses them. On a store error the dialog stays open."""
        try:
            with self.store.transaction():
                self.store.settings.set(API_USAGE_CAP, round(self.cap.value() / 100, 2))
                self.store.settings.set(FOLLOW_CONVERTED_LEADS, self.follow.isChecked())
                self.store.settings.set(LOOKBACK_SECONDS, self.lookback.value() * 60)
                self.org_rules.save(self.store)
                self.deletes.save(self.store)
        except ValueError as exc:  # the admin's input: what to change, nothing saved
            self.error.setText(str(exc))
            self.error.show()
            return False
        except Exception as exc:  # noqa: BLE001 - shown; nothing half-saved (one transaction)
            self.error.setText(f"The settings could not be saved: {exc}")
            self.error.show()
            return False
        self.accept()
        return True


def _lookback_minutes(store: Store) -> int:
    try:
        seconds = int(store.settings.get(LOOKBACK_SECONDS))
    except (TypeError, ValueError):
        return 10
    return min(MAX_LOOKBACK_MINUTES, max(0, round(seconds / 60)))


def _help(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setEnabled(False)  # muted
    return label
