"""PersonWrite is a value: `updated` gives a changed copy and leaves the original as it was."""

from __future__ import annotations

import pytest

from plx_desktop.sync.person_write import PersonWrite

PERSON = {"id": "per_1", "first_name": "Ada", "last_name": "Byron", "email": "ada@example.com"}


def test_updated_changes_the_copy_only_and_keeps_the_person():
    write = PersonWrite(PERSON, {"email": "ada@example.com"}, {"Email": "ada@example.com"})
    matched = write.updated(sf_id="003000000000001AAA", known={"Email": "old@example.com"})
    assert (matched.sf_id, matched.known) == ("003000000000001AAA", {"Email": "old@example.com"})
    assert (write.sf_id, write.known) == (None, {})  # the original is as it was
    assert matched.person is write.person and matched.values is write.values
    assert (matched.plx_id, matched.label) == ("per_1", "Ada Byron <ada@example.com>")
    assert matched == PersonWrite(PERSON, write.plx_values, write.values,
                                  sf_id="003000000000001AAA", known={"Email": "old@example.com"})


def test_updated_refuses_what_is_not_a_changeable_field():
    write = PersonWrite(PERSON, {}, {})
    with pytest.raises(TypeError, match="no field sf_idd"):
        write.updated(sf_idd="003")
    with pytest.raises(TypeError, match="person does not change"):
        write.updated(person={"id": "per_2"})
    with pytest.raises(TypeError):
        write.updated(plx_id="per_2")  # worked out from the person, not set
