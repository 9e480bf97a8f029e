"""Remember what is worked out from a cohort's data while the same data is in use.

`CohortData` is read once and never changed, so that a result worked out from it stays true for
as long as the object lives. Making every report of a cohort, a process computes the whole
cohort's figures once instead of once per trainee: the cohort's monthly attendance behind each
trainee's chart, the figures behind each page. Results are remembered by the identity of the
data (`is`, not equality, which would compare 16,000 roll calls), for the few latest objects.
"""

import threading
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

Data = TypeVar("Data")  # a CohortData, which imports this module
Result = TypeVar("Result")

# Enough for the data of a batch and of a page or two served meanwhile; each entry keeps its
# data alive, so that an identity is never taken by another object while it is remembered.
KEPT = 4


def per_data(function: Callable[[Data], Result]) -> Callable[[Data], Result]:
    """Remember a function's results for the latest data it was given."""
    remembered: list[tuple[Data, Result]] = []
    lock = threading.Lock()

    @wraps(function)
    def remembering(data: Data) -> Result:
        with lock:
            for seen, result in remembered:
                if seen is data:
                    return result
        result = function(data)
        with lock:
            remembered.insert(0, (data, result))
            del remembered[KEPT:]
        return result

    return remembering
