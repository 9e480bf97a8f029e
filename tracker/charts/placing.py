"""Charts placed inline in a page: ids made unique, and the latest ones kept in memory."""

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from tracker.charts.drawing import Chart
from tracker.metrics.figures import CohortData

SVG_ID = re.compile(r'\bid="([^"]+)"')
SVG_REFERENCE = re.compile(r'(href="#|url\(#)([^")]+)')


@dataclass(frozen=True)
class PlacedChart:
    """A chart of a page, with its SVG ready to be placed inline (its ids made unique)."""

    name: str
    chart: Chart
    markup: str


def scoped_markup(chart: Chart, prefix: str) -> str:
    """Return the chart's inline SVG with its ids prefixed, unique among the page's charts.

    matplotlib numbers the ids of each drawing from 1 (figure_1, patch_1 …): two charts on one
    page would repeat them, and references such as clip paths could point to the other chart.
    """
    markup = SVG_ID.sub(lambda match: f'id="{prefix}-{match[1]}"', chart.markup)
    return SVG_REFERENCE.sub(lambda match: f"{match[1]}{prefix}-{match[2]}", markup)


def place(name: str, chart: Chart) -> PlacedChart:
    """Make a chart ready to be placed inline under a name unique in its page."""
    return PlacedChart(name, chart, scoped_markup(chart, name))


def data_key(data: CohortData) -> tuple:
    """Key the charts drawn from a cohort's data without copying or comparing its rows.

    Computing the series of a long course takes longer than the rest of a page, so the charts of
    the most recent inputs are kept in memory under this key: Python's own hash, computed in C
    over the loaded rows in a fraction of a millisecond. Its 64 bits make a collision between two
    versions of a cohort's data vanishingly unlikely; the key also holds the cohort, the date and
    the number of roll calls. Every input is in it: an assessment's maximum or a module's pass
    mark changes grades with the same rows of scores (as the records stood at an earlier
    instant, or after a correction).
    """
    return (
        data.as_of,
        data.cohort,
        len(data.marks),
        hash(
            (
                data.trainees,
                data.sessions,
                data.marks,
                data.modules,
                data.assessments,
                data.scores,
                data.budget_lines,
                data.expenses,
            )
        ),
    )


class RecentCharts:
    """The charts of the most recent inputs in this process, least recently used dropped first."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._charts: OrderedDict[Hashable, tuple[PlacedChart, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, key: Hashable, draw: Callable[[], tuple[PlacedChart, ...]]
    ) -> tuple[PlacedChart, ...]:
        """Return the charts kept under the key, drawing (or reading from disk) them when new."""
        with self._lock:
            charts = self._charts.get(key)
            if charts is not None:
                self._charts.move_to_end(key)
                return charts
        charts = draw()
        with self._lock:
            self._charts[key] = charts
            while len(self._charts) > self.size:
                self._charts.popitem(last=False)
        return charts


recent_charts = RecentCharts()
