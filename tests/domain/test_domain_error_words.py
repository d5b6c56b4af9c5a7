"""Services' raw error text in the admin's words: which field, which object, what to do."""

from __future__ import annotations

from plx_desktop.domain.error_words import explain, first_line

SOQL_INVALID_FIELD = (
    "Salesforce refused the request: \nSELECT Id, FirstName, LastName, Email, LastModifiedDate, "
    "SystemModstamp, Persona__c FROM Contact WHERE (Email LIKE '%@acme.com') ORDER BY "
    "SystemModstamp, Id\n" + " " * 70 + "^\nERROR at Row:1:Column:71\nNo such column "
    "'Persona__c' on entity 'Contact'. If you are attempting to use a custom field, be sure to "
    "append the '__c' after the custom field name. Please reference your WSDL or the describe "
    "call for the appropriate names.")


def test_an_unknown_field_names_the_field_the_object_and_what_to_do():
    words = explain("INVALID_FIELD", SOQL_INVALID_FIELD)
    assert words.startswith("Salesforce has no field Persona__c on Contact")
    assert "field mappings or filtering rules" in words and "field-level security" in words
    assert "ERROR at Row" not in words and "SELECT" not in words


def test_a_malformed_query_points_at_the_filtering_rules():
    raw = ("\nSELECT Id FROM Lead WHERE (Email LIKE 'x') AND\n" + " " * 44 + "^\nERROR at Row:1:"
           "Column:45\nunexpected token: 'AND'")
    words = explain("MALFORMED_QUERY", raw)
    assert words == ("Salesforce could not read this step's filtering rules (near 'AND') on Lead. "
                     "Open the step's settings and check each rule's value.")


def test_record_errors_name_their_field():
    assert explain("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                   "Salesforce refused the record: Persona: bad value for restricted picklist "
                   "field: Decision maker", sobject="Lead") == (
        "Persona on Lead has no value 'Decision maker'. Add the value to the picklist in "
        "Salesforce, or change it at the source, then Retry.")
    assert "at most 80 characters" in explain(
        "STRING_TOO_LONG", "Last Name: data value too large: Xxxxx (max length=80)")
    assert explain("REQUIRED_FIELD_MISSING", "Required fields are missing: [Company]",
                   sobject="Lead").startswith("Salesforce requires Company on Lead.")


def test_an_unknown_code_keeps_the_services_first_line():
    assert explain("SOMETHING_NEW", "\nSomething happened\nmore") == "Something happened"
    assert first_line("\n\n  a  \nb") == "a"
