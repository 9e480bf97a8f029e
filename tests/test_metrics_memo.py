"""Results worked out from a cohort's data are remembered for that data object, and only it."""

import gc
import threading
import weakref
from dataclasses import replace

from tests.test_metrics_figures import make_data
from tracker.metrics import memo
from tracker.metrics.figures import cohort_figures
from tracker.metrics.memo import per_data


def counting():
    calls = []

    @per_data
    def work(data):
        calls.append(data)
        return object()

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


def test_only_the_latest_objects_are_kept():
    work, calls = counting()
    datas = [replace(make_data(), marks=[]) for _ in range(memo.KEPT + 1)]
    results = [work(data) for data in datas]
    assert work(datas[-1]) is results[-1]
    assert work(datas[0]) is not results[0]  # the oldest was forgotten, and worked on again
    assert len(calls) == memo.KEPT + 2


def test_threads_get_the_results_of_their_own_data():
    work, _ = counting()
    datas = [make_data() for _ in range(8)]
    expected = {id(data): work(data) for data in datas[-memo.KEPT :]}
    seen = {}

    def run(data):
        seen[id(data)] = work(data)

    threads = [threading.Thread(target=run, args=(data,)) for data in datas[-memo.KEPT :]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == expected


def test_the_cohorts_figures_are_remembered_and_equal_to_a_fresh_computation():
    data = make_data()
    assert cohort_figures(data) is cohort_figures(data)
    assert cohort_figures(replace(data)) == cohort_figures(data)


def test_the_memo_does_not_keep_the_data_alive():
    """A page's data is freed with its request, whatever the memo remembered of it."""

    @per_data
    def work(data):
        return len(data.marks)

    data = make_data()
    assert work(data) == len(data.marks)
    freed = weakref.ref(data)
    del data
    gc.collect()
    assert freed() is None
    # A new object, perhaps at the same address, is worked on afresh.
    other = replace(make_data(), marks=[])
    assert work(other) == 0
