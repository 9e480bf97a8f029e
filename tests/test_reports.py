"""The PDF reports: opened with pypdf, their text read back against the figures of the metrics."""

import io
import os
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from tracker import create_app, i18n, timeutil, version
from tracker.assessments.models import Assessment, Result
from tracker.attendance.models import AttendanceRecord
from tracker.auth.models import User
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.cohorts.operations import create_cohort
from tracker.demo.operations import load_cohort
from tracker.extensions import db
from tracker.metrics import series
from tracker.metrics.loading import cohort_metrics, load_cohort_data
from tracker.reports import limits, making
from tracker.reports.contents import ReportError

AS_OF = date(2022, 6, 30)
MADE_ON = date(2022, 7, 1)


# ---------------------------------------------------------------------------------------------
# Helpers


def read(pdf: bytes | Path) -> PdfReader:
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    return PdfReader(io.BytesIO(data))


def plain(text: str) -> str:
    """Collapse every kind of space (the French formats use narrow no-break spaces)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def text_of(pdf: bytes | Path) -> str:
    return plain("\n".join(page.extract_text() for page in read(pdf).pages))


def shown(app, language: str, function, *args) -> str:
    """Format a figure the way the reports print it, in a language."""
    with app.app_context(), force_locale(i18n.LOCALES[language]):
        return plain(function(*args))


@pytest.fixture
def world(world, app):
    """The test world (conftest.py), with a score and a comment of T01's."""
    with app.app_context():
        # A score and a comment that must reach the trainee's report and never the funder's.
        result = db.session.scalar(
            select(Result)
            .join(Trainee)
            .where(Trainee.ref == "T01", Trainee.cohort.has(slug="alpha"))
        )
        result.score = 17.25
        result.comment = "COMMENT-SECRET"
        db.session.commit()
    return world


def cohort_and_trainee(slug: str = "alpha", ref: str | None = "T01"):
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    trainee = None
    if ref is not None:
        trainee = db.session.scalar(
            select(Trainee).where(Trainee.cohort_id == cohort.id, Trainee.ref == ref)
        )
    return cohort, trainee


def dates(language: str = "en", **overrides) -> dict:
    return {"as_of": AS_OF, "language": language, "made_on": MADE_ON, **overrides}


# ---------------------------------------------------------------------------------------------
# What the reports say


def test_the_trainee_report_prints_the_figures_of_the_metrics(app, world):
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        made = making.trainee_report(cohort, trainee, **dates())
        mine = next(t for t in cohort_metrics(cohort, AS_OF)["trainees"] if t["ref"] == "T01")
        text = text_of(made.path)
    assert made.filename == "alpha_T01_progress_2022-06-30_en.pdf"
    assert "Ada Lovelace (T01)" in text
    for value in (mine["scheduled_hours"], mine["attended_hours"]):
        assert shown(app, "en", i18n.hours, value) in text  # 3.50 h
    assert shown(app, "en", i18n.rate, mine["attendance_rate"]) in text  # 100.00 %
    assert shown(app, "en", i18n.rate, mine["progress"]) in text
    assert mine["modules_passed"] == ["M1"] and "passed" in text
    assert "C1 — Programmer en Python" in text and "acquired" in text
    # The trainee's own score, on 20, and the instructor's comment.
    assert "17.25 / 20.00" in text
    assert "COMMENT-SECRET" in text
    assert "Made on" not in text or "01/07/2022" in text
    assert "01/07/2022" in text and "30/06/2022" in text  # made on, figures as of


def test_the_funding_report_prints_the_funders_figures_and_no_result(app, world):
    with app.app_context():
        cohort, _ = cohort_and_trainee()
        made = making.funding_report(cohort, **dates())
        figures = cohort_metrics(cohort, AS_OF)
        text = text_of(made.path)
    budget = figures["budget"]
    assert made.filename == "alpha_funding_2022-06-30_en.pdf"
    assert shown(app, "en", i18n.hours, figures["trainee_hours"]["realised"]) in text
    assert shown(app, "en", i18n.hours, figures["trainee_hours"]["contracted"]) in text
    assert shown(app, "en", i18n.rate, figures["trainee_hours"]["rate"]) in text
    for key in ("grant", "spent", "remaining", "forecast_at_completion", "cost_per_realised_hour"):
        assert shown(app, "en", i18n.money, budget[key]) in text, key
    assert shown(app, "en", i18n.rate, budget["consumption"]) in text
    assert shown(app, "en", i18n.money, budget["lines"][0]["planned"]) in text
    assert "Personnel pédagogique" in text
    # No score, no grade, no comment of any trainee.
    for secret in ("17.25", "17,25", "COMMENT-SECRET", "Très bien", "À revoir", "Quiz Python"):
        assert secret not in text, secret


def test_the_funding_report_lists_withdrawals_with_their_dates_and_reasons(app, world):
    with app.app_context():
        cohort, trainee = cohort_and_trainee(ref="T02")
        trainee.left_on = date(2022, 3, 4)
        trainee.exit_reason = "Found a job as a developer"
        db.session.commit()
        text = text_of(making.funding_report(cohort, **dates()).path)
    assert "T02 Alan Turing 03/01/2022 04/03/2022 Found a job as a developer" in text


def test_the_cohort_report_lists_every_trainee_with_progress_and_risks(app, world):
    with app.app_context():
        cohort, _ = cohort_and_trainee()
        figures = cohort_metrics(cohort, AS_OF)
        text = text_of(making.cohort_report(cohort, **dates()).path)
    for trainee in figures["trainees"]:
        assert f"{trainee['ref']} {trainee['name']}" in text
        assert shown(app, "en", i18n.rate, trainee["progress"]) in text
    # T02 scored 8 on 20 on the only assessment of M1: failing, hence at risk.
    assert "failing a module" in text and "Failing: M1." in text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_report_of_a_trainee_who_left_says_when_and_why(app, world, language):
    with app.app_context():
        cohort, trainee = cohort_and_trainee(ref="T02")
        trainee.left_on = date(2022, 3, 4)
        trainee.exit_reason = "Found a job as a developer"
        db.session.commit()
        text = text_of(making.trainee_report(cohort, trainee, **dates(language)).path)
    # T02 fails M1: at risk, were they still followed; no point of attention once they left.
    assert "04/03/2022" in text and "Found a job as a developer" in text
    if language == "en":
        assert "Alan Turing left the course on 04/03/2022. Reason: Found a job" in text
    for wording in ("No reason for concern", "Aucun motif", "Points of attention", "Failing: M1"):
        assert wording not in text
    assert "Points de vigilance" not in text


def test_the_cohort_report_does_not_call_a_trainee_who_left_at_risk(app, world):
    with app.app_context():
        cohort, trainee = cohort_and_trainee(ref="T02")
        trainee.left_on = date(2022, 3, 4)
        db.session.commit()
        text = text_of(making.cohort_report(cohort, **dates()).path)
    # T02 fails M1, which would put them at risk were they still followed.
    assert re.search(r"T02 Alan Turing withdrawn [\d.]+ h", text)
    assert "failing a module" not in text and "Failing: M1." not in text


def test_the_trainee_reports_assessments_are_in_date_order_within_each_module(app, world):
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        module = db.session.scalar(select(Module).where(Module.cohort_id == cohort.id))
        # Codes in the opposite order of the dates.
        for code, day in (("A0", date(2022, 3, 1)), ("A9", date(2022, 2, 1))):
            db.session.add(
                Assessment(
                    cohort_id=cohort.id,
                    module=module,
                    code=code,
                    title=f"Exam {code}",
                    date=day,
                    kind="exam",
                    max_score=20,
                    weight=1,
                )
            )
        db.session.commit()
        text = text_of(making.trainee_report(cohort, trainee, **dates()).path)
    table = text[text.index("Assessments and instructors' comments") :]
    # The module's heading row, then its assessments by date.
    assert re.search(r"M1 — Python 14/01/2022 A1 .* 01/02/2022 A9 .* 01/03/2022 A0 ", table)


@pytest.mark.parametrize("as_of", [AS_OF, date(2022, 12, 16), date(2023, 1, 31)])
def test_at_the_courses_end_a_module_without_all_its_results_is_incomplete(app, world, as_of):
    with app.app_context():
        cohort, trainee = cohort_and_trainee(ref="T02")
        db.session.delete(db.session.scalar(select(Result).where(Result.trainee_id == trainee.id)))
        db.session.commit()
        over = as_of >= cohort.ends_on
        cohort_text = text_of(making.cohort_report(cohort, **dates(as_of=as_of)).path)
        trainee_text = text_of(making.trainee_report(cohort, trainee, **dates(as_of=as_of)).path)
    # M1: T01 passed, T02 has no result.
    heading = "Incomplete" if over else "In progress"
    assert f"Passed Failing {heading} Median grade" in cohort_text
    assert re.search(r"M1 — Python 420.00 h 1 0 1 ", cohort_text)
    assert ("in progress" in trainee_text) is not over
    assert ("incomplete" in trainee_text) is over


def test_the_certificate_names_the_trainee_the_course_and_the_hours(app, world):
    with app.app_context():
        app.config["ORGANISATION_NAME"] = "Simplon Occitanie"
        cohort, trainee = cohort_and_trainee()
        made = making.certificate(cohort, trainee, **dates(as_of=cohort.ends_on))
        reader = read(made.path)
        text = text_of(made.path)
    assert made.filename == "alpha_T01_certificate_2022-12-16_en.pdf"
    assert len(reader.pages) == 1
    assert "Certificate of completion" in text
    assert "Ada LOVELACE" in text and "IA promotion 1" in text
    assert "03/01/2022 to 16/12/2022" in text
    assert "3.50 h" in text
    assert "development of skills Simplon Occitanie, certify that Ada LOVELACE" in text
    assert "funded by Région Occitanie" in text
    assert reader.metadata["/Author"] == "Simplon Occitanie"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_certificate_gives_the_cohorts_planned_hours_per_trainee(app, world, language):
    with app.app_context():
        cohort = create_cohort(
            slug="long",
            name="IA longue",
            funder="Région Occitanie",
            starts_on=date(2022, 1, 3),
            ends_on=date(2022, 12, 16),
            grant_amount=Decimal("273000"),
            planned_hours_per_trainee=Decimal(1200),
        )
        # Modules of 420 h in all: the cohort's 1,200 h per trainee are what it was funded for.
        db.session.add(Module(cohort=cohort, code="M1", title="Python", planned_minutes=420 * 60))
        trainee = Trainee(
            cohort=cohort,
            ref="T01",
            first_name="Ada",
            last_name="Lovelace",
            email="ada.long@example.org",
            enrolled_on=date(2022, 1, 3),
        )
        db.session.add(trainee)
        db.session.commit()
        text = text_of(making.certificate(cohort, trainee, **dates(language)).path)
    planned = {"fr": "Durée prévue de la formation", "en": "Planned length of the course"}
    assert f"{planned[language]} {shown(app, language, i18n.hours, 1200)}" in text
    assert shown(app, language, i18n.hours, 420) not in text


def transform(matrix: list[float], point: tuple[float, float]) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    x, y = point
    return a * x + c * y + e, b * x + d * y + f


def times(first: list[float], then: list[float]) -> list[float]:
    """The matrix of `first` followed by `then` (PDF's `cm` puts a matrix before the CTM)."""
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = then
    return [
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    ]


def boxes_and_texts(reader: PdfReader, page) -> tuple[list[tuple[float, float]], list]:
    """Read a page's drawn rectangles, as their lowest and highest y, and each text run with
    the y of its baseline, in points from the page's foot."""
    from pypdf.generic import ContentStream

    ctm, saved, boxes, texts = [1, 0, 0, 1, 0, 0], [], [], []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        numbers = [float(n) for n in operands] if operator in (b"cm", b"re") else []
        if operator == b"q":
            saved.append(ctm)
        elif operator == b"Q":
            ctm = saved.pop()
        elif operator == b"cm":
            ctm = times(numbers, ctm)
        elif operator == b"re":
            x, y, width, height = numbers
            ys = [transform(ctm, corner)[1] for corner in ((x, y), (x + width, y + height))]
            boxes.append((min(ys), max(ys)))
    # The texts as pypdf decodes them, each with the matrices that place it.
    page.extract_text(
        visitor_text=lambda text, cm, tm, *_: texts.append(
            (transform([float(n) for n in cm], (float(tm[4]), float(tm[5])))[1], text)
        )
    )
    return boxes, texts


MM = 72 / 25.4


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("status", ["withdrawn", "completed"])
def test_the_certificate_is_one_framed_page_whatever_the_length_of_names(
    app, world, language, status
):
    with app.app_context():
        app.config["ORGANISATION_NAME"] = "Centre régional d'innovation et de formation numérique"
        cohort, trainee = cohort_and_trainee(ref="T02")
        cohort.name = "Développeur·se d'applications d'intelligence artificielle — promotion 1"
        trainee.first_name = "Marie-Élisabeth Geneviève"
        trainee.last_name = "de La Rochefoucauld-Montmorency"
        if status == "withdrawn":
            # Its French title, "Attestation de suivi de formation", is the longer.
            trainee.left_on = date(2022, 3, 4)
        db.session.commit()
        made = making.certificate(cohort, trainee, **dates(language, as_of=cohort.ends_on))
    reader = read(made.path)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    footer = {"fr": "Page 1 sur 1", "en": "Page 1 of 1"}[language]
    assert plain(page.extract_text()).endswith(footer)
    boxes, texts = boxes_and_texts(reader, page)
    # The frame, the largest box, stays between the header and the footer (margins of 21 and
    # 18 mm), and every text but the running header's and footer's is inside it.
    low, high = max(boxes, key=lambda box: box[1] - box[0])
    assert low >= 18 * MM - 0.5 and high <= float(page.mediabox.height) - 21 * MM + 0.5
    texts = [(y, text) for y, text in texts if text.strip()]
    outside = [text for y, text in texts if not low < y < high]
    assert any(footer.replace(" ", "") in "".join(text.split()) for text in outside), outside
    assert len(outside) <= 4, outside
    inside = plain(" ".join(text for y, text in texts if low < y < high))
    assert "ROCHEFOUCAULD-MONTMORENCY" in inside


def test_a_filled_sheet_shows_the_roll_call_and_a_blank_one_boxes_to_sign(app, world):
    with app.app_context():
        cohort, _ = cohort_and_trainee()
        filled = making.attendance_sheet(cohort, "2022-W02", blank=False, **dates())
        blank = making.attendance_sheet(cohort, "2022-W02", blank=True, **dates())
        filled_text, blank_text = text_of(filled.path), text_of(blank.path)
        pages = len(read(filled.path).pages)
    assert filled.filename == "alpha_sheet_2022-W02_en.pdf"
    assert blank.filename == "alpha_sheet_2022-W02_blank_en.pdf"
    assert pages == 1
    for text in (filled_text, blank_text):
        assert "LOVELACE Ada T01" in text and "TURING Alan T02" in text
        assert "Monday 10/01/2022" in text
        assert "Instructor's name and signature" in text
    assert "present" in filled_text and "excused absence" in filled_text
    assert "present" not in blank_text and "excused absence" not in blank_text


def test_reports_are_written_in_french_or_english(app, world):
    with app.app_context():
        cohort, _ = cohort_and_trainee()
        french = making.funding_report(cohort, **dates("fr"))
        english = making.funding_report(cohort, **dates("en"))
        assert read(french.path).trailer["/Root"]["/Lang"] == "fr"
        assert read(english.path).trailer["/Root"]["/Lang"] == "en-GB"
        # Money the French way in French: 12 500,50 €.
        assert "12 500,50 €" in text_of(french.path)
        assert "€12,500.50" in text_of(english.path)


def test_reports_carry_their_title_author_language_and_are_tagged_pdf_a(app, world):
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        made = making.trainee_report(cohort, trainee, **dates())
    reader = read(made.path)
    root = reader.trailer["/Root"]
    assert reader.metadata["/Title"].startswith("Progress report — Ada Lovelace (T01)")
    assert reader.metadata["/Author"] == "Centre régional d'innovation de Montpellier"
    assert reader.metadata["/CreationDate"] == reader.metadata["/ModDate"] == "D:20220701"
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="2"' in xmp and b'pdfaid:conformance="A"' in xmp


def test_every_page_says_the_cohort_funder_dates_and_page_x_of_y(app, world):
    with app.app_context():
        cohort, _ = cohort_and_trainee()
        reader = read(making.funding_report(cohort, **dates()).path)
    count = len(reader.pages)
    assert count >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = plain(page.extract_text())
        assert "IA promotion 1" in text and "Funded by Région Occitanie" in text
        assert "made on 01/07/2022 · figures as of 30/06/2022" in text
        assert f"Page {number} of {count}" in text


HOSTILE_NAMES = [
    # A carriage return or a form feed ends a CSS string: what follows would restyle the page.
    'Promo\r} @top-center { content: "INJECTED" } @top-left { content: "x',
    'Promo\f} @top-center { content: "INJECTED" } @top-left { content: "x',
    'Promo\r\n} @page { size: 10cm 10cm } @top-left { content: "x',
    # Quotes, backslashes, the end of the <style> element, control characters.
    'Promo "A" \\ B \\" C </style><h1>INJECTED</h1> D',
    "Promo\x1b\x0b\x85 F",
    "Promo \\A \\22 \\\r\n E",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_cohort_name_cannot_restyle_or_break_the_reports(app, world, name):
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        cohort.name = name
        cohort.funder = name
        db.session.commit()
        made = [
            making.funding_report(cohort, **dates()),
            making.trainee_report(cohort, trainee, **dates()),
            making.certificate(cohort, trainee, **dates()),
        ]
    # What a reader sees of the name: its characters (a long header may wrap: spaces apart).
    intact = "".join(c for c in name if c.isprintable() and not c.isspace())
    for report in made:
        reader = read(report.path)
        assert reader.pages[0].mediabox.width > 500  # A4 still, not 10 cm
        # After the first page, only the running header names the cohort: at the top left,
        # and its funder at the top right.
        for page in reader.pages[1:]:
            text = "".join(page.extract_text().split())
            assert text.count(intact) == 2, text
            assert f"Fundedby{intact}" in text
            assert "INJECTED" not in text.replace(intact, "")


def test_css_strings_escape_what_could_end_them():
    quoted = making.css_string('a"b\\c\nd\re\ff\x1bg</style>h\x00i')
    assert quoted == '"a\\22 b\\5C c d e f g\\3C /style\\3E h i"'
    # Nothing left that ends a CSS string or a <style> element.
    assert not set(quoted[1:-1]) & set('"\n\r\f<>\x00\x1b')


def test_a_trainee_not_yet_enrolled_has_no_report(app, world):
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        with pytest.raises(ReportError, match="not enrolled yet"):
            making.trainee_report(cohort, trainee, **dates(as_of=date(2021, 12, 31)))


# ---------------------------------------------------------------------------------------------
# Identical when made again, and the cache


@pytest.fixture
def renders(monkeypatch):
    """Count the reports actually rendered (not served from the cache)."""
    calls = []
    real = making.render_html

    def counting(source, language, made_on):
        calls.append((source.kind, language, made_on))
        return real(source, language, made_on)

    monkeypatch.setattr(making, "render_html", counting)
    return calls


def test_a_report_made_again_for_the_same_date_is_byte_identical(app, world, tmp_path):
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        first = making.trainee_report(cohort, trainee, **dates()).path.read_bytes()
        # Another cache, charts included: the report is drawn and rendered from scratch.
        app.config["REPORT_CACHE_FOLDER"] = str(tmp_path / "other-reports")
        app.config["CHART_CACHE_FOLDER"] = str(tmp_path / "other-charts")
        again = making.trainee_report(cohort, trainee, **dates())
    assert again.path.is_relative_to(tmp_path / "other-reports")
    assert again.path.read_bytes() == first


def test_the_cache_forgets_the_reports_made_before_yesterday(app, world, tmp_path):
    """A report shows the day it was made on: one of a past day is never asked for again."""
    cache = tmp_path / "cache" / "reports"
    app.config["REPORT_CACHE_FOLDER"] = str(cache)
    cache.mkdir(parents=True)
    (cache / "notes.txt").write_text("not the cache's")
    (cache / "2020-13-01").mkdir()  # not a day: left alone
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        days = [MADE_ON + timedelta(days=n) for n in range(3)]
        made = [making.trainee_report(cohort, trainee, **dates(made_on=day)) for day in days]
        # Made on the third day: the first day's folder is gone, yesterday's stays.
        assert not made[0].path.exists()
        assert made[1].path.is_file() and made[2].path.is_file()
        assert sorted(entry.name for entry in cache.iterdir()) == sorted(
            ["notes.txt", "2020-13-01", days[1].isoformat(), days[2].isoformat()]
        )
        # Served from the cache, nothing is removed; made again, the first day's comes back.
        assert making.trainee_report(cohort, trainee, **dates(made_on=days[2])) == made[2]
        assert making.trainee_report(cohort, trainee, **dates(made_on=days[0])).path.is_file()


def test_the_cache_serves_a_report_until_its_inputs_change(app, world, renders):
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        first = making.trainee_report(cohort, trainee, **dates())
        assert making.trainee_report(cohort, trainee, **dates()) == first
        assert len(renders) == 1
        # Another day of making, another language, another date of the figures: made again.
        making.trainee_report(cohort, trainee, **dates(made_on=MADE_ON + timedelta(days=1)))
        making.trainee_report(cohort, trainee, **dates("fr"))
        making.trainee_report(cohort, trainee, **dates(as_of=AS_OF + timedelta(days=1)))
        assert len(renders) == 4
        # A roll call changed: the figures' data changed, the report is made again.
        record = db.session.scalar(
            select(AttendanceRecord).where(AttendanceRecord.trainee_id == trainee.id)
        )
        record.status, record.minutes_missed = "late", 30
        db.session.commit()
        changed = making.trainee_report(cohort, trainee, **dates())
        assert len(renders) == 5
        assert changed.path != first.path
        assert "3.00 h" in text_of(changed.path)
        # A change that the report does not show (another cohort's data) leaves it cached.
        db.session.add(
            Trainee(
                cohort=db.session.scalar(select(Cohort).where(Cohort.slug == "beta")),
                ref="T02",
                first_name="Katherine",
                last_name="Johnson",
                email="katherine@example.org",
                enrolled_on=date(2022, 1, 3),
            )
        )
        db.session.commit()
        assert making.trainee_report(cohort, trainee, **dates()) == changed
        assert len(renders) == 5


def test_a_release_makes_the_reports_and_their_charts_again(app, world, renders, monkeypatch):
    """A release that changes rounding, loading or wording changes the version: no stale PDF."""
    with app.app_context():
        cohort, _ = cohort_and_trainee()
        first = making.cohort_report(cohort, **dates())
        assert making.cohort_report(cohort, **dates()) == first
        charts = sorted(Path(app.config["CHART_CACHE_FOLDER"]).glob("*.svg"))
        monkeypatch.setattr(version, "installed", lambda: "99.0.0")
        again = making.cohort_report(cohort, **dates())
    assert again.path != first.path
    assert len(renders) == 2
    # The charts are drawn again too, and replace those of the earlier release.
    now = sorted(Path(app.config["CHART_CACHE_FOLDER"]).glob("*.svg"))
    assert len(now) == len(charts) == 2
    assert not set(now) & set(charts)


def test_the_version_is_that_of_the_installed_distribution():
    from importlib.metadata import version as distribution_version

    assert version.installed() == distribution_version("tracker")


def test_the_funding_report_is_not_made_again_when_only_scores_change(app, world, renders):
    with app.app_context():
        cohort, _ = cohort_and_trainee()
        first = making.funding_report(cohort, **dates())
        result = db.session.scalar(select(Result).where(Result.score == 17.25))
        result.score = 3
        db.session.commit()
        assert making.funding_report(cohort, **dates()) == first
    assert len(renders) == 1


# ---------------------------------------------------------------------------------------------
# Page counts on the demo cohort


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.db'}",
            "REPORTS_FOLDER": str(folder / "reports"),
            "CHART_CACHE_FOLDER": str(folder / "cache" / "charts"),
            "REPORT_CACHE_FOLDER": str(folder / "cache" / "reports"),
        }
    )
    with app.app_context():
        db.create_all()
        load_cohort()
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


DEMO_AS_OF = date(2022, 12, 15)


@pytest.mark.parametrize(
    ("kind", "pages"),
    [("trainee", (2, 6)), ("certificate", (1, 1)), ("cohort", (2, 6)), ("funding", (2, 6))],
)
def test_the_demo_cohorts_reports_have_a_sane_number_of_pages(demo_app, kind, pages):
    with demo_app.app_context():
        ref = "T05" if kind in ("trainee", "certificate") else None
        order = making.Order(kind, "ibm-ai-1", DEMO_AS_OF, "fr", DEMO_AS_OF, ref=ref)
        count = len(read(making.fulfil(order).path).pages)
    assert pages[0] <= count <= pages[1]


def test_the_demo_cohorts_sheet_fits_on_one_or_two_landscape_pages(demo_app):
    with demo_app.app_context():
        for blank in (False, True):
            order = making.Order(
                "sheet", "ibm-ai-1", DEMO_AS_OF, "fr", DEMO_AS_OF, week="2022-W49", blank=blank
            )
            reader = read(making.fulfil(order).path)
            assert 1 <= len(reader.pages) <= 2
            box = reader.pages[0].mediabox
            assert box.width > box.height
            text = plain("\n".join(page.extract_text() for page in reader.pages))
            # 25 trainees, none withdrawn before that week but T08 and T14.
            assert text.count("T0") + text.count("T1") + text.count("T2") >= 23


def test_the_demo_trainee_report_prints_the_trainees_hours(demo_app):
    with demo_app.app_context():
        cohort, trainee = cohort_and_trainee("ibm-ai-1", "T05")
        mine = next(t for t in cohort_metrics(cohort, DEMO_AS_OF)["trainees"] if t["ref"] == "T05")
        made = making.trainee_report(
            cohort, trainee, as_of=DEMO_AS_OF, language="fr", made_on=DEMO_AS_OF
        )
        text = text_of(made.path)
    assert shown(demo_app, "fr", i18n.hours, mine["attended_hours"]) in text
    assert shown(demo_app, "fr", i18n.rate, mine["attendance_rate"]) in text
    assert shown(demo_app, "fr", i18n.rate, mine["assiduity_rate"]) in text
    assert shown(demo_app, "fr", i18n.rate, mine["progress"]) in text
    # The chart's text is text: the legend of the monthly attendance chart, in French.
    assert "Seuil (80,0 %)" in text


def test_the_demo_trainee_report_gives_the_cohorts_median_grade_per_module(demo_app):
    with demo_app.app_context():
        cohort, trainee = cohort_and_trainee("ibm-ai-1", "T05")
        data = load_cohort_data(cohort, DEMO_AS_OF)
        points = series.trainee_module_grades(data, trainee.id)
        made = making.trainee_report(
            cohort, trainee, as_of=DEMO_AS_OF, language="fr", made_on=DEMO_AS_OF
        )
        text = text_of(made.path)
    start = text.index("Médiane de la promotion")
    results = text[start : re.search(r"Compétences \d+ compétences acquises", text).start()]
    # Each module's row, from its code to the next module's.
    rows = {row[:3]: row for row in re.split(r"(?=\bM\d\d — )", results) if row[:1] == "M"}
    assert points and all(point.cohort_median is not None for point in points)
    for point in points:
        row = rows[point.code]
        grade, median, pass_mark = (
            shown(demo_app, "fr", i18n.number, value)
            for value in (point.grade, point.cohort_median, point.pass_mark)
        )
        # The row reads: module, planned hours, scored, grade, median, pass mark, status.
        assert f"{grade} {median} {pass_mark}" in row, row


DEMO_END = date(2023, 3, 31)


@pytest.mark.parametrize("kind", ["trainee", "funding"])
def test_the_monthly_tables_total_is_printed_once_after_its_last_month(demo_app, kind):
    with demo_app.app_context():
        ref = "T01" if kind == "trainee" else None
        order = making.Order(kind, "ibm-ai-1", DEMO_END, "fr", DEMO_END, ref=ref)
        pages = [plain(page.extract_text()) for page in read(making.fulfil(order).path).pages]
    # The table of the 18 months runs over two pages: a total at the foot of the first would
    # read as the total of its rows.
    first = next(n for n, text in enumerate(pages) if "Octobre 2021" in text)
    last = next(n for n, text in enumerate(pages) if "Mars 2023" in text)
    assert last > first
    monthly = [n for n, text in enumerate(pages) for _ in re.finditer(r"\bTotal [\d ,]+ h", text)]
    assert monthly == [last]
    if kind == "funding":
        # The budget lines' table has its own total, once.
        budget = [n for n, text in enumerate(pages) for _ in re.finditer(r"Total [\d ,]+ €", text)]
        assert len(budget) == 1
    assert re.search(r"Mars 2023 .*?\bTotal \d", pages[last])


# ---------------------------------------------------------------------------------------------
# Command line


def test_the_report_commands_write_their_files(app, world, run_tracker, tmp_path):
    out = tmp_path / "out"
    common = ["--as-of", "2022-06-30", "--lang", "en", "--out", str(out)]
    for args, name in (
        (["trainee", "alpha", "T01"], "alpha_T01_progress_2022-06-30_en.pdf"),
        (["cohort", "alpha"], "alpha_cohort-progress_2022-06-30_en.pdf"),
        (["funding", "alpha"], "alpha_funding_2022-06-30_en.pdf"),
        (["sheet", "alpha", "--week", "2022-W02", "--blank"], "alpha_sheet_2022-W02_blank_en.pdf"),
        (["certificate", "alpha", "T02"], "alpha_T02_certificate_2022-06-30_en.pdf"),
    ):
        result = run_tracker("report", *args, *common)
        assert result.exit_code == 0, result.output
        assert result.output.strip() == str(out / name)
        assert read(out / name).pages


def test_the_report_commands_write_into_the_reports_folder_by_default(app, world, run_tracker):
    result = run_tracker("report", "funding", "alpha", "--as-of", "2022-06-30")
    assert result.exit_code == 0, result.output
    written = Path(result.output.strip())
    assert written.parent == Path(app.config["REPORTS_FOLDER"])
    assert written.name == "alpha_funding_2022-06-30_fr.pdf"


@pytest.fixture
def umask_022():
    """The usual umask, under which new files are readable by every local user."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def modes(folder: Path) -> dict[str, str]:
    """Map each folder and file under a folder, itself included, to its permissions."""
    found = {".": oct(folder.stat().st_mode & 0o777)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = oct(path.stat().st_mode & 0o777)
    return found


def test_caches_and_the_instances_reports_are_private_to_their_owner(
    app, world, run_tracker, login_as, umask_022
):
    """They hold names and scores: 0600 files in 0700 folders, whatever the umask."""
    client = client_of(app, login_as, "admin@centre.fr")
    for url in (
        "/cohorts/alpha/trainees/T01/report.pdf?as_of=2022-06-30",
        "/cohorts/alpha/trainees/T01?as_of=2022-06-30",
        "/cohorts/alpha/funding?as_of=2022-06-30",
    ):
        assert client.get(url).status_code == 200, url
    result = run_tracker("report", "trainee", "alpha", "T01", "--as-of", "2022-06-30")
    assert result.exit_code == 0, result.output
    for setting in ("REPORT_CACHE_FOLDER", "CHART_CACHE_FOLDER", "REPORTS_FOLDER"):
        found = modes(Path(app.config[setting]))
        assert len(found) > 1, setting
        for name, mode in found.items():
            is_folder = (Path(app.config[setting]) / name).is_dir()
            assert mode == ("0o700" if is_folder else "0o600"), f"{setting}: {name} {mode}"
    # The caches' parent folder, made with them, is private too.
    assert modes(Path(app.config["CHART_CACHE_FOLDER"]).parent)["."] == "0o700"


def test_reports_written_with_out_follow_the_users_umask(app, world, run_tracker, tmp_path):
    for umask, expected in ((0o022, "0o644"), (0o077, "0o600")):
        previous = os.umask(umask)
        try:
            out = tmp_path / f"out-{umask:o}"
            one = run_tracker("report", "funding", "alpha", "--as-of", "2022-06-30", "--out", out)
            every = run_tracker(
                "report", "all", "alpha", "--as-of", "2022-06-30", "--out", out / "all"
            )
        finally:
            os.umask(previous)
        assert one.exit_code == 0 and every.exit_code == 0, one.output + every.output
        written = [Path(one.output.strip()), *map(Path, every.stdout.split())]
        assert len(written) == 10
        for path in written:
            assert oct(path.stat().st_mode & 0o777) == expected, path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trainee", "nowhere", "T01"], "There is no cohort 'nowhere'."),
        (["trainee", "alpha", "T99"], "The cohort 'alpha' has no trainee 'T99'."),
        (["certificate", "alpha", "T01", "--as-of", "2021-12-31"], "not enrolled yet"),
        (["cohort", "alpha", "--as-of", "2022-02-30"], "is not a date such as 2022-12-15"),
        (["funding", "alpha", "--lang", "de"], "Unknown language 'de'"),
        (["sheet", "alpha", "--week", "2022-W60"], "2022 has weeks 01 to 52: there is no week 60."),
        (["sheet", "alpha", "--week", "last week"], "“last week” is not a week"),
        (["sheet", "alpha", "--week", "2022-W10"], "has no session in the week 2022-W10"),
        (["all", "nowhere"], "There is no cohort 'nowhere'."),
    ],
)
def test_bad_input_exits_with_status_1_and_a_message(app, world, run_tracker, args, message):
    result = run_tracker("report", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_report_all_writes_every_report_of_the_cohort(
    app, world, run_tracker, tmp_path, monkeypatch
):
    # The command makes its reports on the day of Europe/Paris: frozen, so that the report made
    # below for comparison is made on the same day whatever the hour and the machine's zone.
    monkeypatch.setattr(timeutil, "today", lambda: MADE_ON)
    out = tmp_path / "all"
    result = run_tracker("report", "all", "alpha", "--as-of", "2022-06-30", "--out", str(out))
    assert result.exit_code == 0, result.output
    expected = {
        "alpha_T01_progress_2022-06-30_fr.pdf",
        "alpha_T02_progress_2022-06-30_fr.pdf",
        "alpha_T01_certificate_2022-06-30_fr.pdf",
        "alpha_T02_certificate_2022-06-30_fr.pdf",
        "alpha_T01_attestation_2022-06-30_fr.pdf",
        "alpha_T02_attestation_2022-06-30_fr.pdf",
        "alpha_cohort-progress_2022-06-30_fr.pdf",
        "alpha_funding_2022-06-30_fr.pdf",
        "alpha_sheet_2022-W02_fr.pdf",
    }
    assert {path.name for path in out.iterdir()} == expected
    assert {Path(line).name for line in result.stdout.splitlines()} == expected
    # Made in other processes, served from the shared cache afterwards.
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        made = making.trainee_report(cohort, trainee, as_of=AS_OF, language="fr", made_on=MADE_ON)
    assert made.path.read_bytes() == (out / "alpha_T01_progress_2022-06-30_fr.pdf").read_bytes()


# ---------------------------------------------------------------------------------------------
# Web


def client_of(app, login_as, email: str):
    client = app.test_client()
    with app.app_context():
        login_as(client, db.session.scalar(select(User).where(User.email == email)))
    return client


def test_a_trainee_downloads_their_own_report_and_certificate(app, world, login_as):
    client = client_of(app, login_as, "ada@example.org")
    for url, name in (
        ("/cohorts/alpha/trainees/T01/report.pdf", "alpha_T01_progress_2022-06-30_en.pdf"),
        ("/cohorts/alpha/trainees/T01/certificate.pdf", "alpha_T01_certificate_2022-06-30_en.pdf"),
    ):
        response = client.get(f"{url}?as_of=2022-06-30&lang=en")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
        assert "Ada Lovelace" in text_of(response.data) or "LOVELACE" in text_of(response.data)


def test_a_trainee_cannot_download_another_trainees_report(app, world, login_as):
    client = client_of(app, login_as, "ada@example.org")
    for url in (
        "/cohorts/alpha/trainees/T02/report.pdf",
        "/cohorts/alpha/trainees/T02/certificate.pdf",
        "/cohorts/beta/trainees/T01/report.pdf",
        "/cohorts/alpha/report.pdf",
        "/cohorts/alpha/funding-report.pdf",
    ):
        assert client.get(url).status_code == 404, url


def test_an_officer_downloads_the_funding_report_and_sheets_only(app, world, login_as):
    client = client_of(app, login_as, "region@laregion.fr")
    funding = client.get("/cohorts/alpha/funding-report.pdf?as_of=2022-06-30")
    assert funding.status_code == 200
    assert "COMMENT-SECRET" not in text_of(funding.data)
    assert client.get("/cohorts/alpha/attendance-sheets/2022-W02.pdf").status_code == 200
    assert client.get("/cohorts/alpha/trainees/T01/report.pdf").status_code == 403
    assert client.get("/cohorts/alpha/report.pdf").status_code == 403


def test_the_web_serves_the_cached_file(app, world, login_as, renders):
    client = client_of(app, login_as, "prof@centre.fr")
    first = client.get("/cohorts/alpha/report.pdf?as_of=2022-06-30")
    second = client.get("/cohorts/alpha/report.pdf?as_of=2022-06-30")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    assert len(renders) == 1


def test_dates_after_the_cohorts_end_share_the_report_of_its_end(app, world, login_as, renders):
    """Figures after the end are those of the end: one report, which says so."""
    client = client_of(app, login_as, "ada@example.org")
    ends_on = date(2022, 12, 16)
    made = set()
    for day in (ends_on, *(ends_on + timedelta(days=n) for n in (1, 2, 30, 365, 3000))):
        response = client.get(f"/cohorts/alpha/trainees/T01/report.pdf?as_of={day}&lang=en")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == (
            "attachment; filename=alpha_T01_progress_2022-12-16_en.pdf"
        )
        made.add(response.data)
    assert len(made) == 1 and len(renders) == 1
    assert "figures as of 16/12/2022" in text_of(made.pop())


def test_data_dated_after_the_end_moves_the_date_of_the_figures(app, world, renders):
    with app.app_context():
        cohort, _ = cohort_and_trainee()
        line = db.session.scalar(select(BudgetLine).where(BudgetLine.code == "PED"))
        db.session.add(
            Expense(
                budget_line_id=line.id,
                date=date(2023, 1, 20),
                amount=Decimal("100.00"),
                description="Late invoice",
            )
        )
        db.session.commit()
        before = making.funding_report(cohort, **dates(as_of=date(2023, 1, 19)))
        after = [
            making.funding_report(cohort, **dates(as_of=day))
            for day in (date(2023, 1, 20), date(2023, 6, 1))
        ]
    assert before.filename == "alpha_funding_2022-12-16_en.pdf"
    assert after[0] == after[1]
    assert after[0].filename == "alpha_funding_2023-01-20_en.pdf"
    assert "€12,600.50" in text_of(after[0].path)
    assert len(renders) == 2


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, moved by hand."""
    now = [1_000_000.0]
    monkeypatch.setattr(limits, "now", lambda: now[0])
    return now


def test_an_account_has_few_reports_made_per_minute_and_cached_ones_always(
    app, world, login_as, clock, renders
):
    app.config["REPORT_MAKINGS_PER_MINUTE"] = 3
    trainee = client_of(app, login_as, "ada@example.org")
    url = "/cohorts/alpha/trainees/T01/report.pdf?as_of=2022-06-{:02d}"
    for day in (20, 21, 22):
        assert trainee.get(url.format(day)).status_code == 200
        clock[0] += 10
    refused = trainee.get(url.format(23))
    assert refused.status_code == 429
    # The first making leaves the minute 30 seconds from now.
    assert refused.headers["Retry-After"] == "30"
    assert len(renders) == 3
    # Reports made already still download; other accounts have their own share.
    assert trainee.get(url.format(21)).status_code == 200
    assert client_of(app, login_as, "prof@centre.fr").get(url.format(23)).status_code == 200
    # Another worker process of the server (another application) counts the same makings.
    other = create_app(dict(app.config))
    with app.app_context():
        ada = db.session.scalar(select(User).where(User.email == "ada@example.org"))
    try:
        assert login_as(other.test_client(), ada).get(url.format(24)).status_code == 429
    finally:
        with other.app_context():
            db.engine.dispose()
    clock[0] += 30
    assert trainee.get(url.format(24)).status_code == 200
    assert len(renders) == 5


def test_the_report_speaks_the_pages_language(app, world, login_as):
    client = client_of(app, login_as, "admin@centre.fr")
    french = client.get("/cohorts/alpha/funding-report.pdf?as_of=2022-06-30")
    english = client.get("/cohorts/alpha/funding-report.pdf?as_of=2022-06-30&lang=en")
    assert "alpha_funding_2022-06-30_fr.pdf" in french.headers["Content-Disposition"]
    assert "alpha_funding_2022-06-30_en.pdf" in english.headers["Content-Disposition"]
    assert read(english.data).trailer["/Root"]["/Lang"] == "en-GB"


def test_money_in_the_reports_is_exact(app, world):
    with app.app_context():
        cohort, _ = cohort_and_trainee()
        text = text_of(making.funding_report(cohort, **dates()).path)
    # 12,500.50 spent over 3.5 realised hours: 3,571.571… rounded half up to the cent.
    assert Decimal("12500.50") / Decimal("3.5") > Decimal("3571.57")
    assert "€3,571.57" in text
    assert re.search(r"Cost per realised trainee-hour €3,571\.57", text)


def test_assessments_after_the_date_are_left_out(app, world):
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        text = text_of(
            making.trainee_report(cohort, trainee, **dates(as_of=date(2022, 1, 12))).path
        )
        assessment = db.session.scalar(select(Assessment))
    assert assessment.date > date(2022, 1, 12)
    assert "COMMENT-SECRET" not in text and "17.25" not in text


def test_the_pages_link_to_the_reports_each_role_may_download(world, signed_in):
    trainee_page = signed_in("trainee").get("/cohorts/alpha/trainees/T01?as_of=2022-06-30").text
    assert "/cohorts/alpha/trainees/T01/report.pdf?as_of=2022-06-30" in trainee_page
    assert "/cohorts/alpha/trainees/T01/certificate.pdf?as_of=2022-06-30" in trainee_page
    overview = signed_in("instructor").get("/cohorts/alpha?as_of=2022-06-30").text
    assert "/cohorts/alpha/report.pdf?as_of=2022-06-30" in overview
    # The funding report holds the budget: admins' and officers' only.
    assert "funding-report.pdf" not in overview
    overview = signed_in("admin").get("/cohorts/alpha?as_of=2022-06-30").text
    assert "/cohorts/alpha/funding-report.pdf?as_of=2022-06-30" in overview
    funding = signed_in("officer").get("/cohorts/alpha/funding?as_of=2022-06-30").text
    assert "/cohorts/alpha/funding-report.pdf?as_of=2022-06-30" in funding
    timetable = signed_in("instructor").get("/cohorts/alpha/timetable?week=2022-W02").text
    assert "/cohorts/alpha/attendance-sheets/2022-W02.pdf?blank=1" in timetable
    assert '/cohorts/alpha/attendance-sheets/2022-W02.pdf"' in timetable
