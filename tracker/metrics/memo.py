"""Remember what is worked out from a cohort's data while the same data is in use.

`CohortData` is read once and never changed, so that a result worked out from it stays true for
as long as the object lives. Making every report of a cohort, a process computes the whole
cohort's figures once instead of once per trainee: the cohort's monthly attendance behind each
trainee's chart, the figures behind each page. Results are remembered by the identity of the
data (`is`, not equality, which would compare 16,000 roll calls), for the few latest objects,
and only while the data lives: the memo holds it weakly, so that a page's data is freed with
the request and never kept alive here.
"""

import threading
import weakref
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

Data = TypeVar("Data")  # a CohortData, which imports this module
Result = TypeVar("Result")

# Enough for the data of a batch and of a page or two served meanwhile.
KEPT = 4


def per_data(function: Callable[[Data], Result]) -> Callable[[Data], Result]:
    """Remember a function's results for the latest data it was given, while that data lives."""
    remembered: list[tuple[weakref.ref, Result]] = []
    lock = threading.Lock()

    @wraps(function)
    def remembering(data: Data) -> Result:
        with lock:
            # A dead reference answers None, never another object that took the same address.
            remembered[:] = [entry for entry in remembered if entry[0]() is not None]
            for seen, result in remembered:
                if seen() is data:
                    return result
        result = function(data)
        with lock:
            remembered.insert(0, (weakref.ref(data), result))
            del remembered[KEPT:]
        return result

    return remembering
