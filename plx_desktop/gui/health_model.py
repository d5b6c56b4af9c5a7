"""The Sync health tree: failing records grouped by cause (store.health), for the Sync health tab.

Top-level rows are causes (converted lead, validation rule, duplicate, …) with how many records
and failures; their children are the records, one row each however often they failed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from plx_desktop.domain.error_words import explain, target_object
from plx_desktop.domain.record_names import record_name
from plx_desktop.gui.log_query import entry_time_text
from plx_desktop.store.health import CauseGroup, FailingRecord

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Record", "Step", "Error code", "Message", "Times seen", "Last seen", "Next try")
RECORD, STEP, ERROR_CODE, MESSAGE, TIMES_SEEN, LAST_SEEN, NEXT_TRY = range(len(COLUMNS))
RETRY = NEXT_TRY  # the column once said only whether a Retry was asked
NEXT_RUN = "Next run"
FailingRecordRole = Qt.ItemDataRole.UserRole + 1  # the store's FailingRecord (record rows)
CauseRole = Qt.ItemDataRole.UserRole + 2  # the cause name (both kinds of rows)

# What each cause means and what the admin can do about it (tooltips on the cause rows).
CAUSE_HELP = {
    "converted lead": "Skipped: the lead was converted in Salesforce, so it can be read but no "
                      "longer updated. Its person syncs with the contact it became; turn on "
                      "converted lead follow-through in Sync settings to send the updates there.",
    "validation rule": "A Salesforce validation rule or required field refused the record. "
                       "Fix the value in PeopleLinx, or ask the Salesforce admin about the rule.",
    "duplicate": "Salesforce or PeopleLinx found a duplicate (same email or external id). "
                 "Merge the duplicates, then Retry.",
    "permission": "The connected user may not write this record or field. Check the user's "
                  "profile and field-level security in Salesforce.",
    "bad value": "A value does not fit the target field (bad email, too long, a picklist "
                 "value that does not exist). Fix it at the source, then Retry.",
    "API limit": "The Salesforce API limit was reached. The sync resumes when the limit resets.",
    "network": "Salesforce or PeopleLinx could not be reached. The next run tries again.",
    "other": "Errors without a known cause; the message says what the service answered.",
}


def cause_title(cause: str) -> str:
    return cause[:1].upper() + cause[1:]


def admin_words(record: FailingRecord) -> str:
    """The record's newest reason in the admin's words (the raw text stays in the tooltip)."""
    return explain(record.error_code, record.message,
                   sobject=target_object(record.step_label))


def outcome_words(group: CauseGroup) -> str:
    """The Log's words for what happened to a group's records: failed, skipped, or both."""
    failed = sum(1 for r in group.records if r.outcome == "failed")
    skipped = len(group.records) - failed
    if failed and skipped:
        return f"({failed:,} failed, {skipped:,} skipped)"
    return "skipped" if skipped else "failed"


def next_try_text(record: FailingRecord, now: dt.datetime | None = None) -> str:
    """When the record is tried again: at the next run (asked, or due), at a time, or never."""
    now = now or dt.datetime.now(dt.UTC)
    if record.retry_requested or (record.next_try is not None and record.next_try <= now):
        return NEXT_RUN
    if record.next_try is None:
        return ""
    local = record.next_try.astimezone()
    same_day = local.date() == now.astimezone().date()
    return local.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M")


def next_try_tip(record: FailingRecord) -> str | None:
    if record.retry_requested:
        return "You asked for a retry: the next run retries this record first"
    if record.next_try is not None:
        return ("Tried again by itself at the first run after this time (gaps grow: 5 min, "
                "30 min, 2 h, then daily), or at once when it changes")
    if record.outcome == "skipped":
        return "Skipped records are not tried again by themselves: Retry tries them once"
    return "Tried again when it changes, or on Retry"


class HealthModel(QAbstractItemModel):
    """Causes, then their failing records. Read-only; `set_groups` replaces everything.

    Attributes:
        groups: the store's CauseGroups, largest first, as last set.
    """

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.groups: list[CauseGroup] = []

    def set_groups(self, groups: list[CauseGroup]) -> None:
        self.beginResetModel()
        self.groups = list(groups)
        self.endResetModel()

    @property
    def record_count(self) -> int:
        return sum(len(g.records) for g in self.groups)

    def records_of(self, index: _Index) -> list[FailingRecord]:
        """The records a row stands for: a record row itself, or every record of a cause row."""
        if not index.isValid():
            return []
        group = self._group_of(index)
        if group is None:
            return []
        if index.internalId() == 0:
            return list(group.records)
        return [group.records[index.row()]] if index.row() < len(group.records) else []

    # -- structure: internalId 0 for a cause row, group number + 1 for a record row -------------

    def _group_of(self, index: _Index) -> CauseGroup | None:
        number = index.row() if index.internalId() == 0 else index.internalId() - 1
        return self.groups[number] if 0 <= number < len(self.groups) else None

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == 0 and parent.column() == 0:
            group = self._group_of(parent)
            return len(group.records) if group else 0
        return 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.internalId():
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    # -- data -------------------------------------------------------------------------------------

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        group = self._group_of(index)
        if group is None:
            return None
        if role == CauseRole:
            return group.cause
        if index.internalId() == 0:
            return self._cause_data(group, index.column(), role)
        if not 0 <= index.row() < len(group.records):
            return None
        return self._record_data(group.records[index.row()], index.column(), role)

    def _cause_data(self, group: CauseGroup, column: int, role: int) -> Any:
        records = len(group.records)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == RECORD:
                times = (f", {group.failures:,} times in all" if group.failures > records
                         else "")
                return (f"{cause_title(group.cause)} — {records:,} "
                        f"record{'' if records == 1 else 's'} {outcome_words(group)}{times}")
            if column == TIMES_SEEN:
                return f"{group.failures:,}"
            if column == LAST_SEEN:
                times = [r.last_seen for r in group.records if r.last_seen]
                return entry_time_text({"time": max(times)}) if times else ""
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return CAUSE_HELP.get(group.cause, CAUSE_HELP["other"])
        if role == Qt.ItemDataRole.FontRole and column == RECORD:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == TIMES_SEEN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _record_data(self, record: FailingRecord, column: int, role: int) -> Any:
        if role == FailingRecordRole:
            return record
        if role == Qt.ItemDataRole.DisplayRole:
            return self._record_text(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == RECORD:
                ids = [f"Salesforce {record.sf_id}" if record.sf_id else "",
                       f"PeopleLinx {record.plx_id}" if record.plx_id else ""]
                return ", ".join(i for i in ids if i) or None
            if column == MESSAGE:
                words = admin_words(record)
                if record.message and words != record.message:
                    return f"{words}\n\nAs the service said it:\n{record.message}"
                return record.message or None
            if column == TIMES_SEEN and record.first_seen:
                return f"First seen {entry_time_text({'time': record.first_seen})}"
            if column == NEXT_TRY:
                return next_try_tip(record)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == TIMES_SEEN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _record_text(record: FailingRecord, column: int) -> str:
        if column == RECORD:
            return record_name(record)
        if column == STEP:
            return record.step_label
        if column == ERROR_CODE:
            return record.error_code
        if column == MESSAGE:
            return admin_words(record)
        if column == TIMES_SEEN:
            return f"{record.count:,}"
        if column == LAST_SEEN:
            return entry_time_text({"time": record.last_seen}) if record.last_seen else ""
        return next_try_text(record)
