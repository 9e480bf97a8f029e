"""Keep what is worked out from a cohort's data with the data itself.

`CohortData` is read once and never changed, so that a result worked out from it stays true for
as long as the object lives. The data of the cohorts in use is kept by the version of their
records (`tracker.metrics.versions`); what pages, charts and reports work out from it (the
figures, the monthly series, the charts, the reports' digests) is kept in the data object, and
goes with it: one cache, whose entries are the data, and nothing to invalidate apart.
"""

from collections.abc import Callable, Hashable
from functools import wraps
from typing import TypeVar

Data = TypeVar("Data")  # a CohortData, which imports this module
Result = TypeVar("Result")


def per_data(function: Callable[[Data], Result]) -> Callable[[Data], Result]:
    """Work out a function's result once per data object, and keep it with the data."""

    @wraps(function)
    def remembering(data: Data) -> Result:
        # Kept under the function itself: two functions never share a result.
        return worked_out(data, function, lambda: function(data))

    return remembering


# The functions of `not_on_marks`: data brought up to date after a roll call takes their results
# from the older data as they are (`series.carry_over`).
NOT_ON_MARKS: list[Callable] = []


def not_on_marks(function: Callable[[Data], Result]) -> Callable[[Data], Result]:
    """As `per_data`, for a function that does not read the roll-call marks: data that differs
    from older data by marks only takes its result from the older data."""
    NOT_ON_MARKS.append(function)
    return per_data(function)


def worked_out(data: Data, key: Hashable, work: Callable[[], Result]) -> Result:
    """Return what `work` gives for this data under the key, working it out the first time.

    Two threads asking at once may both work it out: the results are equal, one is kept.
    """
    kept = data.worked_out  # type: ignore[attr-defined]
    try:
        return kept[key]
    except KeyError:
        return kept.setdefault(key, work())
