"""Look-back: a Salesforce-sourced step reads a window behind its cursor, so that a row a long
transaction committed late (stamped before the cursor passed it) is still synced, while what it
reads again and already synced costs no write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sync_helpers import emptied, log_of, sf_create, totals

from plx_desktop.store.settings import LOOKBACK_SECONDS
from plx_desktop.sync import lookback

ZERO = {"created": 0, "updated": 0, "skipped": 0, "failed": 0, "conflicts": 0}


def _synced_once(sandbox, sync, control):
    emptied(sandbox)
    ada = sf_create(sandbox, "Contact", FirstName="Ada", LastName="Lovelace",
                    Email="ada@engines.example.com")
    assert sync().ok
    sandbox.salesforce.org.update("Contact", ada, {"Title": "Analyst"})  # the cursor is now
    assert sync().ok
    return ada


def test_a_late_commit_behind_the_cursor_is_synced_once(sandbox, sync, store, control):
    _synced_once(sandbox, sync, control)
    late = control.late_commit("Contact", 120, FirstName="Grace", LastName="Hopper",
                               Email="grace@navy.example.com")
    run = sync()
    assert run.ok, run.reason
    people = {p["email"]: p for p in control.people()}
    assert people["grace@navy.example.com"]["salesforce_contact_id"] == late
    assert store.links.by_sf_id(late) is not None
    sandbox.peoplelinx.calls.reset()
    sandbox.salesforce.calls.reset()
    again = sync()
    assert totals(again) == ZERO
    assert "/v1/people/batch" not in sandbox.peoplelinx.calls.snapshot()["by_route"]
    assert sandbox.salesforce.calls.snapshot()["by_route"] == {"queryAll": 2}
    assert log_of(store, run_id=again.run_id) == []


def test_a_late_update_of_a_linked_record_reaches_its_person(sandbox, sync, store, control):
    ada = _synced_once(sandbox, sync, control)
    control.late_commit("Contact", 90, record_id=ada, LastName="King")
    run = sync()
    assert run.ok and totals(run)["updated"] == 1
    [person] = control.people()
    assert person["last_name"] == "King"
    assert totals(sync()) == ZERO


def test_without_a_window_the_late_commit_is_missed(sandbox, sync, store, control):
    """The window is what reads a late commit: set to nothing, the strict cursor misses it."""
    _synced_once(sandbox, sync, control)
    store.settings.set(LOOKBACK_SECONDS, 0)
    control.late_commit("Contact", 120, FirstName="Grace", LastName="Hopper",
                        Email="grace@navy.example.com")
    assert totals(sync()) == ZERO
    assert {p["email"] for p in control.people()} == {"ada@engines.example.com"}
    store.settings.set(LOOKBACK_SECONDS, 600)
    assert totals(sync())["created"] == 1


def test_the_window_starts_behind_the_earlier_of_cursor_and_last_read():
    stamp = datetime(2026, 1, 31, 12, 0, 0, 640_000, tzinfo=UTC)
    fresh = lookback.Cursor(stamp, "003000000000001AAA", stamp + timedelta(seconds=30))
    assert lookback.read_from(fresh, 600) == datetime(2026, 1, 31, 11, 50, 30, tzinfo=UTC)
    # An hour after the last change the window is just the cursor's second: a quiet org's poll
    # does not read the last ten minutes of changes again and again.
    quiet = lookback.Cursor(stamp, "003000000000001AAA", stamp + timedelta(hours=1))
    assert lookback.read_from(quiet, 600) == stamp.replace(microsecond=0)
    # A cursor from before the read time was kept: the window behind the cursor itself.
    legacy = lookback.Cursor.parse("2026-01-31T12:00:00.640+0000|003000000000001AAA")
    assert lookback.read_from(legacy, 600) == datetime(2026, 1, 31, 11, 50, tzinfo=UTC)
    assert lookback.read_from(lookback.Cursor.parse(None), 600) is None
    assert lookback.Cursor.parse(fresh.text()) == fresh


def test_the_cursor_never_moves_back_for_a_late_commit():
    stamp = datetime(2026, 1, 31, 12, 0, 0, tzinfo=UTC)
    cursor = lookback.Cursor(stamp, "003000000000002AAA")
    late = {"Id": "003000000000009AAA", "SystemModstamp": "2026-01-31T11:58:00.000+0000"}
    assert cursor.covers(late)
    read_at = stamp + timedelta(minutes=1)
    assert cursor.after(late, read_at) == lookback.Cursor(stamp, "003000000000002AAA", read_at)
    newer = {"Id": "003000000000001AAA", "SystemModstamp": "2026-01-31T12:00:00.001+0000"}
    assert not cursor.covers(newer)
    assert cursor.after(newer, read_at).record_id == "003000000000001AAA"


def test_after_a_read_that_went_to_its_end_a_quiet_poll_starts_past_its_window(
        sandbox, sync, store, control):
    """A data load stamps many records alike: the cursor's own second would be read again at
    every poll. Once a read has gone to its end a window ago, the next starts past it."""
    ada = _synced_once(sandbox, sync, control)
    sandbox.clock.advance(700)  # more than the 10-minute window
    assert totals(sync()) == ZERO  # read again once, inside the window: nothing to write
    stamp = datetime.fromisoformat(
        next(r for r in control.sf_records("Contact") if r["Id"] == ada)["SystemModstamp"]
        .replace("+0000", "+00:00"))
    cursors = _contact_cursors(store)
    assert cursors and all(c.complete for c in cursors)
    assert all(lookback.read_from(c, 600) > stamp for c in cursors)
    # What comes after is still read: a change now, and a late commit inside the window.
    sandbox.salesforce.org.update("Contact", ada, {"LastName": "Byron"})
    late = control.late_commit("Contact", 120, FirstName="Grace", LastName="Hopper",
                               Email="grace@navy.example.com")
    run = sync()
    assert run.ok and totals(run)["updated"] == 1 and totals(run)["created"] == 1
    assert {p["email"]: p["last_name"] for p in control.people()} == {
        "ada@engines.example.com": "Byron", "grace@navy.example.com": "Hopper"}
    assert store.links.by_sf_id(late) is not None


def _contact_cursors(store) -> list[lookback.Cursor]:
    profile = store.profiles.load_active()
    uids = [s.uid for s in profile.steps if s.kind.key == "contact_to_people"]
    return [lookback.Cursor.parse(store.cursors.get(uid)) for uid in uids]


def test_a_cursor_is_complete_only_once_its_read_went_to_the_end():
    stamp = datetime(2026, 1, 31, 12, 0, 0, 640_000, tzinfo=UTC)
    read_at = stamp + timedelta(hours=1)
    moving = lookback.Cursor().after({"Id": "003000000000001AAA",
                                      "SystemModstamp": "2026-01-31T12:00:00.640+0000"}, read_at)
    assert not moving.complete  # a read cut off here resumes at the cursor's second
    assert lookback.read_from(moving, 600) == stamp.replace(microsecond=0)
    done = moving.completed(read_at)
    assert lookback.Cursor.parse(done.text()) == done and done.complete
    assert lookback.read_from(done, 600) == datetime(2026, 1, 31, 12, 50, 0, tzinfo=UTC)
    # Without a window (the admin turned it off) the cursor alone decides, as before.
    assert lookback.read_from(done, 0) == stamp.replace(microsecond=0)
    # A cursor written before the mark existed is read as not complete.
    assert not lookback.Cursor.parse(
        "2026-01-31T12:00:00.640+0000|003000000000001AAA|2026-01-31T13:00:00.000+0000").complete
