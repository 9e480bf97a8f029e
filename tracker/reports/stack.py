"""Run WeasyPrint on a Python frame stack that does not shrink and grow thousands of times.

CPython (3.11 and later) keeps the frames of Python calls on a stack made of 16 KiB chunks, and
hands a chunk back to the operating system as soon as the last frame in it returns. WeasyPrint
lays a report out by deep recursion that goes up and down across a chunk boundary thousands of
times per document: each crossing maps a fresh chunk and unmaps it on the way back. Measured on
`tracker report all`: 320,000 page faults and two seconds of system time in the workers, a fifth
of their time, depending only on how deep the stack already was when WeasyPrint started.

A frame that reserves a large evaluation stack gets a chunk of its own, sized to the next power
of two: reserving 1 MiB gives a 2 MiB chunk, and every call made from that frame fits in the
megabyte left over (a report's deepest layout uses about a tenth of it). Only the pages the
frames touch are ever mapped in. On an interpreter that keeps frames elsewhere the function is
just a call.
"""

from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")

# Evaluation stack slots of 8 bytes: 1 MiB.
RESERVED_SLOTS = 1 << 17


def on_a_roomy_stack(work: Callable[[], Result]) -> Result:
    """Call `work` from a frame whose stack chunk leaves it a megabyte of frames to grow into."""
    return work()


on_a_roomy_stack.__code__ = on_a_roomy_stack.__code__.replace(co_stacksize=RESERVED_SLOTS)
