"""The charts of the funding and progress pages, as SVG in the page's language, and their cache.

Each chart function takes a series of `tracker.metrics.series` (or the budget lines of the
figures) and a language, "fr" or "en", and returns a `Chart`: the SVG, its title, a text
alternative with the key figures and a table of its figures. `cached_chart` keeps them as files.
"""

from tracker.charts.cache import cached_chart, canonical, chart_key
from tracker.charts.drawing import (
    Chart,
    Table,
    attendance_heatmap_chart,
    budget_burn_up_chart,
    budget_lines_chart,
    matplotlib_version,
    module_grades_chart,
    trainee_attendance_chart,
    weekly_attendance_chart,
)

__all__ = [
    "Chart",
    "Table",
    "attendance_heatmap_chart",
    "budget_burn_up_chart",
    "budget_lines_chart",
    "cached_chart",
    "canonical",
    "chart_key",
    "matplotlib_version",
    "module_grades_chart",
    "trainee_attendance_chart",
    "weekly_attendance_chart",
]
