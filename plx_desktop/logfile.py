"""The log file: tracebacks and run summaries, in a rotating file in the data directory.

The window and the Log tab say what happened in the admin's words; this file keeps what an admin
sends to support (a traceback, each run's summary) and is never shown raw. Python's logging with a
RotatingFileHandler: five files of 1 MB at most, so the data directory never fills up.

Every process that runs the engine (the GUI, the sync's child process, `plx-desktop sync`) calls
use_log_file(data_dir) once; the engine's modules only call logging.getLogger(__name__).
Several processes may write the same file: each record is one write in append mode, so lines never
interleave; a rotation while another process writes loses nothing of substance (the other process
keeps writing to the renamed file until its next record after reopening).
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

LOGGER = "plx_desktop"
FILE_NAME = "plx-desktop.log"
MAX_BYTES = 1_000_000
BACKUPS = 4
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
# What the admin reads where the details went (the window, the Log, the CLI's stderr).
DETAILS = "details in the log file"


def log_dir(data_dir: Path) -> Path:
    """The folder Help ▸ Open log folder opens (created if missing)."""
    path = Path(data_dir) / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_file(data_dir: Path) -> Path:
    return log_dir(data_dir) / FILE_NAME


def use_log_file(data_dir: Path) -> Path:
    """Send the app's log records (INFO and up) to the data directory's log file; the file.

    Idempotent: a second call for the same directory changes nothing; a call for another directory
    (tests, a --data-dir switch) moves the handler there."""
    path = log_file(data_dir)
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler):
            if Path(handler.baseFilename) == path.resolve():
                return path
            logger.removeHandler(handler)
            handler.close()
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                  encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    return path


def short(exc: BaseException) -> str:
    """One line naming an unexpected error, for the admin: its kind and its first line."""
    text = (str(exc).strip().splitlines() or [""])[0]
    if len(text) > 120:
        text = text[:117] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def log_uncaught() -> None:
    """Keep uncaught exceptions (a slot that raised, on the GUI thread) in the log file too; they
    still reach the previous hook (the terminal)."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            logging.getLogger(LOGGER).error("Uncaught error", exc_info=(kind, value, tb))
        previous(kind, value, tb)

    if getattr(sys.excepthook, "__name__", "") != "hook":
        sys.excepthook = hook
