"""Opening the store: one SQLite file (WAL) per data dir, migrated, with the repositories on top.

Threads: a Store belongs to the thread that opened it. The GUI thread opens one; the sync worker
opens its own with open_store(path) on the same file and closes it when it ends. SQLite in WAL
mode lets the GUI read while the worker writes; busy_timeout makes a second writer wait instead
of failing. (Peewee keeps connections per thread, so a Store used from another thread would
quietly open another connection; don't rely on that, open a Store per thread.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee as pw

from plx_desktop.domain import ProfileKind, custom_copy_of_default
from plx_desktop.store.conflicts import Conflicts
from plx_desktop.store.cursors import Cursors
from plx_desktop.store.ended_links import EndedLinks
from plx_desktop.store.health import Health
from plx_desktop.store.links import Links, RecordLink
from plx_desktop.store.log import LogEntry, SyncLog
from plx_desktop.store.migrations import SCHEMA_VERSION, migrate
from plx_desktop.store.models import build_models
from plx_desktop.store.org_state import OrgState
from plx_desktop.store.outbox import Outbox
from plx_desktop.store.profiles import Profiles
from plx_desktop.store.retry_schedule import RetrySchedule
from plx_desktop.store.scratch import ScratchIndex
from plx_desktop.store.settings import Settings
from plx_desktop.store.step_problems import StepProblems

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 1,  # NORMAL: durable at checkpoints, safe against corruption in WAL mode
    "foreign_keys": 1,
    "busy_timeout": 10_000,  # ms
    "cache_size": -16_000,  # KiB
    # The write-ahead log is copied into the file every 10,000 pages (40 MB), not 1,000: a sync
    # commits once a batch, and the hot pages (the links' and the log's index pages) were
    # copied again at every checkpoint (Contacts → People at 100,000: 119 → 100 µs of CPU per
    # record). The log sits in the OS's page cache, not in the process's memory.
    "wal_autocheckpoint": 10_000,  # pages
}


class Store:
    """The app's store. Repositories: profiles, links, cursors, outbox, log, settings."""

    def __init__(self, path: Path, *, migrate_to: int = SCHEMA_VERSION):
        self.path = Path(path)
        self.db = pw.SqliteDatabase(str(self.path), pragmas=PRAGMAS, timeout=10)
        self.db.connect()
        self.schema_version = migrate(self.db, migrate_to)
        self.models = build_models(self.db)
        self.settings = Settings(self.db, self.models)
        self.cursors = Cursors(self.db, self.models)
        self.links = Links(self.db, self.models)
        self.ended_links = EndedLinks(self.db)
        self.outbox = Outbox(self.db, self.models)
        self.log = SyncLog(self.db, self.models)
        self.retry_schedule = RetrySchedule(self.db)
        self.step_problems = StepProblems(self.db)
        self.health = Health(self.db)
        self.conflicts = Conflicts(self.db)
        self.org_state = OrgState(self.db, self.settings)
        self.profiles = Profiles(self.db, self.models, self.settings)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction (nested calls become savepoints); rolled back if the block raises."""
        with self.db.atomic():
            yield

    def commit_batch(self, *, done: Iterable[int] = (), failed: dict[int, str] | None = None,
                     links: Iterable[RecordLink] = (), log: Iterable[LogEntry] = (),
                     cursors: dict[str, str] | None = None) -> list[LogEntry]:
        """Record a sent batch's results in one transaction: outbox items done/failed, links,
        log entries and cursors. A crash before it leaves the items pending or sent; after it,
        everything is recorded; never half. Returns the log entries as stored (with ids)."""
        with self.db.atomic():
            self.outbox.mark_done(done)
            if failed:
                self.outbox.mark_failed(failed)
            self.links.upsert_many(links)
            stored = self.log.append_many(log)
            if cursors:
                self.cursors.set_many(cursors)
        return stored

    def scratch(self, name: str) -> ScratchIndex:
        """An empty scratch table for this connection (see scratch.py)."""
        return ScratchIndex(self.db, name)

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(path: str | Path) -> Store:
    """Open (creating and migrating as needed) the store at `path` (see paths.database_path).

    A fresh store has both profiles: Default (always built from the catalog) and Custom, which
    starts as a copy of the Default steps (with its own uids) for the admin to change.
    """
    store = Store(Path(path))
    if not store.profiles.is_saved(ProfileKind.CUSTOM):
        with store.transaction():
            if not store.profiles.is_saved(ProfileKind.CUSTOM):
                store.profiles.save(custom_copy_of_default())
    return store
