"""The outcome figures where people read them: the cohort's funding dashboard, the funding
report, and the public page of each course, which shows nothing about any one trainee and
nothing for fewer than 5."""

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tracker import timeutil
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.outcomes.models import Outcome
from tracker.reports import making

TODAY = date(2023, 7, 1)
PUBLIC = "/results/ia-promotion-1?lang=en"
MORE = [
    ("T03", "Katherine", "Johnson", None),
    ("T04", "Margaret", "Hamilton", None),
    ("T05", "Hedy", "Lamarr", None),
    ("T06", "Annie", "Easley", date(2022, 5, 20)),
]


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(timeutil, "today", lambda: TODAY)


def plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def finished(app, world):
    """Six trainees in the world's cohort (over on 16 December 2022), one of whom withdrew, and
    their outcomes: 1 certified in full, 1 in part; 4 situations known at 6 months."""
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        for ref, first, last, left_on in MORE:
            db.session.add(
                Trainee(
                    cohort=alpha,
                    ref=ref,
                    first_name=first,
                    last_name=last,
                    email=f"{first.lower()}@example.org",
                    enrolled_on=date(2022, 1, 3),
                    left_on=left_on,
                    exit_reason="Emploi trouvé" if left_on else None,
                )
            )
        db.session.flush()
        ids = {t.ref: t.id for t in alpha.trainees}
        rows = [
            ("T01", "exit", "seeking_work", "full", ""),
            ("T01", "6_months", "permanent_contract", None, ""),
            ("T02", "exit", "seeking_work", "part", "B1"),
            ("T02", "6_months", "further_training", None, ""),
            ("T03", "exit", "seeking_work", "none", ""),
            ("T03", "6_months", "seeking_work", None, ""),
            ("T04", "6_months", "temporary", None, ""),
            ("T05", "6_months", "unknown", None, ""),
        ]
        for ref, moment, situation, certification, blocks in rows:
            db.session.add(
                Outcome(
                    trainee_id=ids[ref],
                    moment=moment,
                    situation=situation,
                    certification=certification,
                    blocks=blocks,
                    recorded_on=date(2023, 6, 20),
                    source="staff",
                )
            )
        db.session.commit()
        return [
            (t.ref, t.first_name, t.last_name, t.email)
            for t in db.session.scalars(select(Trainee)).all()
        ]


def test_the_public_page_publishes_dated_results_without_anyone_in_them(app, finished):
    response = app.test_client().get(PUBLIC)
    assert response.status_code == 200
    text = plain(response.get_data(as_text=True))
    assert "Results of the course IA promotion 1" in text
    assert "Published on 01/07/2023." in text
    assert "6 trainees entered, from 03/01/2022; the last exit on 16/12/2022." in text
    assert "83.3 %" in text  # completion: 5 of 6
    assert "5 of 6" in text
    assert "16.7 %" in text  # in full, in part: 1 of 6 each
    # 4 situations known at 6 months: too few to publish either rate at 6 months.
    assert text.count("Too few trainees to publish") == 2
    assert "2 of 4" not in text and "3 of 4" not in text
    # Nobody in it: no name, reference or address of any trainee, of this cohort or another.
    for person in finished:
        for personal in person:
            assert personal not in text, personal
    assert "Emploi trouvé" not in text


def test_the_public_page_of_a_course_under_5_trainees_publishes_nothing(app, world):
    text = plain(app.test_client().get(PUBLIC).get_data(as_text=True))
    assert "Too few trainees to publish: results are published from 5 trainees on." in text
    assert "Completion rate" not in text


def test_the_public_page_lists_the_courses_and_waits_for_their_end(app, world):
    listing = app.test_client().get("/results?lang=en").get_data(as_text=True)
    assert "/results/ia-promotion-1" in listing and "/results/ia-promotion-2" in listing
    text = plain(app.test_client().get("/results/ia-promotion-2?lang=en").get_data(as_text=True))
    assert "No cohort of this course has ended yet" in text


def test_the_funding_dashboard_shows_every_outcome_figure(app, finished, signed_in):
    response = signed_in("officer").get("/cohorts/alpha/funding?lang=en")
    text = plain(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Employment rate 6 months after exit" in text
    assert "50.0 %" in text and "2 of 4" in text  # permanent, temporary of 4 known
    assert "75.0 %" in text and "3 of 4" in text  # and further training
    assert "Certification not recorded for 3 trainees (counted as not obtained)." in text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_funding_report_prints_the_outcome_figures(app, finished, language):
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        made = making.funding_report(cohort, as_of=TODAY, language=language, made_on=TODAY)
        pages = [
            plain(p.extract_text()) for p in PdfReader(io.BytesIO(made.path.read_bytes())).pages
        ]
    text = " ".join(pages)
    if language == "en":
        assert "Employment rate 6 months after exit" in text
        assert "2 of 4" in text and "5 of 6" in text
    assert "83,3 %" in text or "83.3 %" in text
