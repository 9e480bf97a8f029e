"""The tracker's version: a release changes it, and the caches of charts and reports key on it.

A chart or a report is made again when what it shows changes (its data) or when the code that
makes it changes: rounding, loading, wording, templates. The latter is told by the version of
the installed distribution, which every release bumps (README, "Releases").
"""

from functools import cache
from importlib.metadata import PackageNotFoundError, version


@cache
def installed() -> str:
    """Return the version of the installed tracker distribution, such as 0.2.0."""
    try:
        return version("tracker")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"
