"""Type compatibility between the two systems' fields, and value conversion for the engine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plx_desktop.domain import ConversionError, InvalidMapping, PeopleLinxField, SalesforceField
from plx_desktop.domain.convert import (
    convert_value,
    fingerprint,
    parse_datetime,
    peoplelinx_datetime,
    salesforce_datetime,
    to_bool,
    to_number,
    truncate,
)
from plx_desktop.domain.fields import check_field_pair, kinds_fit, normalise_email

SCORE = SalesforceField("Lead_Score__c", "Lead Score", "double")
EMAIL = PeopleLinxField("email", "Email", "email")


def test_number_to_email_is_refused_with_the_admins_words():
    with pytest.raises(InvalidMapping) as caught:
        check_field_pair(SCORE, EMAIL, to_salesforce=False)
    assert str(caught.value).startswith("Lead Score (number) cannot be mapped to Email (email): ")


def test_read_only_salesforce_fields_cannot_be_written():
    created = SalesforceField("CreatedDate", "Created Date", "datetime", updateable=False)
    with pytest.raises(InvalidMapping, match="read-only"):
        check_field_pair(created, PeopleLinxField("custom_fields.since", "Since", "datetime"),
                         to_salesforce=True)
    check_field_pair(created, PeopleLinxField("custom_fields.since", "Since", "datetime"),
                     to_salesforce=False)


@pytest.mark.parametrize("source,target,fits", [
    ("text", "email", True), ("number", "email", False), ("boolean", "date", False),
    ("date", "datetime", True), ("datetime", "date", True), ("number", "text", True),
    ("text", "number", True), ("date", "number", False), ("email", "phone", False),
    ("id", "text", True), ("number", "id", False), ("boolean", "boolean", True),
])
def test_kind_table(source, target, fits):
    assert kinds_fit(source, target) is fits


def test_datetimes_between_the_two_formats():
    assert peoplelinx_datetime("2026-01-31T12:00:00.000+0000") == "2026-01-31T12:00:00.000000Z"
    assert salesforce_datetime("2026-01-31T12:00:00.123456Z") == "2026-01-31T12:00:00.123+0000"
    assert salesforce_datetime("2026-01-31T13:00:00.5+01:00") == "2026-01-31T12:00:00.500+0000"


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2999, 1, 1),
                    timezones=st.just(UTC)))
def test_datetime_round_trip_keeps_the_millisecond(moment):
    back = parse_datetime(salesforce_datetime(peoplelinx_datetime(moment)))
    assert back == moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def test_conversions_by_target_type():
    assert convert_value("42", "double", to_salesforce=True).value == 42
    assert convert_value("4.5", "number", to_salesforce=False).value == 4.5
    assert convert_value(3.0, "string", to_salesforce=True).value == "3"
    assert convert_value("yes", "boolean", to_salesforce=True).value is True
    assert convert_value(True, "string", to_salesforce=False).value == "true"
    assert convert_value("2026-01-31T23:30:00.000+0000", "date", to_salesforce=False).value == \
        "2026-01-31"
    assert convert_value("2026-01-31", "datetime", to_salesforce=True).value == \
        "2026-01-31T00:00:00.000+0000"
    assert convert_value(None, "int", to_salesforce=True).value is None
    assert convert_value("", "string", to_salesforce=True).value is None  # Salesforce: blank=null
    assert convert_value("", "double", to_salesforce=True).value is None
    for bad, target in [("abc", "double"), ("1.5", "int"), ("maybe", "boolean"),
                        ("31/01/2026", "date"), ("nan", "number")]:
        with pytest.raises(ConversionError):
            convert_value(bad, target, to_salesforce=True)
    with pytest.raises(ConversionError):
        to_number(True)
    assert to_bool("0") is False


def test_truncation_warns():
    result = convert_value("x" * 50, "string", to_salesforce=True, max_length=40,
                           field_label="Title")
    assert result.value == "x" * 40
    assert result.warning == "Title was cut from 50 to 40 characters to fit"
    assert truncate("short", 40).warning is None


def test_fingerprint_ignores_key_order_and_sees_values():
    assert fingerprint({"a": 1, "b": "x"}) == fingerprint({"b": "x", "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": "1"})


def test_emails_are_matched_trimmed_and_lower_case():
    assert normalise_email("  Ada.Lovelace@Example.COM ") == "ada.lovelace@example.com"
    assert normalise_email(None) == ""
