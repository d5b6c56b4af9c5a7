"""A one-line status under a section while its drop-downs load: "Loading fields…" or the reason a
service could not be reached, with Retry. Also: sizing a section's short table to its rows."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableView, QWidget


def fit_table_height(table: QTableView, min_rows: int = 2, max_rows: int = 8) -> None:
    """Size a short table to its rows (between min_rows and max_rows), so sections stay compact."""
    rows = max(min_rows, min(max_rows, table.model().rowCount()))
    height = (table.horizontalHeader().sizeHint().height()
              + rows * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth())
    table.setFixedHeight(height)


def keep_table_fitted(table: QTableView, min_rows: int = 2, max_rows: int = 8) -> None:
    model = table.model()
    for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
        signal.connect(lambda *_: fit_table_height(table, min_rows, max_rows))
    fit_table_height(table, min_rows, max_rows)


class LoadStatus(QWidget):
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.retry = QPushButton("Retry", self)
        self.retry.setToolTip("Try loading again")
        self.retry.clicked.connect(self.retry_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry)
        self.hide()

    def show_loading(self, text: str) -> None:
        self.label.setStyleSheet("")
        self.label.setText(text)
        self.retry.hide()
        self.show()

    def show_error(self, text: str) -> None:
        self.label.setStyleSheet("color: #b3261e;")
        self.label.setText(text)
        self.retry.show()
        self.show()

    def clear(self) -> None:
        self.label.clear()
        self.hide()
