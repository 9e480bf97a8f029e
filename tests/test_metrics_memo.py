"""What is worked out from a cohort's data is kept with that data object, and only it."""

import gc
import weakref
from dataclasses import replace

from tests.test_metrics_figures import make_data
from tracker.metrics.figures import cohort_figures
from tracker.metrics.memo import per_data, worked_out


class Result:
    """What a function works out: a new object each time it is called."""


def counting():
    calls = []

    @per_data
    def work(data):
        calls.append(data)
        return Result()

    return work, calls


def test_the_same_data_object_is_worked_on_once():
    work, calls = counting()
    data = make_data()
    assert work(data) is work(data)
    assert len(calls) == 1


def test_equal_data_in_another_object_is_worked_on_again():
    """Identity, not equality: an object read again may be equal, it is still worked on."""
    work, calls = counting()
    first, second = make_data(), make_data()
    assert first == second
    assert work(first) is not work(second)
    assert calls == [first, second]


def test_two_functions_keep_their_own_results_on_one_data():
    first, first_calls = counting()
    second, second_calls = counting()
    data = make_data()
    assert first(data) is not second(data)
    assert first(data) is first(data) and second(data) is second(data)
    assert len(first_calls) == len(second_calls) == 1


def test_what_is_worked_out_is_neither_an_input_nor_copied():
    """Equal data compare equal whatever was worked out from them; `replace` makes other data,
    which starts with nothing worked out."""
    data = make_data()
    worked_out(data, "charts", lambda: "drawn")
    assert data == make_data()
    assert hash(data.trainees) == hash(make_data().trainees)
    assert replace(data).worked_out == {}
    assert worked_out(data, "charts", lambda: "drawn again") == "drawn"


def test_the_cohorts_figures_are_kept_and_equal_to_a_fresh_computation():
    data = make_data()
    assert cohort_figures(data) is cohort_figures(data)
    assert cohort_figures(replace(data)) == cohort_figures(data)


def test_results_go_with_their_data():
    """Nothing keeps data alive but the data's own cache (`tracker.metrics.versions`)."""

    @per_data
    def work(data):
        return Result()

    data = make_data()
    result = weakref.ref(work(data))
    freed = weakref.ref(data)
    del data
    gc.collect()
    assert freed() is None
    assert result() is None
