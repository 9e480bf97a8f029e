"""Every report, in French and English, for the test world and a cohort of other planned hours:
no word drawn over another, none outside its page. The words' boxes are read back by poppler's
`pdftotext -bbox` (as a reader's viewer places them)."""

import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from sqlalchemy import select

from tests.world import build_world
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.reports import making

AS_OF = date(2022, 6, 30)
MADE_ON = date(2022, 7, 1)
XHTML = "{http://www.w3.org/1999/xhtml}"
# Two words overlap when they share more than this share of the smaller one's box: letters of
# neighbouring words touch at their edges (kerning, italic overhang), never more.
OVERLAP = 0.2


def word_boxes(pdf: bytes, tmp_path) -> list[tuple[float, float, list]]:
    """Return each page's width, height and words with their boxes."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (Debian's poppler-utils) is needed to read the words' places")
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(source), "-"], check=True, capture_output=True
    ).stdout
    pages = []
    for page in ET.fromstring(xhtml).iter(f"{XHTML}page"):
        words = [
            (
                word.text or "",
                float(word.get("xMin")),
                float(word.get("yMin")),
                float(word.get("xMax")),
                float(word.get("yMax")),
            )
            for word in page.iter(f"{XHTML}word")
        ]
        pages.append((float(page.get("width")), float(page.get("height")), words))
    return pages


def layout_problems(pages) -> list[str]:
    """Name every word outside its page and every pair of words drawn over each other."""
    problems = []
    for number, (width, height, words) in enumerate(pages, start=1):
        for text, x0, y0, x1, y1 in words:
            if x0 < -0.5 or y0 < -0.5 or x1 > width + 0.5 or y1 > height + 0.5:
                problems.append(f"page {number}: {text!r} outside the page")
        ordered = sorted(words, key=lambda word: word[2])
        for index, (text, x0, y0, x1, y1) in enumerate(ordered):
            for other, a0, b0, a1, b1 in ordered[index + 1 :]:
                if b0 >= y1:
                    break  # sorted by their tops: no later word reaches this one
                across = min(x1, a1) - max(x0, a0)
                down = min(y1, b1) - max(y0, b0)
                if across <= 0 or down <= 0:
                    continue
                smaller = min((x1 - x0) * (y1 - y0), (a1 - a0) * (b1 - b0))
                if smaller > 0 and across * down > OVERLAP * smaller:
                    problems.append(f"page {number}: {text!r} drawn over {other!r}")
    return problems


def every_report(cohort: Cohort, trainee: Trainee, language: str) -> dict[str, bytes]:
    dates = {"as_of": AS_OF, "language": language, "made_on": MADE_ON}
    return {
        "trainee": making.trainee_report(cohort, trainee, **dates).content,
        "cohort": making.cohort_report(cohort, **dates).content,
        "funding": making.funding_report(cohort, **dates).content,
        "certificate": making.certificate(cohort, trainee, **dates).content,
        "attestation": making.attestation(cohort, trainee, **dates).content,
        "sheet": making.attendance_sheet(cohort, "2022-W02", blank=False, **dates).content,
        "blank sheet": making.attendance_sheet(cohort, "2022-W02", blank=True, **dates).content,
        "signed sheet": making.signed_sheet(cohort, "2022-W02", **dates).content,
    }


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("planned_hours", [None, 1200])
def test_no_word_of_a_report_is_drawn_over_another_or_outside_its_page(
    app, tmp_path, language, planned_hours
):
    with app.app_context():
        build_world()
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        if planned_hours is not None:
            cohort.planned_minutes_per_trainee = planned_hours * 60
            db.session.commit()
        trainee = db.session.scalar(
            select(Trainee).where(Trainee.cohort_id == cohort.id).order_by(Trainee.ref)
        )
        reports = every_report(cohort, trainee, language)
    problems = {
        kind: found
        for kind, pdf in reports.items()
        if (found := layout_problems(word_boxes(pdf, tmp_path)))
    }
    assert not problems


def test_the_check_finds_words_drawn_over_each_other_and_outside_the_page():
    pages = [
        (
            100.0,
            100.0,
            [
                ("one", 10, 10, 40, 20),
                ("two", 30, 12, 60, 22),  # over "one"
                ("three", 10, 50, 40, 60),
                ("four", 41, 50, 70, 60),  # beside "three": fine
                ("five", 90, 80, 120, 90),  # past the right edge
            ],
        )
    ]
    assert layout_problems(pages) == [
        "page 1: 'five' outside the page",
        "page 1: 'one' drawn over 'two'",
    ]
