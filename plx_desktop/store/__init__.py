"""The local store (Peewee over SQLite in WAL mode): profiles, links, cursors, outbox and the sync log.

Start with `open_store(paths.database_path(data_dir))`; the Store's repositories do the rest.
"""

from plx_desktop.store.conflicts import Conflict
from plx_desktop.store.database import Store, open_store
from plx_desktop.store.links import RecordLink
from plx_desktop.store.log import OUTCOMES, LogEntry, Run
from plx_desktop.store.outbox import OutboxItem
from plx_desktop.store.profiles import ProfileVersion
from plx_desktop.store.settings import SecretRefused

__all__ = ["OUTCOMES", "Conflict", "LogEntry", "OutboxItem", "ProfileVersion", "RecordLink", "Run",
           "SecretRefused", "Store", "open_store"]
