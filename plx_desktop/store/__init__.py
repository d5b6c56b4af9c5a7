"""The local store (Peewee over SQLite in WAL mode): profiles, links, cursors, outbox and the sync log."""
