"""What users and long transactions do to an org between two polls: late commits, merges,
undeletes and an emptied Recycle Bin, as control endpoints under /__sandbox__/ (docs/SANDBOX.md).

- late-commit: a create or update whose SystemModstamp and LastModifiedDate are in the past, as
  a transaction that began before a poll and committed after it leaves its rows.
- merge: as the SOAP API's merge() (up to three records of one type: the master and at most two
  others). The others are deleted with MasterRecordId set to the master (queryAll sees them),
  their Tasks move to the master, and the master is updated (a merge fires one update of the
  winning record).
- undelete: deleted records come back from the Recycle Bin with a new SystemModstamp.
- empty-recycle-bin: deleted records go for good; a getDeleted / deleted/ call whose start is
  before that moment fails with INVALID_REPLICATION_DATE (its earliestDateAvailable moves up).
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from plx_desktop.sandbox.salesforce.ids import to_18
from plx_desktop.sandbox.salesforce.org import Org
from plx_desktop.sandbox.salesforce.records import format_datetime
from plx_desktop.sandbox.salesforce.validate import Invalid, RecordError
from plx_desktop.sandbox.web import CONTROL_PREFIX, HttpError, Request, Response, Router

MERGEABLE = ("Account", "Contact", "Lead")
MAX_MERGED = 2  # merge() combines up to three records: the master and two others
_PURGED = "purged_at."  # org setting per object: when its Recycle Bin was last emptied
DELETE_LOG_DAYS = 15


def _bad(message: str, status: int = 400) -> HttpError:
    return HttpError(Response.json({"error": message}, status))


def _invalid(exc: Invalid) -> Response:
    return Response.json([{"message": e.message, "errorCode": e.status_code, "fields": e.fields}
                          for e in exc.errors], 400)


def _body(request: Request) -> dict[str, Any]:
    body = request.json() if request.body else {}
    if not isinstance(body, dict):
        raise _bad("expected a JSON object")
    return body


def _object_name(org: Org, name: Any) -> str:
    obj = org.schema.object(str(name or ""))
    if obj is None:
        raise _bad(f"unknown object {name!r}", 404)
    return obj.name


# -- late commits ------------------------------------------------------------------------------

def late_commit(org: Org, sobject: str, fields: dict[str, Any], record_id: str | None,
                seconds_ago: float) -> str:
    """Create (or update, with record_id) a record stamped seconds_ago in the past; its id."""
    stamp = format_datetime(int((org.clock.time() - seconds_ago) * 1000))
    with org.db.transaction() as conn:
        if record_id:
            found = _live(org, conn, sobject, record_id)
            result = org._update(conn, sobject, found, fields)
        else:
            result = org._create(conn, sobject, fields)
        current = org.store.get(str(result.id), conn)
        assert current is not None
        record = dict(current[2])
        record.update({"LastModifiedDate": stamp, "SystemModstamp": stamp})
        if not record_id:
            record["CreatedDate"] = stamp
        org.store.put(conn, record, sobject)
    return str(result.id)


def _live(org: Org, conn: sqlite3.Connection, sobject: str, record_id: str) -> dict[str, Any]:
    rid = to_18(record_id or "")
    found = org.store.get(rid, conn) if rid else None
    if found is None or found[0] != sobject:
        raise Invalid(RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", []))
    if found[1]:
        raise Invalid(RecordError("ENTITY_IS_DELETED", "entity is deleted", []))
    return found[2]


# -- merge -------------------------------------------------------------------------------------

def merge(org: Org, sobject: str, master_id: str, merged_ids: list[str]) -> dict[str, Any]:
    """Merge records into the master as merge() does; raises Invalid."""
    if sobject not in MERGEABLE:
        raise Invalid(RecordError("INVALID_TYPE", f"merge is not supported for {sobject}", []))
    if not merged_ids or len(merged_ids) > MAX_MERGED:
        raise Invalid(RecordError("INVALID_FIELD", "A merge request takes one or two records to "
                                  "merge into the master record", []))
    with org.db.transaction() as conn:
        master = _live(org, conn, sobject, master_id)
        losers = [_live(org, conn, sobject, rid) for rid in merged_ids]
        if any(r["Id"] == master["Id"] for r in losers) or len({r["Id"] for r in losers}) < len(losers):
            raise Invalid(RecordError("INVALID_ID_FIELD", "The master record cannot be merged "
                                      "into itself, nor a record twice", []))
        moved = _move_tasks(org, conn, [r["Id"] for r in losers], master["Id"])
        for loser in losers:
            org._delete(conn, sobject, loser)
            gone = org.store.get(loser["Id"], conn)
            assert gone is not None
            record = dict(gone[2])
            record["MasterRecordId"] = master["Id"]
            org.store.put(conn, record, sobject)
        org._update(conn, sobject, master, {})
    return {"master_id": master["Id"], "merged_ids": [r["Id"] for r in losers],
            "moved_tasks": moved}


def _move_tasks(org: Org, conn: sqlite3.Connection, from_ids: list[str], to_id: str) -> int:
    """Reparent the merged records' Tasks (reparenting fires no triggers, but it is a change:
    their SystemModstamp moves, their LastModifiedDate does not)."""
    moved = 0
    losers = set(from_ids)
    for task in org.store.all_of("Task"):
        if task.get("IsDeleted") or task.get("WhoId") not in losers:
            continue
        record = dict(task)
        record.update({"WhoId": to_id, "SystemModstamp": org.clock.now()})
        org.store.put(conn, record, "Task")
        moved += 1
    return moved


# -- undelete and the Recycle Bin ----------------------------------------------------------------

def undelete(org: Org, ids: list[str]) -> list[str]:
    """Bring deleted records back (as the Recycle Bin's Undelete); the ids restored."""
    restored = []
    with org.db.transaction() as conn:
        for raw in ids:
            rid = to_18(str(raw)) or ""
            found = org.store.get(rid, conn)
            if found is None or not found[1]:
                raise Invalid(RecordError("UNDELETE_FAILED", f"{raw} is not in the Recycle Bin",
                                          []))
            sobject, _, record = found
            record = dict(record)
            now = org.clock.now()
            record.update({"IsDeleted": False, "SystemModstamp": now})
            org._write(conn, sobject, record)
            restored.append(rid)
    return restored


def empty_recycle_bin(org: Org, sobjects: list[str]) -> int:
    """Delete the objects' deleted records for good; how many went."""
    now = org.clock.now()
    gone = 0
    with org.db.transaction() as conn:
        for sobject in sobjects:
            gone += conn.execute("DELETE FROM records WHERE sobject = ? AND is_deleted = 1",
                                 (sobject,)).rowcount
            org.db.set_setting(_PURGED + sobject, now, conn)
    return gone


def earliest_date_available(org: Org, sobject: str) -> str:
    """The delete log's start for the object: the last purge, or 15 days back."""
    floor = org.clock.datetime().replace(second=0, microsecond=0) - timedelta(days=DELETE_LOG_DAYS)
    purged = org.db.get_setting(_PURGED + sobject)
    fifteen = format_datetime(int(floor.timestamp() * 1000))
    return max(purged, fifteen) if purged else fifteen


def forget_purges(org: Org) -> None:
    """A reset org has an empty Recycle Bin that was never emptied."""
    org.db.connection().execute("DELETE FROM settings WHERE key LIKE ?", (_PURGED + "%",))


# -- the control endpoints ---------------------------------------------------------------------

def register(router: Router, org: Org) -> None:
    def late(request: Request) -> Response:
        body = _body(request)
        sobject = _object_name(org, body.get("object"))
        fields = body.get("fields") or {}
        seconds = body.get("seconds_ago")
        if not isinstance(fields, dict):
            raise _bad("fields must be an object of field names and values")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise _bad("seconds_ago must be a number of seconds >= 0")
        try:
            record_id = late_commit(org, sobject, fields, body.get("id"), float(seconds))
        except Invalid as exc:
            return _invalid(exc)
        return Response.json({"id": record_id}, 200 if body.get("id") else 201)

    def merge_records(request: Request) -> Response:
        body = _body(request)
        sobject = _object_name(org, body.get("object"))
        merged = body.get("merged_ids")
        if not body.get("master_id") or not isinstance(merged, list):
            raise _bad("master_id and merged_ids (a list) are required")
        try:
            return Response.json(merge(org, sobject, str(body["master_id"]),
                                       [str(i) for i in merged]))
        except Invalid as exc:
            return _invalid(exc)

    def undelete_records(request: Request) -> Response:
        ids = _body(request).get("ids")
        if not isinstance(ids, list) or not ids:
            raise _bad("ids (a list of record ids) is required")
        try:
            return Response.json({"undeleted": undelete(org, ids)})
        except Invalid as exc:
            return _invalid(exc)

    def purge(request: Request) -> Response:
        body = _body(request)
        names = ([_object_name(org, body["object"])] if body.get("object")
                 else [*MERGEABLE, "Task"])
        return Response.json({"purged": empty_recycle_bin(org, names)})

    base = CONTROL_PREFIX.rstrip("/")
    for path, handler in (("/late-commit", late), ("/merge", merge_records),
                          ("/undelete", undelete_records), ("/empty-recycle-bin", purge)):
        router.add("POST", base + path, handler, "control" + path)
