"""Field paths on records, flat values nested into a body, and what counts as an email."""

from __future__ import annotations

from plx_desktop.domain import is_valid_email, nested, read_value

SF_CONTACT = {"Id": "003A", "FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@acme.com",
              "Account": {"Name": "Acme Labs"}, "Lead_Score__c": 12.0, "Title": None}
PERSON = {"id": "per_1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@acme.com",
          "account": "", "custom_fields": {"score": "12", "bio": "x" * 300}}


def test_paths_read_nested_fields_and_nest_flat_values():
    assert read_value(SF_CONTACT, "Account.Name") == "Acme Labs"
    assert read_value(SF_CONTACT, "Owner.Name") is None
    assert read_value(PERSON, "custom_fields.score") == "12"
    assert nested({"custom_fields.score": "12", "email": "ada@acme.com"}) == {
        "custom_fields": {"score": "12"}, "email": "ada@acme.com"}


def test_email_validity():
    assert is_valid_email(" ada@acme.com ")
    assert not any(is_valid_email(e) for e in ["", None, "ada", "ada@acme", "a b@acme.com",
                                              "a@@acme.com"])
