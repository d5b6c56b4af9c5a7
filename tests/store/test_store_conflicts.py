"""The conflict record keeps both values, both change times, the winner and the deciding rule."""

from __future__ import annotations

from datetime import UTC, datetime

from plx_desktop.store import Conflict


def test_conflicts_round_trip_and_are_found_by_either_id(store):
    sf_time = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    plx_time = datetime(2026, 11, 1, 9, 45, tzinfo=UTC)
    store.conflicts.add_many([
        Conflict(step_uid="s1", sf_id="0031", plx_id="per_1", field="title",
                 salesforce_value="CTO", peoplelinx_value="VP Engineering", winner="peoplelinx",
                 rule="two_way", record_label="Ada <ada@example.com>",
                 salesforce_changed_at=sf_time, peoplelinx_changed_at=plx_time, run_id=7),
        Conflict(step_uid="s1", sf_id="0032", plx_id="per_2", field="phone",
                 salesforce_value=None, peoplelinx_value="+1 555", winner="salesforce",
                 rule="always_salesforce"),
    ])
    (by_sf,) = store.conflicts.for_records(sf_ids=["0031"])
    assert (by_sf.salesforce_value, by_sf.peoplelinx_value) == ("CTO", "VP Engineering")
    assert by_sf.salesforce_changed_at == sf_time and by_sf.peoplelinx_changed_at == plx_time
    assert by_sf.winner == "peoplelinx" and by_sf.rule == "two_way" and by_sf.run_id == 7
    (by_plx,) = store.conflicts.for_records(plx_ids=["per_2"])
    assert by_plx.salesforce_value is None and by_plx.rule == "always_salesforce"
    assert [c.field for c in store.conflicts.recent()] == ["phone", "title"]
    assert store.conflicts.for_records() == []
