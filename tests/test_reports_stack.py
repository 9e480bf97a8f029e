"""The roomy stack WeasyPrint runs on is a plain call, whatever the work does."""

import sys

import pytest

from tracker.reports.stack import RESERVED_SLOTS, on_a_roomy_stack


def test_it_returns_what_the_work_returns():
    assert on_a_roomy_stack(lambda: {"pages": 4}) == {"pages": 4}


def test_it_lets_the_works_exceptions_through():
    def fail():
        raise ValueError("bad report")

    with pytest.raises(ValueError, match="bad report"):
        on_a_roomy_stack(fail)


def test_deep_recursion_runs_in_it_as_outside_it():
    def depth(n: int) -> int:
        return 0 if n == 0 else 1 + depth(n - 1)

    # Hundreds of frames, well within the recursion limit whatever depth the test starts at.
    deep = sys.getrecursionlimit() // 2
    assert on_a_roomy_stack(lambda: depth(deep)) == deep


def test_its_frame_reserves_a_megabyte_of_evaluation_stack():
    assert on_a_roomy_stack.__code__.co_stacksize == RESERVED_SLOTS == 1 << 17
