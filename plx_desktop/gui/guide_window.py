"""Help: the admin's guide (docs/ADMIN-GUIDE.md) in a window of the app, and About.

The guide is the same file the repository shows, rendered by Qt's Markdown support, so there is
one text to keep current. Links to the web open in the browser (or are shown to copy).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from plx_desktop import __version__
from plx_desktop.gui.links import open_url
from plx_desktop.gui.resources import docs_path

GUIDE_FILE = "ADMIN-GUIDE.md"
IMAGE_WIDTH = 640
MISSING = ("The admin's guide is not in this installation ({path}). It is docs/ADMIN-GUIDE.md "
           "in PLX Desktop's repository.")


def guide_path() -> Path:
    return docs_path(GUIDE_FILE)


class GuideWindow(QDialog):
    """The admin's guide, non-modal, beside the main window."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("guideWindow")
        self.setWindowTitle("PLX Desktop — Admin's guide")
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)  # web links go through open_url, anchors scroll here
        self.browser.anchorClicked.connect(self._follow)
        path = guide_path()
        self.browser.setSearchPaths([str(path.parent)])
        try:
            self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        except OSError:
            self.browser.setPlainText(MISSING.format(path=path))
        self._fit_images(IMAGE_WIDTH)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.browser.setFocus()

    def sizeHint(self):  # noqa: N802 - Qt API
        hint = super().sizeHint()
        hint.setWidth(max(hint.width(), 860))
        hint.setHeight(max(hint.height(), 900))
        return hint

    def _fit_images(self, width: int) -> None:
        """Screenshots at half their size: the guide reads without scrolling sideways."""
        cursor = QTextCursor(self.browser.document())
        block = self.browser.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat():
                    image = fmt.toImageFormat()
                    image.setWidth(width)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(fragment.position() + fragment.length(),
                                       QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(image)
                it += 1
            block = block.next()

    def _follow(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            open_url(url.toString(), self)
        elif url.hasFragment() and not url.path():
            self.browser.scrollToAnchor(url.fragment())


def about(parent: QWidget) -> None:
    QMessageBox.about(
        parent, "About PLX Desktop",
        f"<p><b>PLX Desktop {__version__}</b></p>"
        "<p>The administrator's desktop app for the two-way integration between Salesforce and "
        "PeopleLinx.</p><p>Admin's guide: Help ▸ Admin's guide (F1).</p>")
