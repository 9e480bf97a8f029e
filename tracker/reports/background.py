"""Lay a report out in a process of its own, so that the web worker that asked for it answers at
once and goes on serving pages.

Laying a report out takes a processor for a second or more. In the web worker, even in a thread
of lower priority, the request waits for it, and a sync worker waiting serves nobody else: with
the making slots taken, half the workers could be waiting on reports while the pages queue. The
worker forks instead: a process of lower priority (its nice value raised by MAKING_NICENESS),
detached from the worker (forked twice, so that nothing has to wait for it to end), renders the
report's HTML (its charts drawn), lays it out and writes it into the cache, then ends: the
worker only read what the report shows and worked its key out. The worker answers "being made"
and the page asks again by itself.

The making process inherits the locks the worker took (its making slot, the document's making
lock) and holds them until it ends: the system releases them then, whatever the end. It closes
the sockets it inherited (the listening socket, the client's connection, the database's), which
are the worker's; it never touches the database. Where processes cannot be forked (Windows),
`available()` is false and reports are made in the request as before.

A fork copies the thread that asks only: with request threads (`--threads`), another thread
holding a library's lock at that moment (fontconfig's, say) would leave the making process
waiting for it until MAKING_TIMEOUT_SECONDS, and the report made at the next request after
that. The production guide's sync workers have one thread each.
"""

import logging
import os
import signal
import stat
import sys
from collections.abc import Callable

# How much lower than the web workers' the making process's priority is: a page asked meanwhile
# is served first, and the report takes the processor time the pages leave.
MAKING_NICENESS = 10
# A making that takes longer than this is stopped by the system (the locks it holds go with it).
MAKING_TIMEOUT_SECONDS = 300

log = logging.getLogger(__name__)


def available() -> bool:
    """Tell whether reports can be laid out in a process of their own here (Linux)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def start(work: Callable[[], None]) -> None:
    """Run `work` in a detached process of lower priority and return at once."""
    child = os.fork()
    if child:
        os.waitpid(child, 0)  # the intermediate process ends at once
        return
    # Nothing below may return into the web worker's code: every path ends with os._exit.
    status = 1
    try:
        # The intermediate process ends at once (0): the making process is then nobody's child.
        status = 0 if os.fork() else _run(work)
    finally:
        os._exit(status)


def _run(work: Callable[[], None]) -> int:
    # Still in the server's session: with the kernel's automatic grouping of processes by
    # session (autogroup), a session of its own would share the processor equally with the
    # whole server, whatever its nice value (measured: every page twice as slow or worse).
    for number in (
        signal.SIGTERM,
        signal.SIGINT,
        signal.SIGQUIT,
        signal.SIGHUP,
        signal.SIGUSR1,
        signal.SIGUSR2,
        signal.SIGCHLD,
        signal.SIGWINCH,
    ):
        signal.signal(number, signal.SIG_DFL)
    _close_sockets()
    os.nice(MAKING_NICENESS)
    signal.alarm(MAKING_TIMEOUT_SECONDS)  # SIGALRM's default: the process ends
    try:
        work()
    except Exception:
        log.exception("A report could not be made")
        return 1
    return 0


def _close_sockets() -> None:
    """Close the sockets inherited from the worker: its clients must see their connection end
    when the worker closes it, not when the making ends."""
    for name in os.listdir("/proc/self/fd"):
        descriptor = int(name)
        try:
            if stat.S_ISSOCK(os.fstat(descriptor).st_mode):
                os.close(descriptor)
        except OSError:
            pass  # the folder's own descriptor, closed meanwhile
