"""Charts: valid SVG in the page's language, text alternatives with the figures, the cache."""

import itertools
import os
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.dates import format_date

from tests.test_series import (
    attendance_cohort,
    budget_cohort,
    demo_cohort_data,
    five_graded_cohort,
    grades_cohort,
    statement_cohort,
)
from tracker import charts
from tracker.charts import drawing
from tracker.charts.cache import forget_old_charts
from tracker.charts.labels import LOCALES, Words
from tracker.metrics import series
from tracker.metrics.figures import cohort_figures

NNBSP, NBSP = "\u202f", "\u00a0"

TITLES = {
    "weekly": {
        "fr": "Taux de présence de la promotion par semaine",
        "en": "Cohort attendance per week",
    },
    "heatmap": {
        "fr": "Taux de présence par stagiaire et par semaine",
        "en": "Attendance per trainee and week",
    },
    "burn_up": {"fr": "Consommation du budget", "en": "Budget burn-up"},
    "lines": {
        "fr": "Prévu et dépensé par ligne budgétaire",
        "en": "Planned and spent per budget line",
    },
    "trainee_attendance": {
        "fr": f"Taux de présence mensuel{NBSP}: stagiaire et promotion",
        "en": "Monthly attendance: trainee and cohort",
    },
    "grades": {"fr": "Notes par module", "en": "Grades per module"},
}

DRAW = {
    "weekly": charts.weekly_attendance_chart,
    "heatmap": charts.attendance_heatmap_chart,
    "burn_up": charts.budget_burn_up_chart,
    "lines": charts.budget_lines_chart,
    "trainee_attendance": charts.trainee_attendance_chart,
    "grades": charts.module_grades_chart,
}


def series_of(data, trainee_id: int) -> dict:
    """Return the input of every chart for one cohort and one of its trainees."""
    return {
        "weekly": series.weekly_attendance(data),
        "heatmap": series.attendance_heatmap(data),
        "burn_up": series.budget_burn_up(data),
        "lines": cohort_figures(data).budget.lines,
        "trainee_attendance": series.trainee_monthly_attendance(data, trainee_id),
        "grades": series.trainee_module_grades(data, trainee_id),
    }


@pytest.fixture(scope="module")
def demo_series():
    return series_of(demo_cohort_data(date(2022, 9, 30)), trainee_id=5)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag.endswith("svg")
    assert root.get("viewBox") or (root.get("width") and root.get("height"))
    return root


def text_of(root: ET.Element) -> str:
    return " ".join(" ".join(root.itertext()).split())


# --- Every chart ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", list(DRAW))
def test_every_chart_is_valid_svg_titled_in_the_language(demo_series, kind, language):
    chart = DRAW[kind](demo_series[kind], language)
    root = parse(chart.svg)
    title = TITLES[kind][language]
    assert chart.title == title
    # Text is kept as text, not glyph outlines: the title is there to read.
    drawn = [
        " ".join(element.itertext()) for element in root.iter() if element.tag.endswith("text")
    ]
    assert title in drawn
    assert root[0].tag.endswith("title") and root[0].text == title
    assert root[1].tag.endswith("desc") and root[1].text == chart.alt
    other = TITLES[kind]["en" if language == "fr" else "fr"]
    assert other not in text_of(root)
    assert chart.markup.startswith("<svg") and chart.markup.rstrip().endswith("</svg>")
    # Every row of the table has a cell under every header.
    assert chart.table.rows
    assert {len(row) for row in chart.table.rows} == {len(chart.table.headers)}


@pytest.mark.parametrize("kind", list(DRAW))
def test_the_same_input_gives_the_same_bytes(demo_series, kind):
    first = DRAW[kind](demo_series[kind], "fr")
    second = DRAW[kind](demo_series[kind], "fr")
    assert first.svg == second.svg
    assert first == second


def test_the_same_input_gives_the_same_bytes_in_another_process(demo_series, tmp_path):
    # What several workers sharing the cache, and reports drawn again later, rely on.
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from tests.test_series import demo_cohort_data\n"
        "from tracker.charts import weekly_attendance_chart\n"
        "from tracker.metrics.series import weekly_attendance\n"
        "data = demo_cohort_data(date(2022, 9, 30))\n"
        "sys.stdout.write(weekly_attendance_chart(weekly_attendance(data), 'fr').svg)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    assert done.stdout == charts.weekly_attendance_chart(demo_series["weekly"], "fr").svg


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", list(DRAW))
def test_every_chart_draws_without_data(kind, language):
    empty = series_of(
        replace(attendance_cohort(), as_of=date(2020, 1, 1), trainees=()), trainee_id=1
    )
    empty["lines"] = ()
    empty["burn_up"] = replace(empty["burn_up"], points=())
    chart = DRAW[kind](empty[kind], language)
    root = parse(chart.svg)
    nothing = {"fr": "Pas encore de données.", "en": "No data yet."}[language]
    assert chart.alt == nothing
    assert nothing in text_of(root)


def test_no_pyplot_after_drawing_every_chart(demo_series):
    for kind, draw in DRAW.items():
        for language in ("fr", "en"):
            draw(demo_series[kind], language)
    assert "matplotlib.pyplot" not in sys.modules


def test_the_charts_speak_the_interfaces_languages_from_its_catalog(app):
    from flask_babel import force_locale
    from flask_babel import gettext as interface_gettext

    from tracker.i18n import LOCALES as INTERFACE_LOCALES

    assert LOCALES == INTERFACE_LOCALES
    chart = charts.weekly_attendance_chart([], "fr")
    with app.app_context(), force_locale("fr"):
        assert chart.title == interface_gettext("Cohort attendance per week")
        assert chart.alt == interface_gettext("No data yet.")
    with pytest.raises(ValueError, match="unknown language"):
        charts.weekly_attendance_chart([], "de")


# --- Text is text ---------------------------------------------------------------------------------

MATH = r"Frais $\frac{1}{$"


class MathWords(drawing.Words):
    """Words whose every label, number, date and month carries a mathtext formula."""

    def gettext(self, text: str, **values: str) -> str:
        return super().gettext(text, **values) + MATH

    def rate(self, value) -> str:
        return super().rate(value) + MATH

    def percent(self, value) -> str:
        return super().percent(value) + MATH

    def money(self, amount) -> str:
        return super().money(amount) + MATH

    def compact_money(self, amount) -> str:
        return super().compact_money(amount) + MATH

    def grade(self, value) -> str:
        return super().grade(value) + MATH

    def hours(self, minutes) -> str:
        return super().hours(minutes) + MATH

    def day(self, value) -> str:
        return super().day(value) + MATH

    def month(self, value, short: bool = False) -> str:
        return super().month(value, short) + MATH


def with_dollars(given: dict) -> dict:
    """Put dollars in every text of the series that comes from the data: refs, codes, labels."""
    heatmap = given["heatmap"]
    return {
        **given,
        "weekly": [replace(p, week=f"${p.week}$") for p in given["weekly"]],
        "heatmap": replace(
            heatmap,
            refs=tuple(f"T$0{n}$" for n in range(len(heatmap.refs))),
            weeks=tuple(f"${w}" for w in heatmap.weeks),
        ),
        "lines": [replace(line, code=f"${line.code}", label=MATH) for line in given["lines"]],
        "grades": [replace(p, code=f"M$\\{p.code}$") for p in given["grades"]],
    }


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", list(DRAW))
def test_dollars_in_any_chart_text_are_drawn_as_they_are(demo_series, kind, language, monkeypatch):
    """A budget line labelled `Frais $\frac{1}{$` or a ref with two `$`: no mathtext, no error."""
    monkeypatch.setattr(drawing, "Words", MathWords)
    chart = DRAW[kind](with_dollars(demo_series)[kind], language)
    drawn = text_of(parse(chart.svg))
    # The title, and every other text, as it was given.
    assert " ".join(f"{TITLES[kind][language]}{MATH}".split()) in drawn
    assert drawn.count(MATH) >= 5


# --- The figures in the text alternatives and the tables -----------------------------------------


def test_weekly_chart_alt_and_table():
    points = series.weekly_attendance(attendance_cohort())
    french = charts.weekly_attendance_chart(points, "fr")
    assert french.alt == (
        f"Présence par semaine sur les heures relevées, du 27/12/2021 au 23/01/2022{NBSP}: la plus"
        f" basse 0,0{NBSP}% (semaine du 10 janvier 2022), la dernière 0,0{NBSP}%,"
        f" seuil 80,0{NBSP}%. 3,50{NBSP}h non relevées, en gris."
    )
    english = charts.weekly_attendance_chart(points, "en")
    assert english.alt == (
        f"Attendance per week of the hours recorded, from 27/12/2021 to 23/01/2022: lowest"
        f" 0.0{NBSP}% (week of 10 January 2022), latest 0.0{NBSP}%, threshold 80.0{NBSP}%."
        f" 3.50{NBSP}h not recorded, in grey."
    )
    assert english.table.headers == (
        "Week",
        "Scheduled hours",
        "Attended hours",
        "Hours not recorded",
        "Attendance of the hours recorded",
    )
    assert english.table.rows[0] == ("week of 27 December 2021", "0.00", "0.00", "0.00", "—")
    assert french.table.rows[1] == (
        "semaine du 3 janvier 2022",
        "7,00",
        "6,50",
        "0,00",
        f"92,9{NBSP}%",
    )
    # Week 3's only roll call is not taken: no rate, not 0 %.
    assert english.table.rows[3] == ("week of 17 January 2022", "3.50", "0.00", "3.50", "—")


def test_weekly_chart_draws_a_grey_bar_for_each_week_with_hours_not_recorded():
    points = series.weekly_attendance(attendance_cohort())
    assert [p.unrecorded_minutes > 0 for p in points] == [False, False, False, True]
    svg = parse(charts.weekly_attendance_chart(points, "en").svg)
    grey = [e for e in svg.iter() if "fill: #d4d4d4" in e.get("style", "")]
    assert len(grey) == 2  # the one week's bar and the legend's patch
    legend = [e.text for e in svg.iter() if e.tag.endswith("text")]
    # The bars are listed after the lines, as they always were.
    cohort, threshold, unrecorded = (
        legend.index(text)
        for text in ("Cohort", f"Threshold (80.0{NBSP}%)", "Not recorded (share of the hours)")
    )
    assert cohort < threshold < unrecorded


def test_weekly_chart_alt_names_the_lowest_week_of_the_demo(demo_series):
    points = demo_series["weekly"]
    lowest = min((p for p in points if p.recorded_rate is not None), key=lambda p: p.recorded_rate)
    percent = f"{lowest.recorded_rate * 100:.1f}"
    chart = charts.weekly_attendance_chart(points, "fr")
    first = "1er" if lowest.starts_on.day == 1 else str(lowest.starts_on.day)
    day = f"{first} {format_date(lowest.starts_on, 'MMMM y', locale='fr')}"
    assert f"la plus basse {percent.replace('.', ',')}{NBSP}% (semaine du {day})" in chart.alt
    assert "du 04/10/2021 au" in chart.alt
    english = charts.weekly_attendance_chart(points, "en")
    day = format_date(lowest.starts_on, "d MMMM y", locale="en")
    assert f"lowest {percent}{NBSP}% (week of {day})" in english.alt


def test_heatmap_alt_and_table():
    heatmap = series.attendance_heatmap(attendance_cohort())
    chart = charts.attendance_heatmap_chart(heatmap, "en")
    assert chart.alt == (
        f"Attendance of the hours recorded of 2 trainees over 4 weeks from 27/12/2021 to"
        f" 23/01/2022: 2 trainee-weeks below the 80.0{NBSP}% threshold; lowest 0.0{NBSP}% (T01,"
        f" week of 10 January 2022). 3.50{NBSP}h not recorded, in grey."
    )
    # T01's week 3 is not recorded: not below the threshold.
    assert chart.table.rows == (
        ("T01", "3", "1", "1", f"0.0{NBSP}%", "week of 10 January 2022"),
        ("T02", "1", "0", "1", f"0.0{NBSP}%", "week of 10 January 2022"),
    )
    assert "Not recorded" in text_of(parse(chart.svg))


def test_the_heatmap_writes_each_ref_beside_its_row_and_the_axis_title_left_of_the_widest():
    heatmap = replace(
        series.attendance_heatmap(attendance_cohort()), refs=("T01", "Trainee with a long ref")
    )
    svg = parse(charts.attendance_heatmap_chart(heatmap, "fr").svg)
    texts = {
        element.text: element
        for element in svg.iter("{http://www.w3.org/2000/svg}text")
        if element.text in {"T01", "Trainee with a long ref", "Stagiaire"}
    }
    assert set(texts) == {"T01", "Trainee with a long ref", "Stagiaire"}
    first, second = texts["T01"], texts["Trainee with a long ref"]
    # Right-aligned 3.5 points left of the axes (0.75 inch, 54 points, from the figure's left).
    assert "text-anchor: end" in first.get("style")
    assert float(first.get("x")) == float(second.get("x")) == 54 - 3.5
    assert float(first.get("y")) < float(second.get("y"))
    # The axis's title, turned a quarter, clear of the longer ref (about 80 points at 7 points).
    assert float(texts["Stagiaire"].get("x")) < 54 - 3.5 - 75


def test_burn_up_alt_and_table_show_money_the_local_way():
    burn_up = series.budget_burn_up(budget_cohort())
    french = charts.budget_burn_up_chart(burn_up, "fr")
    assert french.alt == (
        f"Budget au 14/02/2022{NBSP}: 3{NNBSP}500,00{NBSP}€ dépensés sur une subvention de"
        f" 7{NNBSP}600,00{NBSP}€ (46,1{NBSP}%), contre 3{NNBSP}100,00{NBSP}€ selon le plan"
        f" linéaire{NBSP}; prévision à terminaison 8{NNBSP}580,65{NBSP}€."
    )
    english = charts.budget_burn_up_chart(burn_up, "en")
    assert english.alt == (
        f"Budget as of 14/02/2022: €3,500.00 spent of a €7,600.00 grant (46.1{NBSP}%), against"
        f" €3,100.00 on the linear plan; forecast at completion €8,580.65."
    )
    assert english.table.rows == (
        ("January 2022", "€1,500.00", "€1,700.00", "—"),
        ("February 2022", "€3,500.00", "€4,500.00", "€5,080.65"),
        ("March 2022", "—", "€7,600.00", "€8,580.65"),
    )
    assert french.table.rows[0][0] == "janvier 2022"


def test_burn_up_alt_without_a_forecast():
    burn_up = series.budget_burn_up(budget_cohort(as_of=date(2021, 12, 31)))
    chart = charts.budget_burn_up_chart(burn_up, "en")
    assert chart.alt.endswith("forecast at completion —.")
    parse(chart.svg)


def test_budget_lines_alt_and_table():
    lines = cohort_figures(budget_cohort()).budget.lines
    chart = charts.budget_lines_chart(lines, "fr")
    assert chart.alt == (
        f"Dépensé sur 1 ligne budgétaire{NBSP}: 3{NNBSP}500,00{NBSP}€ sur 7{NNBSP}600,00{NBSP}€"
        f" prévus (46,1{NBSP}%){NBSP}; la ligne la plus consommée{NBSP}: PED Teaching"
        f" (46,1{NBSP}%)."
    )
    assert chart.table.rows == (
        ("PED Teaching", f"7{NNBSP}600,00{NBSP}€", f"3{NNBSP}500,00{NBSP}€", f"46,1{NBSP}%"),
    )
    assert "Teaching" in text_of(parse(chart.svg))


def test_trainee_attendance_alt_and_table():
    points = series.trainee_monthly_attendance(statement_cohort(), 1)
    chart = charts.trainee_attendance_chart(points, "fr")
    assert chart.alt == (
        f"Présence mensuelle du stagiaire sur les heures relevées, de décembre 2021 à février"
        f" 2022{NBSP}: la plus basse 0,0{NBSP}% (février 2022), la dernière 0,0{NBSP}%{NBSP};"
        f" seuil 80,0{NBSP}%. Le taux de la promotion figure pour les mois où au moins 5"
        " stagiaires ont un appel enregistré."
    )
    # Two trainees: no cohort's rate, nor its line.
    assert chart.table.rows[1] == ("janvier 2022", f"39,3{NBSP}%", "—", "0,00")
    assert "Promotion" not in text_of(parse(chart.svg))
    # T02's roll call of the 31st is not taken: apart, in grey, and no absence.
    t02 = charts.trainee_attendance_chart(
        series.trainee_monthly_attendance(statement_cohort(), 2), "en"
    )
    assert t02.table.rows == (("January 2022", f"100.0{NBSP}%", "—", "3.50"),)
    assert t02.alt.endswith(f"3.50{NBSP}h not recorded, in grey.")


def test_module_grades_alt_and_table():
    points = series.trainee_module_grades(five_graded_cohort(), 1)
    chart = charts.module_grades_chart(points, "fr")
    assert chart.alt == (
        f"Notes sur 20 par module{NBSP}: M01 15,00 (note minimale 10,00, médiane 15,00){NBSP};"
        " M02 — (note minimale 12,00, médiane —). La médiane de la promotion figure pour les"
        " modules où au moins 5 stagiaires ont une note."
    )
    # A trainee without any grade: no bar, the pass marks and the medians still drawn.
    ungraded = charts.module_grades_chart(
        series.trainee_module_grades(five_graded_cohort(), 99), "en"
    )
    assert ungraded.table.rows[0] == ("M01", "—", "10.00", "15.00")
    parse(ungraded.svg)
    english = charts.module_grades_chart(points, "en")
    assert english.table.headers == ("Module", "Trainee's grade", "Pass mark", "Cohort median")
    assert english.table.rows == (
        ("M01", "15.00", "10.00", "15.00"),
        ("M02", "—", "12.00", "—"),
    )
    # Of fewer than five graded trainees, no median at all: none drawn, none in the legend.
    alone = charts.module_grades_chart(series.trainee_module_grades(grades_cohort(), 1), "en")
    assert "Cohort median" not in text_of(parse(alone.svg))
    assert "Cohort median" in text_of(parse(english.svg))


# --- The cache ------------------------------------------------------------------------------------


class CountingDraw:
    """A draw function that counts its calls."""

    def __init__(self, draw):
        self.draw = draw
        self.calls = 0

    def __call__(self, payload, language):
        self.calls += 1
        return self.draw(payload, language)


def test_cache_forgets_entries_written_a_month_ago_once_a_day(tmp_path):
    folder = tmp_path / "charts"
    folder.mkdir()
    month_ago = time.time() - 31 * 86400

    def put(name: str, written: float | None = None) -> Path:
        path = folder / name
        path.write_text("x")
        if written is not None:
            os.utime(path, (written, written))
        return path

    old_svg, old_json = put("a" * 64 + ".svg", month_ago), put("a" * 64 + ".json", month_ago)
    recent = put("b" * 64 + ".svg", time.time() - 28 * 86400)
    foreign = put("notes.svg", month_ago)  # not a cache entry's name: left alone
    crashed = put("." + "c" * 64 + ".svg.k3j2.tmp", time.time() - 2 * 86400)
    writing = put("." + "d" * 64 + ".json.x8f1.tmp")  # another process is writing it
    burn_up = series.budget_burn_up(budget_cohort())

    charts.cached_chart("burn_up", "fr", burn_up, charts.budget_burn_up_chart, folder)
    assert not old_svg.exists() and not old_json.exists() and not crashed.exists()
    assert recent.exists() and foreign.exists() and writing.exists()

    # Once a day: an entry that turns a month old meanwhile waits for the next day.
    older = put("e" * 64 + ".svg", month_ago)
    charts.cached_chart("burn_up", "en", burn_up, charts.budget_burn_up_chart, folder)
    assert older.exists()
    forget_old_charts(folder, now=time.time() + 86400)
    assert not older.exists()
    assert recent.exists()


def test_cache_draws_once_per_input_and_language(tmp_path):
    folder = tmp_path / "cache" / "charts"
    draw = CountingDraw(charts.budget_burn_up_chart)
    burn_up = series.budget_burn_up(budget_cohort())

    drawn = charts.cached_chart("burn_up", "fr", burn_up, draw, folder)
    assert draw.calls == 1
    again = charts.cached_chart(
        "burn_up", "fr", series.budget_burn_up(budget_cohort()), draw, folder
    )
    assert draw.calls == 1
    assert again == drawn

    charts.cached_chart("burn_up", "en", burn_up, draw, folder)
    assert draw.calls == 2
    later = series.budget_burn_up(budget_cohort(as_of=date(2022, 2, 15)))
    charts.cached_chart("burn_up", "fr", later, draw, folder)
    assert draw.calls == 3
    charts.cached_chart("burn_up", "en", burn_up, draw, folder)
    assert draw.calls == 3

    files = sorted(path.name for path in folder.iterdir() if path.is_file())
    assert len(files) == 6  # an .svg and a .json per chart, no temporary file left
    assert all(name.endswith((".svg", ".json")) for name in files)
    key = charts.chart_key("burn_up", "fr", burn_up)
    assert (folder / f"{key}.svg").read_text("utf-8") == drawn.svg


def test_a_chart_asked_for_at_once_by_several_processes_is_drawn_once(tmp_path):
    """After a roll call is saved, every officer's dashboard asks for the new charts at once:
    one draws each, the others wait and read it. (Separate open files: the lock holds between
    threads as between processes.)"""
    folder = tmp_path / "charts"
    burn_up = series.budget_burn_up(budget_cohort())
    starting = threading.Barrier(4)

    def slow(payload, language):
        time.sleep(0.3)  # the others ask meanwhile
        return charts.budget_burn_up_chart(payload, language)

    draw = CountingDraw(slow)
    drawn = []

    def ask():
        starting.wait()
        drawn.append(charts.cached_chart("burn_up", "fr", burn_up, draw, folder))

    askers = [threading.Thread(target=ask) for _ in range(4)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()
    assert draw.calls == 1
    assert len(drawn) == 4 and all(chart == drawn[0] for chart in drawn)


def test_cache_keys_on_kind_language_and_every_figure():
    burn_up = series.budget_burn_up(budget_cohort())
    key = charts.chart_key("burn_up", "fr", burn_up)
    assert charts.chart_key("burn_up", "fr", series.budget_burn_up(budget_cohort())) == key
    assert charts.chart_key("burn_up", "en", burn_up) != key
    assert charts.chart_key("other", "fr", burn_up) != key
    # One cent more in one month is another chart.
    first, *others = burn_up.points
    assert first.spent == Decimal("1500.00")
    same = replace(burn_up, points=(replace(first, spent=Decimal("1500.00")), *others))
    assert charts.chart_key("burn_up", "fr", same) == key
    cent_more = replace(burn_up, points=(replace(first, spent=Decimal("1500.01")), *others))
    assert charts.chart_key("burn_up", "fr", cent_more) != key
    # A rate a hair's breadth away, a float and an integer, a date and its text: all apart.
    assert charts.chart_key("k", "fr", [0.1 + 0.2]) != charts.chart_key("k", "fr", [0.3])
    assert charts.chart_key("k", "fr", [1.0]) != charts.chart_key("k", "fr", [1])
    assert charts.chart_key("k", "fr", [date(2022, 9, 1)]) != charts.chart_key(
        "k", "fr", ["2022-09-01"]
    )
    with pytest.raises(TypeError):
        charts.chart_key("k", "fr", [object()])


def test_cache_draws_again_over_a_damaged_entry(tmp_path):
    draw = CountingDraw(charts.weekly_attendance_chart)
    points = series.weekly_attendance(attendance_cohort())
    drawn = charts.cached_chart("weekly", "en", points, draw, tmp_path)
    key = charts.chart_key("weekly", "en", points)
    svg = tmp_path / f"{key}.svg"
    svg.write_text(drawn.svg[:100], "utf-8")  # cut short
    assert charts.cached_chart("weekly", "en", points, draw, tmp_path) == drawn
    assert draw.calls == 2
    (tmp_path / f"{key}.json").write_text("{", "utf-8")
    assert charts.cached_chart("weekly", "en", points, draw, tmp_path) == drawn
    assert draw.calls == 3
    assert charts.cached_chart("weekly", "en", points, draw, tmp_path) == drawn
    assert draw.calls == 3


# --- Drawing kept apart from the text ---------------------------------------------------------


def drawings_counted(monkeypatch, chart) -> list:
    """Count the drawings made of a chart whose drawing is kept apart from its text."""
    split = drawing.SPLITS[chart]
    made = []

    def counted(payload, language):
        made.append(payload)
        return split.drawing(payload, language)

    monkeypatch.setitem(drawing.SPLITS, chart, replace(split, drawing=counted))
    return made


def test_a_change_too_small_to_see_keeps_the_weekly_drawing_but_not_its_text(
    demo_series, monkeypatch, tmp_path
):
    made = drawings_counted(monkeypatch, charts.weekly_attendance_chart)
    points = demo_series["weekly"]
    week = next(i for i, p in enumerate(points) if p.recorded_rate and p.recorded_rate < 0.99)
    # A quarter of an hour more attended: the rate moves by far less than a thousandth.
    nudged = list(points)
    nudged[week] = replace(
        points[week],
        attended_minutes=points[week].attended_minutes + 15,
        recorded_rate=points[week].recorded_rate + 0.0002,
    )
    before = charts.cached_chart("weekly", "en", points, charts.weekly_attendance_chart, tmp_path)
    after = charts.cached_chart("weekly", "en", nudged, charts.weekly_attendance_chart, tmp_path)
    assert len(made) == 1
    assert after.table != before.table  # the table says the exact hours
    assert after.table == charts.weekly_attendance_chart(nudged, "en").table
    # The drawing is the same, named and described by the exact text.
    root = parse(after.svg)
    assert root[1].text == after.alt
    assert after.svg == charts.weekly_attendance_chart(nudged, "en").svg

    # A change that shows (a point a whole percent lower) is drawn.
    dropped = list(points)
    dropped[week] = replace(points[week], recorded_rate=points[week].recorded_rate - 0.01)
    charts.cached_chart("weekly", "en", dropped, charts.weekly_attendance_chart, tmp_path)
    assert len(made) == 2


def heatmap_cells(svg: str) -> tuple[ET.Element, list[list[tuple[int, ...]]]]:
    """Return the heat map's image of cells and its pixels, a row per trainee."""
    import base64
    import io

    from PIL import Image

    root = parse(svg)
    (image,) = [
        element
        for element in root.iter("{http://www.w3.org/2000/svg}image")
        if element.get("id") == "attendance-heatmap-cells"
    ]
    data = image.get("{http://www.w3.org/1999/xlink}href").removeprefix("data:image/png;base64,")
    pixels = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGBA")
    width, height = pixels.size
    return image, [[pixels.getpixel((x, y)) for x in range(width)] for y in range(height)]


def test_the_heatmap_s_cells_are_a_pixel_each_in_the_rate_s_colour_grey_or_white():
    import matplotlib

    heatmap = series.attendance_heatmap(attendance_cohort())
    image, pixels = heatmap_cells(charts.attendance_heatmap_chart(heatmap, "en").svg)
    # Scaled up without smoothing, by browsers and by WeasyPrint.
    assert image.get("style").endswith("image-rendering:pixelated")
    cividis = matplotlib.colormaps["cividis"]
    # Each rate at the middle of its level of colour (the drawing's key, tested below).
    shown = drawing.ATTENDANCE_HEATMAP.as_drawn(heatmap).rates
    expected = [
        [
            tuple(int(part) for part in cividis(rate, bytes=True))
            if rate is not None
            else (0xD4, 0xD4, 0xD4, 255)  # hours not recorded: grey
            if minutes is not None
            else (255, 255, 255, 255)  # nobody expected: white
            for rate, minutes in zip(rates, unrecorded, strict=True)
        ]
        for rates, unrecorded in zip(shown, heatmap.unrecorded, strict=True)
    ]
    assert pixels == expected
    # Each kind of cell is there: a rate, a week not recorded, a week nobody was expected.
    flat = [pixel for row in expected for pixel in row]
    assert (0xD4, 0xD4, 0xD4, 255) in flat and (255, 255, 255, 255) in flat
    assert tuple(cividis(0.5 / drawing.HEATMAP_COLOUR_LEVELS, bytes=True)) in flat  # 0 %


def test_the_heatmap_s_frame_is_drawn_once_per_shape_and_language_only_its_cells_after():
    drawing._heatmap_frame.cache_clear()
    heatmap = series.attendance_heatmap(attendance_cohort())
    rates = [list(row) for row in heatmap.rates]
    row, column = next(
        (r, c) for r, row in enumerate(rates) for c, rate in enumerate(row) if rate is not None
    )
    rates[row][column] = 1.0 - rates[row][column]
    changed = replace(heatmap, rates=tuple(tuple(row) for row in rates))
    # The drawing alone: the title and description follow the exact rates.
    first = drawing.ATTENDANCE_HEATMAP.drawing(heatmap, "fr")
    second = drawing.ATTENDANCE_HEATMAP.drawing(changed, "fr")
    assert drawing._heatmap_frame.cache_info().misses == 1
    # Everything but the cells' pixels is the same.
    _image, before = heatmap_cells(first)
    _image, after = heatmap_cells(second)
    changed_pixels = [
        (y, x)
        for y in range(len(before))
        for x in range(len(before[y]))
        if before[y][x] != after[y][x]
    ]
    assert changed_pixels == [(row, column)]
    head, tail = first.split("base64,", 1)[0], first.rsplit('style="image-rendering', 1)[1]
    assert second.startswith(head) and second.endswith(tail)
    # Another language is another frame.
    drawing.ATTENDANCE_HEATMAP.drawing(heatmap, "en")
    assert drawing._heatmap_frame.cache_info().misses == 2


def test_the_heatmap_draws_each_cell_at_the_middle_of_its_level_of_colour(
    demo_series, monkeypatch, tmp_path
):
    made = drawings_counted(monkeypatch, charts.attendance_heatmap_chart)
    heatmap = demo_series["heatmap"]
    drawn = drawing.ATTENDANCE_HEATMAP.as_drawn(heatmap)
    levels = drawing.HEATMAP_COLOUR_LEVELS
    for exact, shown in zip(heatmap.rates, drawn.rates, strict=True):
        for rate, colour in zip(exact, shown, strict=True):
            assert (rate is None) == (colour is None)
            if rate is not None:
                assert abs(colour - rate) <= 0.5 / levels + 1e-12
                assert (colour * levels) % 1 == 0.5
    # The same levels: the same drawing, whatever the exact rates; the text follows them.
    row, column = next(
        (r, c)
        for r, rates in enumerate(heatmap.rates)
        for c, rate in enumerate(rates)
        if rate is not None and (rate * levels) % 1 < 0.5
    )
    rates = [list(rates) for rates in heatmap.rates]
    rates[row][column] += 0.1 / levels  # within the same level
    nudged = replace(heatmap, rates=tuple(tuple(r) for r in rates))
    first = charts.cached_chart("heat", "fr", heatmap, charts.attendance_heatmap_chart, tmp_path)
    second = charts.cached_chart("heat", "fr", nudged, charts.attendance_heatmap_chart, tmp_path)
    assert len(made) == 1
    assert parse(second.svg)[1].text == second.alt
    assert first.table.rows == charts.attendance_heatmap_chart(heatmap, "fr").table.rows
    assert second.svg == charts.attendance_heatmap_chart(nudged, "fr").svg


# --- Lines drawn alone into a kept frame ----------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def ticks(root: ET.Element, axis: str) -> dict[str, float]:
    """Return where each tick of an axis is drawn (x or y in the SVG), by its label."""
    places = {}
    for tick in root.iter(f"{SVG}g"):
        if not (tick.get("id") or "").startswith(f"{axis}tick_"):
            continue
        (mark,) = tick.iter(f"{SVG}use")
        (label,) = [text.text for text in tick.iter(f"{SVG}text")]
        places[label] = float(mark.get(axis))
    return places


def scale(known: list[tuple[float, float]]) -> callable:
    """Return the linear map from values to places given by the first and the last known."""
    (v0, p0), (v1, p1) = known[0], known[-1]
    return lambda value: p0 + (value - v0) * (p1 - p0) / (v1 - v0)


def line_of(root: ET.Element, gid: str) -> tuple[list[list[tuple[float, float]]], list]:
    """Return a line's segments (as its path's vertices) and its markers' places."""
    (group,) = [g for g in root.iter(f"{SVG}g") if g.get("id") == gid]
    (path,) = group.findall(f"{SVG}path")
    segments, words = [], (path.get("d") or "").split()
    for place in range(0, len(words), 3):
        command, x, y = words[place : place + 3]
        if command == "M":
            segments.append([])
        segments[-1].append((float(x), float(y)))
    markers = [(float(use.get("x")), float(use.get("y"))) for use in group.iter(f"{SVG}use")]
    return segments, markers


def flat(places: list[tuple[float, float]]) -> list[float]:
    return [coordinate for place in places for coordinate in place]


def assert_drawn_whole(svg: str) -> ET.Element:
    """Check that a drawing names each thing once and that each reference finds its thing."""
    import re

    root = parse(svg)
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg)) <= set(ids)
    return root


def without_line(svg: str, gid: str) -> str:
    """Return the drawing without a line's group, its title and its description."""
    start, end = drawing._group(svg, gid)
    svg = svg[:start] + svg[end:]
    return svg[: svg.index("<title>")] + svg[svg.index("</desc>") + len("</desc>") :]


def lowered_at_highest(points: list, rate: str) -> tuple[int, list]:
    """Return where a series' rate is highest, and the series with that rate 5 points lower:
    a change that shows, without moving the axis's lowest tenth."""
    highest = max(range(len(points)), key=lambda place: getattr(points[place], rate) or 0)
    lowered = list(points)
    lowered[highest] = replace(points[highest], **{rate: getattr(points[highest], rate) - 0.05})
    return highest, lowered


def test_a_trainee_s_chart_is_drawn_once_around_its_lines_which_pass_where_the_axes_say(
    demo_series,
):
    drawing._trainee_attendance_frame.cache_clear()
    points = demo_series["trainee_attendance"]
    highest, lowered = lowered_at_highest(points, "trainee_rate")
    before = charts.trainee_attendance_chart(points, "en").svg
    after = charts.trainee_attendance_chart(lowered, "en").svg
    # One frame for both: only the trainee's line moved.
    assert drawing._trainee_attendance_frame.cache_info().misses == 1
    assert without_line(before, "trainee-rate") == without_line(after, "trainee-rate")
    assert before != after
    months = [Words("en").month(point.month, short=True) for point in points]
    for svg, shown in ((before, points), (after, lowered)):
        root = assert_drawn_whole(svg)
        at_x = ticks(root, "x")
        at_y = scale(
            [
                (float(label.rstrip("%\u00a0")) / 100, place)
                for label, place in ticks(root, "y").items()
            ]
        )
        for gid, rates in (
            ("trainee-rate", [point.trainee_rate for point in shown]),
            ("cohort-rate", [point.cohort_rate for point in shown]),
        ):
            segments, markers = line_of(root, gid)
            expected = [
                (at_x[month], at_y(rate))
                for month, rate in zip(months, rates, strict=True)
                if rate is not None
            ]
            assert flat(markers) == pytest.approx(flat(expected), abs=0.01)
            assert [vertex for segment in segments for vertex in segment] == markers
        # Drawn under the threshold's line and the legend, as matplotlib orders them.
        assert svg.index('id="trainee-rate"') < svg.index('id="cohort-rate"')
        assert svg.index('id="cohort-rate"') < svg.index('id="legend_1"')
    # A line without a point (no roll call of the trainee's recorded): its markers' shape,
    # which the legend uses, still defined.
    unrecorded = [replace(point, trainee_rate=None) for point in points]
    root = assert_drawn_whole(charts.trainee_attendance_chart(unrecorded, "en").svg)
    assert line_of(root, "trainee-rate")[1] == []
    # Without grey bars the axis starts a tenth below the lowest rate: a rate below it needs
    # another axis, another frame.
    recorded = [replace(point, unrecorded_minutes=0) for point in points]
    dropped = list(recorded)
    dropped[highest] = replace(recorded[highest], trainee_rate=0.05)
    charts.trainee_attendance_chart(recorded, "en")
    assert drawing._trainee_attendance_frame.cache_info().misses == 2
    charts.trainee_attendance_chart(dropped, "en")
    assert drawing._trainee_attendance_frame.cache_info().misses == 3


def test_the_weekly_chart_is_drawn_once_around_its_line_which_passes_where_the_axes_say(
    demo_series,
):
    drawing._weekly_attendance_frame.cache_clear()
    points = demo_series["weekly"]
    _highest, lowered = lowered_at_highest(points, "recorded_rate")
    before = drawing.WEEKLY_ATTENDANCE.chart(points, "en").svg
    after = drawing.WEEKLY_ATTENDANCE.chart(lowered, "en").svg
    assert drawing._weekly_attendance_frame.cache_info().misses == 1
    assert without_line(before, "cohort-weekly-rate") == without_line(after, "cohort-weekly-rate")
    words = Words("en")
    month_starts = {
        words.month(day, short=True): day.toordinal()
        for day in drawing._month_starts(points[0].starts_on, points[-1].starts_on)
    }
    for svg, shown in ((before, points), (after, lowered)):
        root = assert_drawn_whole(svg)
        at_x = scale(sorted((month_starts[label], x) for label, x in ticks(root, "x").items()))
        at_y = scale(
            [
                (float(label.rstrip("%\u00a0")) / 100, place)
                for label, place in ticks(root, "y").items()
            ]
        )
        segments, markers = line_of(root, "cohort-weekly-rate")
        expected = [
            # Drawn to a thousandth (WEEKLY_RATE_DIGITS).
            (at_x(point.starts_on.toordinal() + 2), at_y(round(point.recorded_rate, 3)))
            for point in shown
            if point.recorded_rate is not None
        ]
        assert flat(markers) == pytest.approx(flat(expected), abs=0.01)
        assert [vertex for segment in segments for vertex in segment] == markers
        # A break of a week or more between two weeks of sessions: no line across.
        breaks = sum(
            1
            for earlier, later in itertools.pairwise(shown)
            if (later.starts_on - earlier.starts_on).days > 7
        )
        assert len(segments) == 1 + breaks
