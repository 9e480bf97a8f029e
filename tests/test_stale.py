"""A grid saved from a stale page (tracker/attendance/stale.py): which lines someone else changed,
and which of this person's entries are kept. Pure functions, no database."""

import pytest

from tracker.attendance import stale


def test_a_line_nobody_else_changed_keeps_this_persons_entry():
    shown, changed = stale.merge(
        [1, 2], loaded={1: "a", 2: None}, mine={1: "b", 2: None}, stored={1: "a", 2: None}
    )
    assert shown == {1: "b", 2: None}
    assert changed == []


def test_a_line_someone_else_changed_shows_theirs_with_this_persons_entry_aside():
    shown, changed = stale.merge(
        [1, 2, 3],
        loaded={1: "a", 2: None, 3: "c"},
        mine={1: "typed", 2: None, 3: "c2"},
        stored={1: "other", 2: "new", 3: "c"},
    )
    assert shown == {1: "other", 2: "new", 3: "c2"}
    assert changed == [
        stale.ChangedLine(1, "a", "other", "typed", True, True),
        # This person left the line as loaded: nothing of theirs to offer.
        stale.ChangedLine(2, None, "new", None, False, True),
    ]


def test_the_same_change_by_both_is_no_conflict_of_entries():
    shown, changed = stale.merge([1], loaded={1: "a"}, mine={1: "b"}, stored={1: "b"})
    assert shown == {1: "b"}
    assert changed == [stale.ChangedLine(1, "a", "b", "b", False, True)]


def test_without_what_the_page_showed_no_entry_is_applied_unseen():
    shown, changed = stale.merge(
        [1, 2], loaded=None, mine={1: "b", 2: "x"}, stored={1: "a", 2: "x"}
    )
    assert shown == {1: "a", 2: "x"}
    assert changed == [stale.ChangedLine(1, None, "a", "b", True, False)]


@pytest.mark.parametrize("text", [None, "", "nonsense", "[1, 2]", '{"x": 1}', '{"1": [1]}'])
def test_what_the_page_showed_is_unknown_when_it_cannot_be_read(text):
    def decode(value):
        status, minutes = value
        return (status, minutes)

    assert stale.load(text, decode) is None


def test_what_the_page_showed_is_read_back():
    text = stale.dump({3: ("late", 10), 4: None}, lambda v: None if v is None else list(v))
    assert stale.load(text, lambda v: None if v is None else tuple(v)) == {3: ("late", 10), 4: None}
