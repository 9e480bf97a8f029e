"""Charts cached as files, keyed by what they show, shared by every worker process.

A chart's key is the sha256 of its kind, its language, a canonical serialisation of the series
it is drawn from, the tracker's version (which a release bumps: `tracker.version`) and
matplotlib's: the same figures give the same key, and a chart is drawn again only when one of
them changes. Each entry is two files, written
atomically (a temporary file, then `os.replace`): `<key>.svg`, then `<key>.json` (title, text
alternative, table and the SVG's digest), whose presence marks a complete entry.

Processes asking at once for a chart not drawn yet draw it once: each waits for a lock on its
key (`locks/`), then reads the entry the first one wrote.

A chart drawn for a place (`of`: the cohort, the date of its figures, the trainee) supersedes the
one drawn there before from older records: `slots/<digest of the place>` names the entry in use,
and the one it replaces is removed as soon as the new one is written, so that a roll call edited
again and again leaves one chart per place, not one per edit.

The pages draw their charts as of today, so that entries pile up day after day: once a day, the
first chart a process draws removes the entries written more than 30 days before (one still in
use is drawn again, once a month) and the temporary files a crash may have left.
"""

import dataclasses
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from tracker import version
from tracker.charts.drawing import SPLITS, Chart, Table, described, matplotlib_version
from tracker.files import PRIVATE_FILE, private_folder, write_atomically

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

KEPT_DAYS = 30
ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.(svg|json)")
TEMPORARY_NAME = re.compile(r"\.[0-9a-f]{64}\.(svg|json)\..*\.tmp")


def canonical(value: Any) -> Any:
    """Turn a series into plain JSON values, the same for equal series (any key of a dict as
    text; a float tagged with its exact `repr`). A report's key; a chart's is `chart_key`'s."""
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, float):
        return {"float": repr(value)}  # repr round-trips: no rounding in the key
    if value is None or isinstance(value, bool | int | str):
        return value
    return canonical(_plain(value))


def chart_key(kind: str, language: str, payload: Any) -> str:
    """Return the cache key of a chart of this kind, language and series.

    The series is written by json's own encoder, which calls `_plain` for what it cannot write
    (dataclasses, dates, decimals): a tenth of `canonical`'s time for a heat map's 1,800 cells,
    asked once per chart after each roll call saved. Floats are written as `repr` writes them
    (exactly, and apart from integers)."""
    text = json.dumps(
        [version.installed(), matplotlib_version(), kind, language, payload],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_plain,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """Turn what json cannot write into values it can, one level down (json goes on)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, "fields": fields}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    raise TypeError(f"cannot key a chart on a {type(value).__name__}")


def cached_chart(
    kind: str,
    language: str,
    payload: Any,
    draw: Callable[[Any, str], Chart],
    folder: str | os.PathLike[str],
    of: tuple = (),
) -> Chart:
    """Return the chart drawn by `draw(payload, language)`, from the cache folder when there.

    `of` names what the chart is of (cohort, date, trainee): the entry it supersedes there is
    removed once this one is written.

    A chart whose drawing is kept apart from its text (`drawing.SPLITS`) has its text worked
    out from the series at each call, and its drawing taken from the cache by the series as
    drawn: a mark changed too little to show leaves the drawing as it was."""
    split = SPLITS.get(draw)
    if split is not None:
        title, alt, table = split.text(payload, language)
        drawing = cached_chart(
            f"{kind} drawing",
            language,
            split.as_drawn(payload),
            lambda drawn, language: Chart(
                svg=split.drawing(drawn, language), title="", alt="", table=Table((), ())
            ),
            folder,
            of,
        )
        return Chart(svg=described(drawing.svg, title, alt), title=title, alt=alt, table=table)
    key = chart_key(kind, language, payload)
    folder = Path(folder)
    svg_path, entry_path = folder / f"{key}.svg", folder / f"{key}.json"
    chart = _read(svg_path, entry_path)
    if chart is not None:
        return chart
    with _drawing(folder, key):
        # Drawn meanwhile by the process or thread that held the lock, or to be drawn now.
        chart = _read(svg_path, entry_path)
        if chart is None:
            chart = draw(payload, language)
            _keep(chart, folder, key)
            if of:
                _supersede(folder, kind, language, of, key)
    return chart


def _keep(chart: Chart, folder: Path, key: str) -> None:
    """Write a chart's entry: its SVG, then the file whose presence marks it complete."""
    # Charts show names and figures: readable by the server's account only.
    private_folder(folder)
    forget_old_charts(folder)
    _write_atomically(folder / f"{key}.svg", chart.svg)
    entry = {
        "title": chart.title,
        "alt": chart.alt,
        "headers": list(chart.table.headers),
        "rows": [list(row) for row in chart.table.rows],
        "svg_sha256": _digest(chart.svg),
    }
    _write_atomically(folder / f"{key}.json", json.dumps(entry, ensure_ascii=False))


@contextmanager
def _drawing(folder: Path, key: str) -> Iterator[None]:
    """Hold the lock of a chart's key while it is drawn, so that the processes asking for it
    at once (every officer's dashboard after a roll call is saved) draw it once: the others
    wait, then read it. A chart is drawn in a few tenths of a second; the system releases a
    lock whose process dies. One lock file per first two digits of the key (256 at most): two
    charts whose keys share them wait for each other, which is rare and short."""
    if fcntl is None:  # Windows: one process serves the development server
        yield
        return
    locks = private_folder(private_folder(folder) / "locks")
    descriptor = os.open(locks / key[:2], os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _supersede(folder: Path, kind: str, language: str, of: tuple, key: str) -> None:
    """Record the entry now in use for a place, and remove the one it replaces."""
    place = json.dumps([kind, language, [str(part) for part in of]], ensure_ascii=False)
    slot = private_folder(folder / "slots") / _digest(place)
    try:
        previous = slot.read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        previous = ""
    _write_atomically(slot, key)
    if previous != key and re.fullmatch(r"[0-9a-f]{64}", previous):
        # A reader that loses it meanwhile finds the entry incomplete and draws it again.
        for suffix in (".json", ".svg"):
            (folder / f"{previous}{suffix}").unlink(missing_ok=True)


_pruned: dict[Path, date] = {}
_pruned_lock = threading.Lock()


def forget_old_charts(folder: Path, *, now: float | None = None) -> None:
    """Remove the entries written more than KEPT_DAYS ago, once a day per folder and process.

    A reader that loses an entry meanwhile finds it incomplete and draws the chart again.
    """
    now = time.time() if now is None else now
    today = date.fromtimestamp(now)
    with _pruned_lock:
        if _pruned.get(folder) == today:
            return
        _pruned[folder] = today
    entries_before = now - KEPT_DAYS * 86400
    temporary_before = now - 86400
    with os.scandir(folder) as entries:
        for entry in entries:
            if ENTRY_NAME.fullmatch(entry.name):
                before = entries_before
            elif TEMPORARY_NAME.fullmatch(entry.name):
                before = temporary_before
            else:
                continue
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < before:
                    os.unlink(entry.path)
            except FileNotFoundError:
                pass  # removed meanwhile by another process


def _read(svg_path: Path, entry_path: Path) -> Chart | None:
    """Return the cached chart, or None when it is missing or damaged."""
    try:
        entry = json.loads(entry_path.read_text("utf-8"))
        svg = svg_path.read_text("utf-8")
        if entry["svg_sha256"] != _digest(svg):
            return None
        return Chart(
            svg=svg,
            title=entry["title"],
            alt=entry["alt"],
            table=Table(
                headers=tuple(entry["headers"]), rows=tuple(tuple(row) for row in entry["rows"])
            ),
        )
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_atomically(path: Path, text: str) -> None:
    """Write a file so that readers see either nothing or the whole of it, privately."""
    write_atomically(path, text.encode("utf-8"))
