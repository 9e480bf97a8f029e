"""Charts placed inline in a page, their ids made unique."""

import re
from dataclasses import dataclass

from tracker.charts.drawing import Chart

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
