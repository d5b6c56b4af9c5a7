"""Sync health: failing records grouped by cause, recurring failures folded, Retry requests."""

from __future__ import annotations

from plx_desktop.store import LogEntry


def entry(outcome: str, sf_id: str, code: str = "", step: str = "s1", message: str = "") -> LogEntry:
    return LogEntry(outcome=outcome, step_uid=step, step_label="People → Lead", sf_id=sf_id,
                    plx_id=f"per_{sf_id}", record_label=f"{sf_id}@example.com", error_code=code,
                    message=message or code)


def test_a_recurring_failure_is_one_row_with_its_count(store):
    store.log.append_many([entry("failed", "00Q1", "FIELD_CUSTOM_VALIDATION_EXCEPTION", message=f"run {n}")
                           for n in range(1000)])
    (record,) = store.health.failing()
    assert record.count == 1000
    assert record.message == "run 999"  # the newest reason
    assert record.cause == "validation rule"


def test_failures_are_grouped_by_cause(store):
    store.log.append_many([
        entry("failed", "00Q1", "FIELD_CUSTOM_VALIDATION_EXCEPTION"),
        entry("skipped", "00Q2", "CANNOT_UPDATE_CONVERTED_LEAD"),
        entry("failed", "00Q3", "DUPLICATE_VALUE"),
        entry("failed", "00Q4", "INSUFFICIENT_ACCESS_OR_READONLY"),
        entry("failed", "00Q5", "INVALID_EMAIL_ADDRESS"),
        entry("failed", "00Q6", "INVALID_EMAIL_ADDRESS"),
        entry("failed", "00Q7", "SOMETHING_NEW"),
    ])
    groups = {g.cause: g for g in store.health.by_cause(include_skips=True)}
    assert set(groups) == {"validation rule", "converted lead", "duplicate", "permission",
                           "bad value", "other"}
    assert [r.sf_id for r in groups["bad value"].records] == ["00Q5", "00Q6"]
    # A converted lead's refusal has its own group without asking; other skips are left out.
    store.log.append(entry("skipped", "00Q8", "FIELD_CUSTOM_VALIDATION_EXCEPTION"))
    plain = {g.cause: g for g in store.health.by_cause()}
    assert [r.sf_id for r in plain["converted lead"].records] == ["00Q2"]
    assert plain["converted lead"].records[0].outcome == "skipped"
    assert [r.sf_id for r in plain["validation rule"].records] == ["00Q1"]
    assert plain["validation rule"].records[0].outcome == "failed"


def test_a_record_that_synced_later_is_no_longer_failing(store):
    store.log.append_many([entry("failed", "00Q1", "DUPLICATE_VALUE"),
                           entry("failed", "00Q2", "DUPLICATE_VALUE"),
                           entry("updated", "00Q1")])
    assert [r.sf_id for r in store.health.failing()] == ["00Q2"]


def test_informational_skips_are_not_failures(store):
    store.log.append_many([entry("skipped", "00Q1", "NOT_A_LEAD")])
    assert store.health.failing(include_skips=True) == []


def test_retry_requests_are_kept_per_step_until_retried(store):
    store.log.append_many([entry("failed", "00Q1", "DUPLICATE_VALUE"),
                           entry("failed", "003X", "DUPLICATE_VALUE", step="s2")])
    failing = store.health.failing()
    assert store.health.request_retry(failing) == 2
    assert store.health.request_retry(failing) == 2  # asking twice keeps one request each
    assert store.health.retry_requests("s1") == [("00Q1", "per_00Q1")]
    assert all(r.retry_requested for r in store.health.failing())
    store.health.retried("s1", [("00Q1", "per_00Q1")])
    assert store.health.retry_requests("s1") == []
    assert store.health.retry_requests("s2") == [("003X", "per_003X")]
