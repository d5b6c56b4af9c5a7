"""The Peewee models and the migrations describe one schema: a store built by replaying the
migrations and one built by `create_tables` on the models agree on every table, column (name, type
affinity, nullability, default, primary key) and index (unique or not, and its columns)."""

from __future__ import annotations

import dataclasses
from typing import Any

import peewee as pw

from plx_desktop.store.migrations import migrate
from plx_desktop.store.models import build_models

# The migrations' own bookkeeping: which version the file is at. No model reads it.
_MIGRATIONS_ONLY = {"schema_version"}


def _affinity(declared: str) -> str:
    """SQLite's type affinity of a declared column type (the rules of "Datatypes In SQLite" 3.1)."""
    kind = declared.upper()
    if "INT" in kind:
        return "INTEGER"
    if any(word in kind for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if not kind or "BLOB" in kind:
        return "BLOB"
    if any(word in kind for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def schema(db: pw.Database) -> dict[str, Any]:
    """{table: (columns, indexes)} as SQLite itself reports them (PRAGMA table_info, index_list)."""
    tables = [row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    out: dict[str, Any] = {}
    for table in tables:
        columns = {}
        for _cid, name, declared, notnull, default, pk in db.execute_sql(
                f'PRAGMA table_info("{table}")'):
            # A primary key never holds NULL in this app (SQLite's INTEGER PRIMARY KEY cannot,
            # and no code writes a NULL key); whether NOT NULL was spelled out is not a difference.
            columns[name] = (_affinity(declared), bool(notnull or pk), default, pk)
        indexes = set()
        for _seq, index, unique, _origin, _partial in db.execute_sql(f'PRAGMA index_list("{table}")'):
            names = tuple(row[2] for row in db.execute_sql(f'PRAGMA index_info("{index}")'))
            indexes.add((bool(unique), names))
        out[table] = (columns, indexes)
    return out


def _migrated() -> dict[str, Any]:
    db = pw.SqliteDatabase(":memory:")
    migrate(db)
    return {t: s for t, s in schema(db).items() if t not in _MIGRATIONS_ONLY}


def _modelled() -> dict[str, Any]:
    db = pw.SqliteDatabase(":memory:")
    models = build_models(db)
    db.create_tables([getattr(models, f.name) for f in dataclasses.fields(models)])
    return schema(db)


def test_models_and_migrations_have_the_same_tables() -> None:
    assert sorted(_modelled()) == sorted(_migrated())


def test_every_table_has_the_same_columns_and_indexes() -> None:
    migrated, modelled = _migrated(), _modelled()
    for table in sorted(set(migrated) & set(modelled)):
        (m_columns, m_indexes), (p_columns, p_indexes) = migrated[table], modelled[table]
        assert p_columns == m_columns, table
        assert p_indexes == m_indexes, table


def test_the_comparison_sees_a_difference() -> None:
    # The test above can fail: one default, one index and one nullability apart are told apart.
    one = pw.SqliteDatabase(":memory:")
    one.execute_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT '', b TEXT)")
    other = pw.SqliteDatabase(":memory:")
    other.execute_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL)")
    other.execute_sql("CREATE INDEX t_a ON t(a)")
    (c1, i1), (c2, i2) = schema(one)["t"], schema(other)["t"]
    assert c1["a"] != c2["a"] and c1["b"] != c2["b"] and c1["id"] == c2["id"]
    assert i1 == set() and i2 == {(False, ("a",))}
    assert _affinity("VARCHAR(20)") == "TEXT" and _affinity("BIGINT") == "INTEGER"
