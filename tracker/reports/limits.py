"""How many reports one account may have made per minute, and how many the server makes at once;
reports served from the cache are free.

Making a report takes about half a second of a processor: without a bound, one account asking
for one date after another would take the server's time and fill its cache. The makings of the
last minute are written per account in a small file beside the report cache, read and written
under a lock on that file, so that every worker process of the server counts the same makings.

And without a bound on the makings at once, ten reports asked together would hold every worker
of the server, and every page would wait behind them. A making holds one of REPORT_MAKING_SLOTS
slots: a lock on one of as many small files beside the cache, which the system releases when the
making ends, or when its process dies. With every slot taken, a request for one more report is
answered at once (503, try again in a moment) and the other workers keep serving the pages.
"""

import json
import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from tracker.files import PRIVATE_FILE, private_folder

try:
    import fcntl
except ImportError:  # Windows: one process serves the development server, no lock needed
    fcntl = None

WINDOW_SECONDS = 60
FILE_NAME = "makings.json"
# What a request for a report says to wait when every slot is taken: about a report's making.
BUSY_RETRY_SECONDS = 2


class ServerBusy(Exception):
    """Every slot for making reports is taken by other makings."""

    def __init__(self) -> None:
        super().__init__(f"every report making slot is taken; retry after {BUSY_RETRY_SECONDS} s")
        self.retry_after = BUSY_RETRY_SECONDS


def making_slot(folder: str | os.PathLike[str], slots: int):
    """Hold one of the server's slots for making a report while the block runs, or raise
    ServerBusy at once when every one of them is taken."""
    if fcntl is None:
        return nullcontext()
    return _slot(private_folder(folder), slots)


@contextmanager
def _slot(folder, slots: int) -> Iterator[None]:
    for number in range(max(1, slots)):
        descriptor = try_lock(folder / f"making-{number}.lock")
        if descriptor is None:
            continue
        try:
            yield
        finally:
            os.close(descriptor)  # releases the lock
        return
    raise ServerBusy()


def try_lock(path: os.PathLike[str]) -> int | None:
    """Lock a file (created if need be) without waiting: return its open descriptor, which
    holds the lock until it is closed (in every process that inherited it), or None when another
    holds it. Where files cannot be locked (Windows), every lock is granted."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    if fcntl is None:
        return descriptor
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor


class TooManyMakings(Exception):
    """An account had its share of report makings in the last minute."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many reports made; retry after {retry_after} s")
        self.retry_after = retry_after


def now() -> float:
    """Return the time in seconds (a function, so that tests can move it)."""
    return time.time()


def count_making(folder: str | os.PathLike[str], account: str, per_minute: int) -> None:
    """Count one report making for an account, or raise TooManyMakings when it had its share.

    The share is `per_minute` makings in any 60 seconds; the refusal says in how many seconds
    the oldest of them leaves the window.
    """
    path = private_folder(folder) / FILE_NAME
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    with os.fdopen(descriptor, "r+", encoding="utf-8") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        try:
            makings = dict(json.loads(handle.read() or "{}"))
        except (ValueError, TypeError):  # damaged: count afresh
            makings = {}
        moment = now()
        recent = {
            who: kept
            for who, times in makings.items()
            if (kept := [t for t in times if moment - t < WINDOW_SECONDS])
        }
        mine = recent.get(account, [])
        if len(mine) >= per_minute:
            raise TooManyMakings(max(1, math.ceil(min(mine) + WINDOW_SECONDS - moment)))
        recent[account] = [*mine, moment]
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(recent))
