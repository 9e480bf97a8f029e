"""A grid saved from a stale page (roll call, results): which lines someone else changed since the
page was drawn, and which of this person's entries to keep.

Pure functions over plain values: a line's value is whatever the grid records for one trainee
(a mark, a score), None when nothing is recorded; values compare with ==.
"""

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

Value = TypeVar("Value")


@dataclass(frozen=True)
class ChangedLine(Generic[Value]):
    """A line that someone else changed since the page was drawn."""

    trainee_id: int
    before: Value | None  # what the page showed
    after: Value | None  # what is recorded now, and what the page shows again
    mine: Value | None  # what this person entered, kept aside
    mine_differs: bool  # whether this person typed an entry other than what is recorded now
    known_before: bool  # False when the page did not say what it showed


def merge(
    trainee_ids: Iterable[int],
    loaded: Mapping[int, Value | None] | None,
    mine: Mapping[int, Value | None],
    stored: Mapping[int, Value | None],
) -> tuple[dict[int, Value | None], list[ChangedLine[Value]]]:
    """Return each line's value to show again, and the lines someone else changed.

    A line that nobody else changed keeps this person's entry; a line changed since the page
    was drawn shows what is recorded now, with this person's entry kept aside. When the page
    did not say what it showed (`loaded` None or without the line), a line whose entry differs
    from what is recorded counts as changed by someone else: nothing typed is applied unseen.
    """
    shown: dict[int, Value | None] = {}
    changed: list[ChangedLine[Value]] = []
    for trainee_id in trainee_ids:
        now, entered = stored.get(trainee_id), mine.get(trainee_id)
        known = loaded is not None and trainee_id in loaded
        before = loaded.get(trainee_id) if known else None
        if (before != now) if known else (entered != now):
            shown[trainee_id] = now
            # This person's own entry: one they typed, that is not what is recorded now.
            typed = entered != now and (not known or entered != before)
            changed.append(ChangedLine(trainee_id, before, now, entered, typed, known))
        else:
            shown[trainee_id] = entered
    return shown, changed


def dump(values: Mapping[int, Any], encode: Callable[[Any], Any]) -> str:
    """Write what a page shows, line by line, for a hidden field of the page."""
    return json.dumps(
        {str(trainee_id): encode(value) for trainee_id, value in values.items()},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def load(text: str | None, decode: Callable[[Any], Any]) -> dict[int, Any] | None:
    """Read what a page showed from its hidden field; None when it cannot be read."""
    try:
        raw = json.loads(text or "")
        return {int(trainee_id): decode(value) for trainee_id, value in raw.items()}
    except (ValueError, TypeError, AttributeError, IndexError):
        return None
