"""The charts of the officer's and the trainee's pages, drawn as SVG in the page's language.

Drawn with matplotlib's object API (`Figure`), never `pyplot`, whose global figure manager
keeps every figure alive in a long-running server. Text stays text in the SVG (screen readers,
PDF text extraction, smaller files) and a fixed hash salt makes the same data give the same
bytes, so that charts can be cached and reports reproduced.

matplotlib is imported with the first chart drawn, not with this module: a third of a second
that a command, a worker or a page finding its charts in the cache does not spend.
"""

from __future__ import annotations

import importlib.metadata
import io
import math
import textwrap
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from tracker.charts.labels import MISSING, Words
from tracker.metrics.figures import LineFigures, ratio
from tracker.metrics.series import (
    SMALLEST_GROUP,
    BurnUp,
    Heatmap,
    ModuleGradePoint,
    MonthPoint,
    WeekPoint,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform


@cache
def matplotlib_version() -> str:
    """Return the version of matplotlib, which the charts' bytes depend on, without importing it."""
    return importlib.metadata.version("matplotlib")


WIDTH, HEIGHT = 8.0, 3.5  # inches

# Okabe and Ito's palette, told apart with the common colour-vision deficiencies.
BLUE = "#0072B2"
ORANGE = "#E69F00"
VERMILION = "#D55E00"
SKY = "#56B4E9"
GREY = "#595959"
LIGHT = "#A6CEE3"
# Hours whose roll call is not taken: apart from any rate, lighter than any colour of the scales.
UNRECORDED = "#D4D4D4"

STYLE = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same glyphs everywhere
    "font.size": 9,
    "axes.labelsize": 9,
    "axes.edgecolor": GREY,
    "axes.labelcolor": "#222222",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "xtick.color": GREY,
    "ytick.color": GREY,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.frameon": False,
    "legend.fontsize": 8,
    # Texts come from the data (budget lines, refs, codes): `$` is a dollar, never mathtext,
    # which fails on an unbalanced `$`. Every Text (title, labels, ticks, legend) reads this.
    "text.parse_math": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "tracker-charts",
    "svg.image_inline": True,
}

# rcParams are process-wide: one chart at a time, in case the server runs threads.
_drawing_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Table:
    """The figures of a chart as rows of formatted cells, for a page to show as an alternative."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart as SVG, with its title, a text alternative and the table of its figures."""

    svg: str
    title: str
    alt: str
    table: Table

    @property
    def markup(self) -> str:
        """Return the SVG without its XML prolog, to be placed inline in an HTML page."""
        return self.svg[self.svg.index("<svg") :]


# ---------------------------------------------------------------------------------------------
# Drawing


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    with _drawing_lock, matplotlib.rc_context(STYLE):
        yield


def _figure(
    title: str,
    height: float = HEIGHT,
    *,
    left: float = 0.85,
    right: float = 0.25,
    bottom: float = 0.45,
    top: float = 0.45,
) -> tuple[Figure, Axes]:
    """Make a figure with its title and one axes, margins given in inches.

    Fixed margins rather than a layout engine, which would draw every chart twice.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height))
    figure.subplots_adjust(
        left=left / WIDTH, right=1 - right / WIDTH, bottom=bottom / height, top=1 - top / height
    )
    figure.text(0.1 / WIDTH, 1 - 0.1 / height, title, ha="left", va="top", fontsize=11)
    return figure, figure.add_subplot()


def _render(figure: Figure, title: str, alt: str) -> str:
    """Write the figure as SVG, named by its title and described by its alternative."""
    return described(_drawn(figure), title, alt)


def _drawn(figure: Figure) -> str:
    """Write the figure as SVG, without title or description."""
    buffer = io.StringIO()
    # No date in the metadata: the same data must give the same bytes.
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def described(svg: str, title: str, alt: str) -> str:
    """Name an SVG drawing by its title and describe it by its text alternative."""
    opening = svg.index(">", svg.index("<svg")) + 1
    naming = f"<title>{escape(title)}</title><desc>{escape(alt)}</desc>"
    return svg[:opening] + naming + svg[opening:]


@dataclass(frozen=True)
class Split:
    """A chart whose drawing is kept apart from its text, so that a change too small to see
    leaves the drawing as it was (`cached_chart` keeps the drawing by what it shows).

    `text` gives the title, the text alternative and the table from the exact series; `drawing`
    draws the SVG (without title or description) from the series as the chart shows it,
    `as_drawn`: rates rounded below what a pixel or a colour can show, what the drawing does
    not read left out. The table and the alternative stay exact."""

    text: Callable[[Any, str], tuple[str, str, Table]]
    drawing: Callable[[Any, str], str]
    as_drawn: Callable[[Any], Any]

    def chart(self, payload: Any, language: str) -> Chart:
        """Return the whole chart: its text from the series, its drawing as shown."""
        title, alt, table = self.text(payload, language)
        svg = described(self.drawing(self.as_drawn(payload), language), title, alt)
        return Chart(svg=svg, title=title, alt=alt, table=table)


class LinesFrame:
    """A chart drawn once around its lines, which are drawn again alone as their values change.

    Texts, ticks and legends are most of the time matplotlib takes to draw a chart (a tenth of a
    second), and a changed mark moves none of them: only a line. The frame is the chart drawn
    with its lines empty (no value), each line's group left to be written in; beside it, a
    figure of the same size and axes holding those lines alone, nothing else drawn (a few
    milliseconds). `drawn` moves the lines to new values and writes their groups, as matplotlib
    writes them, into the frame: the SVG is the one matplotlib makes of the whole chart at once,
    but for the lines' ids (their names rather than matplotlib's numbers).
    """

    def __init__(self, figure: Figure, axes: Axes, gids: Sequence[str]) -> None:
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D

        lines = {line.get_gid(): line for line in axes.get_lines() if line.get_gid() in gids}
        svg = _drawn(figure)
        for gid in gids:
            start, end = _group(svg, gid)
            svg = svg[:start] + _line_placeholder(gid) + svg[end:]
        self.svg = svg
        # The lines alone, on axes at the same place with the same limits.
        self.figure = Figure(figsize=figure.get_size_inches())
        self.figure.patch.set_visible(False)
        box = axes.get_position()
        alone = self.figure.add_axes((box.x0, box.y0, box.width, box.height))
        alone.set_axis_off()
        alone.set_xlim(axes.get_xlim())
        alone.set_ylim(axes.get_ylim())
        self.lines = {}
        for gid in gids:
            line = Line2D(lines[gid].get_xdata(), lines[gid].get_ydata())
            line.update_from(lines[gid])  # its style, but also its axes' transform and clip
            line.set_transform(alone.transData)
            line.set_clip_path(alone.patch)
            line.set_gid(gid)
            self.lines[gid] = alone.add_line(line)

    def drawn(self, values: dict[str, Sequence[float]]) -> str:
        """Return the chart with each line through its values (NaN: no point, a gap)."""
        with _style():
            for gid, ys in values.items():
                self.lines[gid].set_ydata(ys)
            alone = _drawn(self.figure)
        svg = self.svg
        for gid in self.lines:
            start, end = _group(alone, gid)
            # With its markers' shape, defined where first drawn (the legend's sample reuses it).
            svg = svg.replace(_line_placeholder(gid), alone[start:end], 1)
        return svg


def _line_placeholder(gid: str) -> str:
    return f"@@{gid}@@"


def _group(svg: str, gid: str) -> tuple[int, int]:
    """Return where a group named by its id starts and ends in matplotlib's SVG: an empty one
    closes itself, another ends with the first `</g>` indented as it is (matplotlib indents
    each element by its depth)."""
    start = svg.index(f'<g id="{gid}"')
    opening = svg[start : svg.index(">", start) + 1]
    if opening.endswith("/>"):
        return start, start + len(opening)
    indent = svg[svg.rindex("\n", 0, start) + 1 : start]
    closing = f"\n{indent}</g>"
    return start, svg.index(closing, start) + len(closing)


def _no_data(axes: Axes, words: Words) -> None:
    _ = words.gettext
    axes.set_axis_off()
    axes.text(0.5, 0.5, _("No data yet."), ha="center", va="center", color=GREY, fontsize=10)


def _percent_axis(axis: Axis, words: Words) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _position: words.percent(value)))


def _month_starts(first: date, last: date) -> list[date]:
    """Return the first days of the months that begin between two dates."""
    month = first.replace(day=1)
    if month < first:
        month = (month + timedelta(days=32)).replace(day=1)
    starts = []
    while month <= last:
        starts.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return starts


def _thinned(count: int, most: int = 9) -> int:
    return max(1, math.ceil(count / most))


def _date_axis(axes: Axes, first: date, last: date, words: Words) -> None:
    """Put month names under an axis of dates given as ordinals."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    starts = _month_starts(first, last)
    starts = starts[:: _thinned(len(starts))]
    axes.xaxis.set_major_locator(FixedLocator([day.toordinal() for day in starts]))
    labels = {day.toordinal(): words.month(day, short=True) for day in starts}
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda value, _position: labels.get(round(value), ""))
    )
    axes.set_xlim(first.toordinal() - 3, last.toordinal() + 3)


def _bars(
    axes: Axes,
    xs: Sequence[float],
    heights: Sequence[float],
    *,
    width: float,
    colour: str,
    label: str,
) -> None:
    """Draw bars from 0 as one collection: `Axes.bar` makes a patch per bar and updates the
    axes' limits for each (a millisecond a bar); the caller sets the limits."""
    from matplotlib.collections import PolyCollection

    half = width / 2
    bars = PolyCollection(
        [
            [(x - half, 0.0), (x - half, h), (x + half, h), (x + half, 0.0)]
            for x, h in zip(xs, heights, strict=True)
            if h
        ],
        facecolors=colour,
        edgecolors="none",
        linewidths=0,
        label=label,
    )
    axes.add_collection(bars, autolim=False)


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _lowest_place(values: Sequence[float | None]) -> int | None:
    """Return the place of the lowest value, the earliest on a tie; None when there is none."""
    present = [(value, place) for place, value in enumerate(values) if value is not None]
    return min(present)[1] if present else None


def _lowest(values: Sequence[tuple[float | None, str]]) -> tuple[float | None, str]:
    """Return the lowest value and its label, the earliest on a tie; (None, —) when none."""
    place = _lowest_place([value for value, _label in values])
    return (None, MISSING) if place is None else values[place]


def _consumption(spent: Decimal, planned: Decimal) -> float | None:
    """Divide two amounts as the figures do: in cents, rounded half up to 4 places."""
    return ratio(int(spent * 100), int(planned * 100))


def _threshold_and_bars(
    axes: Axes,
    words: Words,
    threshold: float,
    linestyle: str,
    bars: Sequence[tuple[float, float]] | None,
    *,
    width: float,
) -> None:
    """Draw the threshold's line and, when given, the grey bars of the share of the hours not
    recorded (place, share): listed after the lines in the legend, drawn under them (the
    lines' zorder)."""
    _ = words.gettext
    axes.axhline(
        threshold,
        color=VERMILION,
        linestyle=linestyle,
        linewidth=1.2,
        label=_("Threshold (%(threshold)s)", threshold=words.rate(threshold)),
    )
    if bars is not None:
        _bars(
            axes,
            [place for place, _share in bars],
            [share for _place, share in bars],
            width=width,
            colour=UNRECORDED,
            label=_("Not recorded (share of the hours)"),
        )


def _grey_bars(
    places: Iterable[float], points: Sequence[WeekPoint | MonthPoint]
) -> tuple[tuple[float, float], ...]:
    """Return, at each point's place, the share of its hours not recorded (a frame's grey
    bars, part of its key)."""
    return tuple(
        (place, ratio(point.unrecorded_minutes, point.scheduled_minutes) or 0.0)
        for place, point in zip(places, points, strict=True)
    )


def _rates_axis(axes: Axes, words: Words, limits: tuple[float, float]) -> None:
    """Show the rates of the hours recorded on the vertical axis, between the limits given."""
    axes.set_ylim(*limits)
    _percent_axis(axes.yaxis, words)
    axes.set_ylabel(words.gettext("Attendance of the hours recorded"))
    axes.grid(axis="y")
    axes.set_axisbelow(True)


def _rate_range(
    rates: Sequence[float | None], threshold: float, *, bars: bool = False
) -> tuple[float, float]:
    """Return the rates' axis: from a round tenth below the lowest (and the threshold) up to
    100 %, or from 0 when the shares of hours not recorded are drawn as bars."""
    lowest = 0.0 if bars else min([*(r for r in rates if r is not None), threshold])
    return max(0.0, math.floor(lowest * 10) / 10 - 0.1), 1.02


# ---------------------------------------------------------------------------------------------
# (a) Weekly cohort attendance


def weekly_attendance_chart(points: Sequence[WeekPoint], language: str) -> Chart:
    """Draw the cohort's weekly attendance of the hours recorded against the threshold, and the
    share of the hours whose roll call is not taken yet, apart, in grey."""
    return WEEKLY_ATTENDANCE.chart(points, language)


def _weekly_attendance_text(points: Sequence[WeekPoint], language: str) -> tuple[str, str, Table]:
    words = Words(language)
    _ = words.gettext
    title = _("Cohort attendance per week")
    rated = [p for p in points if p.recorded_rate is not None]
    unrecorded = sum(p.unrecorded_minutes for p in points)
    table = Table(
        headers=(
            _("Week"),
            _("Scheduled hours"),
            _("Attended hours"),
            _("Hours not recorded"),
            _("Attendance of the hours recorded"),
        ),
        rows=tuple(_weekly_row(p, language) for p in points),
    )
    if points:
        first = words.day(points[0].starts_on)
        last = words.day(points[-1].starts_on + timedelta(days=6))
        threshold = points[0].threshold
    if rated:
        lowest, lowest_week = _lowest([(p.recorded_rate, words.week(p.starts_on)) for p in rated])
        alt = _(
            "Attendance per week of the hours recorded, from %(first)s to %(last)s: lowest"
            " %(lowest)s (%(lowest_week)s), latest %(latest)s, threshold %(threshold)s.",
            first=first,
            last=last,
            lowest=words.rate(lowest),
            lowest_week=lowest_week,
            latest=words.rate(rated[-1].recorded_rate),
            threshold=words.rate(threshold),
        ) + _unrecorded_sentence(unrecorded, words)
    elif unrecorded:
        alt = _(
            "No roll call recorded from %(first)s to %(last)s: %(hours)s not recorded, in grey.",
            first=first,
            last=last,
            hours=words.duration(unrecorded),
        )
    else:
        alt = _("No data yet.")
    return title, alt, table


@lru_cache(maxsize=1024)
def _weekly_row(point: WeekPoint, language: str) -> tuple[str, ...]:
    """Write a week's row of the table; kept by the week's figures, which most roll calls
    saved leave as they were."""
    words = Words(language)
    return (
        words.week(point.starts_on),
        words.hours(point.scheduled_minutes),
        words.hours(point.attended_minutes),
        words.hours(point.unrecorded_minutes),
        words.rate(point.recorded_rate),
    )


# A thousandth of attendance: a quarter of a pixel at most on the chart's rate axis.
WEEKLY_RATE_DIGITS = 3


def _weekly_attendance_as_drawn(points: Sequence[WeekPoint]) -> tuple[WeekPoint, ...]:
    """The weeks as the chart shows them: the rates of the hours recorded to a thousandth, the
    hours scheduled and not recorded (the grey bars) as they are; the attended and excused
    hours and the rate of the hours scheduled, which it does not draw, left out."""
    return tuple(
        replace(
            point,
            attended_minutes=0,
            excused_minutes=0,
            rate=None,
            recorded_rate=(
                None
                if point.recorded_rate is None
                else round(point.recorded_rate, WEEKLY_RATE_DIGITS)
            ),
        )
        for point in points
    )


def _weekly_attendance_drawing(points: Sequence[WeekPoint], language: str) -> str:
    rated = [p for p in points if p.recorded_rate is not None]
    unrecorded = sum(p.unrecorded_minutes for p in points)
    if not rated and not unrecorded:
        words = Words(language)
        with _style():
            figure, axes = _figure(words.gettext("Cohort attendance per week"))
            _no_data(axes, words)
            return _drawn(figure)
    xs: list[float] = []
    ys: list[float] = []
    for point in points:
        if xs and point.starts_on.toordinal() + 2 - xs[-1] > 7:
            xs.append(xs[-1] + 1)  # a week without sessions (a break): no line across
            ys.append(math.nan)
        xs.append(point.starts_on.toordinal() + 2)  # mid-week
        ys.append(_nan(point.recorded_rate))
    threshold = points[0].threshold
    frame = _weekly_attendance_frame(
        tuple(xs),
        (points[0].starts_on, points[-1].starts_on + timedelta(days=6)),
        threshold,
        _grey_bars([p.starts_on.toordinal() + 2 for p in points], points) if unrecorded else None,
        _rate_range([p.recorded_rate for p in rated], threshold, bars=bool(unrecorded)),
        language,
    )
    return frame.drawn({_WEEKLY_LINE: ys})


_WEEKLY_LINE = "cohort-weekly-rate"


@lru_cache(maxsize=16)
def _weekly_attendance_frame(
    xs: tuple[float, ...],
    days: tuple[date, date],
    threshold: float,
    bars: tuple[tuple[float, float], ...] | None,
    limits: tuple[float, float],
    language: str,
) -> LinesFrame:
    """Draw the weekly chart around its line: kept per weeks, threshold, grey bars, rates' axis
    and language, so that a changed mark, which moves the line and rarely the axis, draws the
    line alone."""
    words = Words(language)
    _ = words.gettext
    with _style():
        figure, axes = _figure(_("Cohort attendance per week"))
        axes.plot(
            xs,
            [math.nan] * len(xs),
            color=BLUE,
            marker="o",
            markersize=3,
            linewidth=1.5,
            label=_("Cohort"),
            gid=_WEEKLY_LINE,
        )
        _threshold_and_bars(axes, words, threshold, "--", bars, width=5)
        _date_axis(axes, *days, words)
        _rates_axis(axes, words, limits)
        axes.legend(loc="lower left")
        return LinesFrame(figure, axes, [_WEEKLY_LINE])


WEEKLY_ATTENDANCE = Split(
    text=_weekly_attendance_text,
    drawing=_weekly_attendance_drawing,
    as_drawn=_weekly_attendance_as_drawn,
)


def _unrecorded_sentence(minutes: int, words: Words) -> str:
    """Say how many hours are not recorded (shown in grey), after a sentence; nothing if none."""
    if not minutes:
        return ""
    return " " + words.gettext("%(hours)s not recorded, in grey.", hours=words.duration(minutes))


# ---------------------------------------------------------------------------------------------
# (b) Heat map per trainee and week


def attendance_heatmap_chart(heatmap: Heatmap, language: str) -> Chart:
    """Draw each trainee's weekly attendance of the hours recorded as a heat map: grey where no
    roll call was taken, blank where the trainee was not expected."""
    return ATTENDANCE_HEATMAP.chart(heatmap, language)


def _attendance_heatmap_text(heatmap: Heatmap, language: str) -> tuple[str, str, Table]:
    words = Words(language)
    _ = words.gettext
    title = _("Attendance per trainee and week")
    threshold = heatmap.threshold
    rows = []
    below_total = 0
    # Each trainee's lowest rate, with their row and its week's column.
    lowest_cells = []
    for row, (ref, rates, unrecorded) in enumerate(
        zip(heatmap.refs, heatmap.rates, heatmap.unrecorded, strict=True)
    ):
        cells, below, column = _heatmap_row(
            ref, rates, unrecorded, heatmap.week_starts, threshold, language
        )
        rows.append(cells)
        below_total += below
        if column is not None:
            lowest_cells.append((rates[column], row, column))
    table = Table(
        headers=(
            _("Trainee"),
            _("Weeks expected"),
            _("Weeks not recorded"),
            _("Weeks below threshold"),
            _("Lowest rate"),
            _("Week of the lowest rate"),
        ),
        rows=tuple(rows),
    )
    # The lowest of the trainees' lowest, the first trainee's on a tie.
    lowest = None
    if lowest_cells:
        lowest, row, column = min(lowest_cells, key=lambda cell: (cell[0], cell[1]))
        lowest_ref, lowest_week = heatmap.refs[row], words.week(heatmap.week_starts[column])
    unrecorded = sum(minutes or 0 for row in heatmap.unrecorded for minutes in row)
    if heatmap.weeks:
        first = words.day(heatmap.week_starts[0])
        last = words.day(heatmap.week_starts[-1] + timedelta(days=6))
    if lowest is not None:
        alt = _(
            "Attendance of the hours recorded of %(trainees)s trainees over %(weeks)s weeks from"
            " %(first)s to %(last)s: %(below)s trainee-weeks below the %(threshold)s threshold;"
            " lowest %(lowest)s (%(lowest_ref)s, %(lowest_week)s).",
            trainees=str(len(heatmap.refs)),
            weeks=str(len(heatmap.weeks)),
            first=first,
            last=last,
            below=str(below_total),
            threshold=words.rate(threshold),
            lowest=words.rate(lowest),
            lowest_ref=lowest_ref,
            lowest_week=lowest_week,
        ) + _unrecorded_sentence(unrecorded, words)
    elif unrecorded:
        alt = _(
            "No roll call recorded for %(trainees)s trainees over %(weeks)s weeks from %(first)s"
            " to %(last)s: %(hours)s not recorded, in grey.",
            trainees=str(len(heatmap.refs)),
            weeks=str(len(heatmap.weeks)),
            first=first,
            last=last,
            hours=words.duration(unrecorded),
        )
    else:
        alt = _("No data yet.")
    return title, alt, table


# The colours of the heat map's cells: a cell is drawn at the middle of its sixty-fourth of the
# scale (0.8 % of attendance at most from its rate, a step of colour hardly told apart).
HEATMAP_COLOUR_LEVELS = 64


@lru_cache(maxsize=512)
def _heatmap_row(
    ref: str,
    rates: tuple[float | None, ...],
    unrecorded: tuple[int | None, ...],
    week_starts: tuple[date, ...],
    threshold: float,
    language: str,
) -> tuple[tuple[str, ...], int, int | None]:
    """Return a trainee's row of the heat map's table, their weeks below the threshold and the
    column of their lowest week (None: no rate); kept by the row's values, which most roll
    calls saved leave as they were."""
    words = Words(language)
    expected = [minutes is not None for minutes in unrecorded]
    # Below the threshold: of the hours recorded only; a week not recorded is not absent.
    below = sum(1 for rate in rates if rate is not None and round(rate, 9) < threshold)
    # The week named only once found (a heat map has some 1,800 cells).
    column = _lowest_place(rates)
    lowest = None if column is None else rates[column]
    lowest_week = MISSING if column is None else words.week(week_starts[column])
    cells = (
        ref,
        str(sum(expected)),
        str(sum(1 for rate, known in zip(rates, expected, strict=True) if known and rate is None)),
        str(below),
        words.rate(lowest),
        lowest_week,
    )
    return cells, below, column


def _attendance_heatmap_as_drawn(heatmap: Heatmap) -> Heatmap:
    """The heat map as drawn: each rate at the middle of its level of colour; of the minutes
    not recorded, only whether there are any (the grey cells)."""
    return replace(
        heatmap,
        rates=tuple(_levels(row) for row in heatmap.rates),
        unrecorded=tuple(_greys(row) for row in heatmap.unrecorded),
    )


# A trainee's row is the same after most roll calls saved (one row changes): kept by its values.
@lru_cache(maxsize=512)
def _levels(rates: tuple[float | None, ...]) -> tuple[float | None, ...]:
    """Put each rate of a row at the middle of its level of colour."""
    levels = HEATMAP_COLOUR_LEVELS
    return tuple(
        None
        if rate is None
        else (min(max(math.floor(rate * levels), 0), levels - 1) + 0.5) / levels
        for rate in rates
    )


@lru_cache(maxsize=512)
def _greys(unrecorded: tuple[int | None, ...]) -> tuple[int | None, ...]:
    """Tell, of each cell of a row, whether some of its minutes are not recorded."""
    return tuple(None if minutes is None else int(minutes > 0) for minutes in unrecorded)


def _attendance_heatmap_drawing(heatmap: Heatmap, language: str) -> str:
    """Draw the heat map: its frame (title, refs, months, colour bar, legend), drawn by
    matplotlib once per shape and language and kept, with the cells written in as an image of
    one pixel per cell, which the SVG scales up without smoothing (`image-rendering`, which
    WeasyPrint reads too). A changed mark redraws an image of a few hundred pixels, not the
    two hundred milliseconds of texts and ticks around it."""
    rated = any(rate is not None for rates in heatmap.rates for rate in rates)
    unrecorded = any(minutes for row in heatmap.unrecorded for minutes in row)
    if not rated and not unrecorded:
        words = Words(language)
        with _style():
            figure, axes = _heatmap_figure(words, len(heatmap.refs))
            _no_data(axes, words)
            return _drawn(figure)
    frame = _heatmap_frame(
        heatmap.refs, heatmap.week_starts, heatmap.threshold, unrecorded, language
    )
    return frame.replace(_CELLS_PLACEHOLDER, _png(_heatmap_cells(heatmap)), 1)


def _heatmap_figure(words: Words, trainees: int) -> tuple[Figure, Axes]:
    """Make the heat map's figure, its height growing with the number of trainees."""
    height = min(12.0, max(HEIGHT, 1.2 + 0.17 * trainees))
    title = words.gettext("Attendance per trainee and week")
    return _figure(title, height, left=0.75, right=1.25, bottom=0.6)


# The heat map's cells: the image's id in the frame, and what stands for its pixels there.
_CELLS_ID = "attendance-heatmap-cells"
_CELLS_PLACEHOLDER = "@@cells@@"
_PNG_DATA = "data:image/png;base64,\n"


def _heatmap_cells(heatmap: Heatmap) -> Any:
    """Return the heat map's cells as an image, a row of pixels per trainee (RGBA bytes): the
    rate's colour on the cividis scale, grey where the hours are not recorded, white where no
    roll call was expected."""
    import matplotlib
    import numpy
    from matplotlib.colors import to_rgba_array

    rates = numpy.array([[_nan(rate) for rate in rates] for rates in heatmap.rates], dtype=float)
    pixels = matplotlib.colormaps["cividis"](numpy.nan_to_num(rates), bytes=True)
    blank = numpy.isnan(rates)
    grey = numpy.array(
        [[minutes is not None for minutes in row] for row in heatmap.unrecorded], dtype=bool
    )
    pixels[blank] = (to_rgba_array("white") * 255).round()
    pixels[blank & grey] = (to_rgba_array(UNRECORDED) * 255).round()
    return pixels


def _png(pixels: Any) -> str:
    """Write an image of RGBA bytes as PNG, in base64 (as matplotlib writes one in an SVG)."""
    import base64

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


@lru_cache(maxsize=16)
def _heatmap_frame(
    refs: tuple[str, ...],
    week_starts: tuple[date, ...],
    threshold: float,
    unrecorded: bool,
    language: str,
) -> str:
    """Draw the heat map around an image of its cells, whose pixels are left to be written in
    (`_CELLS_PLACEHOLDER`): what does not depend on the rates, drawn once per shape."""
    words = Words(language)
    _ = words.gettext
    import matplotlib
    import numpy
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch

    with _style():
        figure, axes = _heatmap_figure(words, len(refs))
        height = figure.get_figheight()
        # Any pixels of the right shape: they are written over.
        cells = axes.imshow(
            numpy.zeros((len(refs), len(week_starts), 4), dtype=numpy.uint8),
            aspect="auto",
            interpolation="none",
        )
        # A fixed id: matplotlib would name the image after its pixels.
        cells.set_gid(_CELLS_ID)
        if unrecorded:
            figure.legend(
                handles=[Patch(facecolor=UNRECORDED, label=_("Not recorded"))],
                loc="upper right",
                bbox_to_anchor=(1 - 0.1 / WIDTH, 1 - 0.05 / height),
            )
        _row_labels(axes, refs, _("Trainee"))
        starts = _week_columns(week_starts, len(week_starts) / 9)
        axes.set_xticks(
            [column for column, _position in starts],
            [words.month(month, short=True) for _position, month in starts],
        )
        axes.set_xlabel(_("Week"))
        for spine in axes.spines.values():
            spine.set_visible(False)
        box = axes.get_position()
        colour_axes = figure.add_axes((box.x1 + 0.15 / WIDTH, box.y0, 0.15 / WIDTH, box.height))
        scale = ScalarMappable(Normalize(0.0, 1.0), matplotlib.colormaps["cividis"])
        colour_bar = figure.colorbar(scale, cax=colour_axes)
        colour_bar.set_label(_("Attendance of the hours recorded"))
        _percent_axis(colour_bar.ax.yaxis, words)
        colour_bar.ax.axhline(threshold, color=VERMILION, linewidth=2)
        colour_bar.outline.set_visible(False)
        svg = _drawn(figure)
    image = svg.index(f'id="{_CELLS_ID}"')
    opening = svg.rindex("<image", 0, image)
    data = svg.index(_PNG_DATA, opening) + len(_PNG_DATA)
    return svg[:data] + _CELLS_PLACEHOLDER + svg[svg.index('"', data) :]


ATTENDANCE_HEATMAP = Split(
    text=_attendance_heatmap_text,
    drawing=_attendance_heatmap_drawing,
    as_drawn=_attendance_heatmap_as_drawn,
)

# The charts drawn again after most roll calls saved, whose drawing is kept apart from their text.
SPLITS: dict[Callable[[Any, str], Chart], Split] = {
    weekly_attendance_chart: WEEKLY_ATTENDANCE,
    attendance_heatmap_chart: ATTENDANCE_HEATMAP,
}


def _row_labels(axes: Axes, labels: Sequence[str], title: str) -> None:
    """Write each row's label to the left of the axes, and the axis's title to their left.

    Plain texts rather than ticks: matplotlib builds a tick per row (two lines and their markers,
    copied from the first) and measures every label to place the title, a third of a heat map's
    drawing time. Placed as ticks of no length would be: 3.5 points from the axes, the title
    4 points left of the widest label.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path
    from matplotlib.transforms import blended_transform_factory

    axes.set_yticks([])
    size = 7
    beside = blended_transform_factory(axes.transAxes, axes.transData)
    for row, label in enumerate(labels):
        axes.text(
            0,
            row,
            label,
            transform=beside + _points(axes, -3.5),
            ha="right",
            va="center_baseline",
            fontsize=size,
            color=GREY,
        )
    font = FontProperties(family=STYLE["font.family"], size=size)
    measure = text_to_path.get_text_width_height_descent
    widest = max((measure(label, font, ismath=False)[0] for label in labels), default=0.0)
    axes.set_ylabel(title)
    axes.yaxis.set_label_coords(
        0, 0.5, transform=axes.transAxes + _points(axes, -(3.5 + widest + 4))
    )


def _points(axes: Axes, across: float) -> Transform:
    """Return a shift of `across` points, whatever resolution the figure is written at."""
    from matplotlib.transforms import ScaledTranslation

    return ScaledTranslation(across / 72, 0, axes.figure.dpi_scale_trans)


def _week_columns(week_starts: Sequence[date], spacing: float) -> list[tuple[int, date]]:
    """Return the columns of weeks that start a month, with that month, `spacing` apart or more.

    Weeks without sessions (breaks) have no column, so months are not evenly spaced.
    """
    columns: list[tuple[int, date]] = []
    month = None
    for column, monday in enumerate(week_starts):
        if monday.replace(day=1) == month:
            continue
        month = monday.replace(day=1)
        if not columns or column - columns[-1][0] >= spacing:
            columns.append((column, month))
    return columns


# ---------------------------------------------------------------------------------------------
# (c) Budget burn-up


def budget_burn_up_chart(burn_up: BurnUp, language: str) -> Chart:
    """Draw cumulative spending against the linear plan, the forecast and the grant."""
    words = Words(language)
    _ = words.gettext
    title = _("Budget burn-up")
    consumption = _consumption(burn_up.spent, burn_up.grant)
    alt = _(
        "Budget as of %(as_of)s: %(spent)s spent of a %(grant)s grant (%(consumption)s),"
        " against %(planned)s on the linear plan; forecast at completion %(forecast)s.",
        as_of=words.day(burn_up.as_of),
        spent=words.money(burn_up.spent),
        grant=words.money(burn_up.grant),
        consumption=words.rate(consumption),
        planned=words.money(burn_up.planned),
        forecast=words.money(burn_up.forecast_at_completion),
    )
    if not burn_up.points:
        alt = _("No data yet.")
    table = Table(
        headers=(
            _("Month"),
            _("Cumulative spend"),
            _("Linear plan"),
            _("Forecast"),
        ),
        rows=tuple(
            (
                words.month(p.month),
                words.money(p.spent),
                words.money(p.planned),
                words.money(p.forecast),
            )
            for p in burn_up.points
        ),
    )

    from matplotlib.ticker import FuncFormatter

    with _style():
        figure, axes = _figure(title)
        if not burn_up.points:
            _no_data(axes, words)
        else:
            start = burn_up.starts_on.toordinal()
            axes.plot(
                [start] + [p.ends_on.toordinal() for p in burn_up.points],
                [0.0] + [float(p.planned) for p in burn_up.points],
                color=GREY,
                linewidth=1.2,
                label=_("Linear plan"),
            )
            spent = [p for p in burn_up.points if p.spent is not None]
            if spent:
                axes.plot(
                    [min(p.ends_on, burn_up.as_of).toordinal() for p in spent],
                    [float(p.spent) for p in spent],
                    color=BLUE,
                    marker="o",
                    markersize=3,
                    linewidth=2,
                    label=_("Cumulative spend"),
                )
            forecast = [p for p in burn_up.points if p.forecast is not None]
            if forecast and burn_up.as_of < burn_up.ends_on:
                axes.plot(
                    [burn_up.as_of.toordinal()] + [p.ends_on.toordinal() for p in forecast],
                    [float(burn_up.spent)] + [float(p.forecast) for p in forecast],
                    color=ORANGE,
                    linestyle="--",
                    linewidth=1.8,
                    label=_("Forecast"),
                )
            axes.axhline(
                float(burn_up.grant),
                color="#222222",
                linestyle=":",
                linewidth=1.2,
                label=_("Grant"),
            )
            if burn_up.starts_on <= burn_up.as_of <= burn_up.ends_on:
                axes.axvline(
                    burn_up.as_of.toordinal(),
                    color=GREY,
                    linestyle=(0, (1, 3)),
                    linewidth=0.8,
                    label=_("As of %(date)s", date=words.day(burn_up.as_of)),
                )
            _date_axis(axes, burn_up.starts_on, burn_up.ends_on, words)
            axes.set_ylim(bottom=0)
            axes.yaxis.set_major_formatter(
                FuncFormatter(lambda value, _position: words.compact_money(value))
            )
            axes.set_ylabel(_("Amount"))
            axes.grid(axis="y")
            axes.legend(loc="lower right")
        svg = _render(figure, title, alt)
    return Chart(svg=svg, title=title, alt=alt, table=table)


# ---------------------------------------------------------------------------------------------
# (d) Planned against spent per budget line


def budget_lines_chart(lines: Sequence[LineFigures], language: str) -> Chart:
    """Draw what each budget line planned against what it spent, as horizontal bars."""
    words = Words(language)
    _ = words.gettext
    title = _("Planned and spent per budget line")
    table = Table(
        headers=(_("Line"), _("Planned"), _("Spent"), _("Consumption")),
        rows=tuple(
            (
                f"{line.code} {line.label}",
                words.money(line.planned),
                words.money(line.spent),
                words.rate(line.consumption),
            )
            for line in lines
        ),
    )
    if lines:
        planned = sum((line.planned for line in lines), Decimal(0))
        spent = sum((line.spent for line in lines), Decimal(0))
        consumed = [line for line in lines if line.consumption is not None]
        top = max(consumed, key=lambda line: line.consumption or 0.0) if consumed else None
        alt = words.ngettext(
            "Spent on %(num)d budget line: %(spent)s of %(planned)s planned (%(consumption)s);"
            " most consumed line: %(top)s (%(top_consumption)s).",
            "Spent on %(num)d budget lines: %(spent)s of %(planned)s planned (%(consumption)s);"
            " most consumed line: %(top)s (%(top_consumption)s).",
            len(lines),
            spent=words.money(spent),
            planned=words.money(planned),
            consumption=words.rate(_consumption(spent, planned)),
            top=f"{top.code} {top.label}" if top else MISSING,
            top_consumption=words.rate(top.consumption if top else None),
        )
    else:
        alt = _("No data yet.")

    height = max(HEIGHT, 1.2 + 0.45 * len(lines))
    labels = [textwrap.fill(line.label, 28) for line in lines]
    # About 0.065 inch a character at 8 points, for the longest line of a label.
    widest = max((len(part) for label in labels for part in label.splitlines()), default=0)
    from matplotlib.ticker import FuncFormatter

    with _style():
        figure, axes = _figure(title, height, left=0.3 + 0.065 * widest, bottom=0.6)
        if not lines:
            _no_data(axes, words)
        else:
            positions = range(len(lines))
            axes.barh(
                positions,
                [float(line.planned) for line in lines],
                height=0.75,
                color=LIGHT,
                label=_("Planned"),
            )
            axes.barh(
                positions,
                [float(line.spent) for line in lines],
                height=0.4,
                color=BLUE,
                label=_("Spent"),
            )
            for position, line in zip(positions, lines, strict=True):
                axes.annotate(
                    words.rate(line.consumption),
                    (float(max(line.planned, line.spent)), position),
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=8,
                    color="#222222",
                )
            axes.set_yticks(list(positions), labels)
            axes.invert_yaxis()
            axes.tick_params(axis="y", length=0)
            axes.xaxis.set_major_formatter(
                FuncFormatter(lambda value, _position: words.compact_money(value))
            )
            axes.set_xlim(0, float(max(max(line.planned, line.spent) for line in lines)) * 1.12)
            axes.set_xlabel(_("Amount"))
            axes.grid(axis="x")
            axes.set_axisbelow(True)
            axes.legend(loc="lower right")
        svg = _render(figure, title, alt)
    return Chart(svg=svg, title=title, alt=alt, table=table)


# ---------------------------------------------------------------------------------------------
# (e) A trainee's monthly attendance against the cohort's


def trainee_attendance_chart(points: Sequence[MonthPoint], language: str) -> Chart:
    """Draw a trainee's monthly attendance of the hours recorded against the cohort's and the
    threshold, and the share of the trainee's hours not recorded, apart, in grey."""
    words = Words(language)
    _ = words.gettext
    title = _("Monthly attendance: trainee and cohort")
    table = Table(
        headers=(_("Month"), _("Trainee"), _("Cohort"), _("Hours not recorded")),
        rows=tuple(
            (
                words.month(p.month),
                words.rate(p.trainee_rate),
                words.rate(p.cohort_rate),
                words.hours(p.unrecorded_minutes),
            )
            for p in points
        ),
    )
    # The cohort's line where it is made of enough trainees (SMALLEST_GROUP), else none at all.
    compared = any(p.cohort_rate is not None for p in points)
    rated = [p for p in points if p.trainee_rate is not None]
    unrecorded = sum(p.unrecorded_minutes for p in points)
    if points:
        threshold = points[0].threshold
        first, last = words.month(points[0].month), words.month(points[-1].month)
    if rated:
        lowest, lowest_month = _lowest([(p.trainee_rate, words.month(p.month)) for p in points])
        alt = _(
            "Trainee's monthly attendance of the hours recorded, from %(first)s to %(last)s:"
            " lowest %(lowest)s (%(lowest_month)s), latest %(latest)s; threshold %(threshold)s.",
            first=first,
            last=last,
            lowest=words.rate(lowest),
            lowest_month=lowest_month,
            latest=words.rate(rated[-1].trainee_rate),
            threshold=words.rate(threshold),
        )
    elif points:
        alt = _(
            "No roll call recorded for the trainee from %(first)s to %(last)s.",
            first=first,
            last=last,
        )
    else:
        alt = _("No data yet.")
    if points:
        if points[-1].cohort_rate is not None:
            alt += " " + _(
                "The cohort's, latest: %(rate)s.", rate=words.rate(points[-1].cohort_rate)
            )
        if any(p.cohort_rate is None for p in points):
            alt += " " + _(
                "The cohort's rate is shown for the months in which at least %(count)s"
                " trainees have a roll call.",
                count=str(SMALLEST_GROUP),
            )
        alt += _unrecorded_sentence(unrecorded, words)

    if not points:
        with _style():
            figure, axes = _figure(title)
            _no_data(axes, words)
            svg = _render(figure, title, alt)
        return Chart(svg=svg, title=title, alt=alt, table=table)
    frame = _trainee_attendance_frame(
        tuple(p.month for p in points),
        threshold,
        compared,
        _grey_bars(range(len(points)), points) if unrecorded else None,
        _rate_range(
            [r for p in points for r in (p.trainee_rate, p.cohort_rate)],
            threshold,
            bars=bool(unrecorded),
        ),
        language,
    )
    lines = {_TRAINEE_LINE: [_nan(p.trainee_rate) for p in points]}
    if compared:
        lines[_COHORT_LINE] = [_nan(p.cohort_rate) for p in points]
    svg = described(frame.drawn(lines), title, alt)
    return Chart(svg=svg, title=title, alt=alt, table=table)


_TRAINEE_LINE, _COHORT_LINE = "trainee-rate", "cohort-rate"


@lru_cache(maxsize=32)
def _trainee_attendance_frame(
    months: tuple[date, ...],
    threshold: float,
    compared: bool,
    bars: tuple[tuple[float, float], ...] | None,
    limits: tuple[float, float],
    language: str,
) -> LinesFrame:
    """Draw a trainee's chart around its lines (the trainee's, the cohort's when compared):
    kept per months, threshold, grey bars, rates' axis and language, so that a changed mark,
    which moves a line and rarely the axis, draws the lines alone."""
    words = Words(language)
    _ = words.gettext
    positions = list(range(len(months)))
    nothing = [math.nan] * len(months)
    with _style():
        figure, axes = _figure(_("Monthly attendance: trainee and cohort"))
        axes.plot(
            positions,
            nothing,
            color=BLUE,
            marker="o",
            markersize=4,
            linewidth=2,
            label=_("Trainee"),
            gid=_TRAINEE_LINE,
        )
        if compared:
            axes.plot(
                positions,
                nothing,
                color=ORANGE,
                marker="s",
                markersize=3,
                linestyle="--",
                linewidth=1.5,
                label=_("Cohort"),
                gid=_COHORT_LINE,
            )
        _threshold_and_bars(axes, words, threshold, ":", bars, width=0.6)
        step = _thinned(len(months), 12)
        axes.set_xticks(
            positions[::step], [words.month(month, short=True) for month in months[::step]]
        )
        axes.set_xlim(-0.5, len(months) - 0.5)
        _rates_axis(axes, words, limits)
        axes.legend(loc="lower left", ncols=2)
        return LinesFrame(
            figure, axes, [_TRAINEE_LINE, _COHORT_LINE] if compared else [_TRAINEE_LINE]
        )


# ---------------------------------------------------------------------------------------------
# (f) A trainee's module grades against the pass mark and the cohort median


def module_grades_chart(points: Sequence[ModuleGradePoint], language: str) -> Chart:
    """Draw a trainee's grade in each module against its pass mark and the cohort's median."""
    words = Words(language)
    _ = words.gettext
    title = _("Grades per module")
    table = Table(
        headers=(_("Module"), _("Trainee's grade"), _("Pass mark"), _("Cohort median")),
        rows=tuple(
            (
                p.code,
                words.grade(p.grade),
                words.grade(p.pass_mark),
                words.grade(p.cohort_median),
            )
            for p in points
        ),
    )
    # The cohort's medians where they are of enough graded trainees (SMALLEST_GROUP).
    compared = any(p.cohort_median is not None for p in points)
    if points:
        alt = _(
            "Grades out of 20 per module: %(modules)s.",
            # One module after another: "; " in English, " ; " in French.
            modules=_("; ").join(
                _(
                    "%(code)s %(grade)s (pass mark %(pass_mark)s, median %(median)s)",
                    code=p.code,
                    grade=words.grade(p.grade),
                    pass_mark=words.grade(p.pass_mark),
                    median=words.grade(p.cohort_median),
                )
                for p in points
            ),
        )
        if any(p.cohort_median is None for p in points):
            alt += " " + _(
                "The cohort's median is shown for the modules in which at least %(count)s"
                " trainees have a grade.",
                count=str(SMALLEST_GROUP),
            )
    else:
        alt = _("No data yet.")

    from matplotlib.ticker import FixedLocator

    with _style():
        figure, axes = _figure(title, bottom=0.8, left=0.7)
        if not points:
            _no_data(axes, words)
        else:
            positions = list(range(len(points)))
            bars = axes.bar(
                positions,
                [_nan(p.grade) for p in points],
                width=0.6,
                color=BLUE,
                label=_("Trainee's grade"),
            )
            handles = [bars]
            if compared:
                medians = axes.plot(
                    positions,
                    [_nan(p.cohort_median) for p in points],
                    linestyle="none",
                    marker="D",
                    markersize=6,
                    markerfacecolor=ORANGE,
                    markeredgecolor="#222222",
                    markeredgewidth=0.6,
                    zorder=4,
                    label=_("Cohort median"),
                )
                handles.append(medians[0])
            pass_marks = axes.hlines(
                [p.pass_mark for p in points],
                [x - 0.4 for x in positions],
                [x + 0.4 for x in positions],
                colors=VERMILION,
                linestyles="--",
                linewidth=1.8,
                zorder=3,
                label=_("Pass mark"),
            )
            axes.set_xticks(positions, [p.code for p in points])
            axes.set_xlim(-0.6, len(points) - 0.4)
            axes.set_ylim(0, 20)
            axes.yaxis.set_major_locator(FixedLocator([0, 5, 10, 15, 20]))
            axes.set_ylabel(_("Grade out of 20"))
            axes.grid(axis="y")
            axes.set_axisbelow(True)
            axes.legend(
                handles=[*handles, pass_marks],
                loc="upper center",
                bbox_to_anchor=(0.5, -0.12),
                ncols=3,
            )
        svg = _render(figure, title, alt)
    return Chart(svg=svg, title=title, alt=alt, table=table)
