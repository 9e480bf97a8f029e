"""Drawn signatures as vector strokes: read them from a form, keep them, draw them, digest them.

A drawing is a list of strokes; a stroke is a list of points [x, y, t]: x and y from 0 to 1 across
the pad (left to right, top to bottom), t the milliseconds since the stroke's first point. The
pad's script (`static/signature-pad.js`) sends it as JSON in the form's `strokes` field.
"""

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _

# A drawing with fewer points is a dot or a slip, not a signature.
FEWEST_POINTS = 5
MOST_STROKES = 60
MOST_POINTS = 4000

Strokes = list[list[list[float]]]


class StrokesRefused(ValueError):
    """Strokes that are not a signature: the message says why, for the person who drew them."""


def read_strokes(text: str | None, max_bytes: int) -> Strokes:
    """Read a drawing sent by the pad, refusing what is empty, too large or not strokes."""
    if not text or not text.strip():
        raise StrokesRefused(_("Draw your signature in the box first."))
    if len(text.encode()) > max_bytes:
        raise StrokesRefused(_("This signature is too large: clear it and draw it again."))
    try:
        drawing = json.loads(text)
    except ValueError:
        raise StrokesRefused(_("This signature could not be read: draw it again.")) from None
    if not isinstance(drawing, list) or len(drawing) > MOST_STROKES:
        raise StrokesRefused(_("This signature could not be read: draw it again."))
    strokes: Strokes = []
    for stroke in drawing:
        if not isinstance(stroke, list) or not stroke:
            raise StrokesRefused(_("This signature could not be read: draw it again."))
        points = []
        for point in stroke:
            if (
                not isinstance(point, list)
                or len(point) != 3
                or not all(
                    isinstance(value, int | float) and not isinstance(value, bool)
                    for value in point
                )
            ):
                raise StrokesRefused(_("This signature could not be read: draw it again."))
            x, y, t = point
            if not (0 <= x <= 1 and 0 <= y <= 1 and 0 <= t <= 600_000):
                raise StrokesRefused(_("This signature could not be read: draw it again."))
            points.append([round(x, 4), round(y, 4), int(t)])
        strokes.append(points)
    count = sum(len(stroke) for stroke in strokes)
    if count < FEWEST_POINTS:
        raise StrokesRefused(_("Draw your signature in the box first."))
    if count > MOST_POINTS:
        raise StrokesRefused(_("This signature is too large: clear it and draw it again."))
    return strokes


def stored(strokes: Strokes) -> str:
    """Write strokes as the compact JSON kept in the database and digested."""
    return json.dumps(strokes, separators=(",", ":"))


def svg_path(strokes: Strokes, width: float, height: float) -> str:
    """Return an SVG path's data drawing the strokes in a box of a width and a height."""
    parts = []
    for stroke in strokes:
        x, y, _t = stroke[0]
        parts.append(f"M{x * width:.1f} {y * height:.1f}")
        if len(stroke) == 1:  # a dot
            parts.append("l0.1 0.1")
        for x, y, _t in stroke[1:]:
            parts.append(f"L{x * width:.1f} {y * height:.1f}")
    return " ".join(parts)


@lru_cache(maxsize=1024)
def svg(strokes_json: str, width: int = 300, height: int = 100, label: str = "") -> str:
    """Draw kept strokes as a standalone SVG image (for pages and PDFs); kept per strokes, size
    and label: a signature never changes once made, and a roll call's page shows its
    trainees' again each time it is read."""
    path = svg_path(json.loads(strokes_json), width, height)
    title = f"<title>{_escape(label)}</title>" if label else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">{title}'
        f'<path d="{path}" fill="none" stroke="#12306b" stroke-width="2" '
        'stroke-linecap="round" stroke-linejoin="round"/></svg>'
    )


def digest(fields: Mapping[str, Any], strokes_json: str) -> str:
    """Return the SHA-256 (hex) over what identifies a signature and its strokes.

    The fields (ids, instant, address, user agent, code step) are written as JSON with sorted
    keys, instants and days in ISO form, then a newline, then the strokes as kept: anyone holding
    the proof file can compute it again.
    """
    text = json.dumps(dict(fields), sort_keys=True, separators=(",", ":"), default=_iso)
    return hashlib.sha256(f"{text}\n{strokes_json}".encode()).hexdigest()


def _iso(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be digested")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
