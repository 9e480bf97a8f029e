"""Weeks and months in words rather than codes, and French elision before names."""

import re
from datetime import date

import pytest
from flask_babel import force_locale

from tests.pages_data import text
from tests.test_reports import cohort_and_trainee, dates, text_of
from tracker import i18n
from tracker.reports import making


@pytest.fixture
def french(app):
    with app.test_request_context(), force_locale("fr"):
        yield


@pytest.fixture
def english(app):
    with app.test_request_context(), force_locale("en_GB"):
        yield


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2021, 11, 1), "semaine du 1er novembre 2021"),
        (date(2021, 11, 4), "semaine du 1er novembre 2021"),  # a Thursday: its Monday
        (date(2022, 1, 10), "semaine du 10 janvier 2022"),
        (date(2023, 1, 1), "semaine du 26 décembre 2022"),  # a Sunday
    ],
)
def test_a_week_is_named_by_its_monday_in_french(french, day, words):
    assert i18n.week_label(day) == words


def test_a_week_is_named_by_its_monday_in_english(english):
    assert i18n.week_label(date(2021, 11, 3)) == "week of 1 November 2021"
    assert i18n.long_day(date(2022, 1, 10)) == "10 January 2022"


def test_a_month_is_named_with_its_year(app):
    with app.test_request_context():
        with force_locale("fr"):
            assert i18n.month_label(date(2023, 3, 1)) == "mars 2023"
            assert i18n.month_label(date(2022, 8, 17)) == "août 2022"
        with force_locale("en_GB"):
            assert i18n.month_label(date(2023, 3, 1)) == "March 2023"


@pytest.mark.parametrize(
    ("name", "french_words"),
    [
        ("Alexandre", "d’Alexandre"),
        ("Émilie", "d’Émilie"),
        ("Hélène", "d’Hélène"),
        ("Yves", "d’Yves"),
        ("IA promotion 1", "d’IA promotion 1"),
        ("avril 2022", "d’avril 2022"),
        ("Bernard", "de Bernard"),
        ("Yann", "de Yann"),
        ("M01", "de M01"),
        ("2022", "de 2022"),
        ("", "de "),
    ],
)
def test_de_is_elided_before_a_vowel_sound(app, name, french_words):
    with app.test_request_context(), force_locale("fr"):
        assert i18n.of(name) == french_words
    with app.test_request_context(), force_locale("en_GB"):
        assert i18n.of(name) == f"of {name}"
    assert i18n.elided("que", "Alexandre") == "qu’Alexandre"
    assert i18n.elided("que", "Bernard") == "que Bernard"


# ---------------------------------------------------------------------------------------------
# On the pages


def test_the_statement_names_its_months(world, signed_in):
    officer = signed_in("officer")
    page = text(officer.get("/cohorts/alpha/funding/statement?month=2022-04").text)
    assert "Relevé d’avril 2022" in page
    assert "Heures de chaque stagiaire en avril 2022" in page
    assert "Mois précédent (mars 2022)" in page and "Mois suivant (mai 2022)" in page
    assert not re.search(r"\b2022-0\d\b", page)
    page = text(officer.get("/cohorts/alpha/funding/statement?month=2022-03&lang=en").text)
    assert "Statement of March 2022" in page
    assert "Previous month (February 2022)" in page


def test_the_timetable_names_its_week(world, signed_in):
    page = text(signed_in("instructor").get("/cohorts/alpha/timetable?week=2021-W52").text)
    assert "Emploi du temps, semaine du 27 décembre 2021" in page
    assert "Du 27/12/2021 au 31/12/2021" in page
    page = text(signed_in("instructor").get("/cohorts/alpha/timetable?week=2022-W02").text)
    assert "Feuille d’émargement à signer (PDF) , semaine du 10 janvier 2022" in page


def test_names_after_de_are_elided_on_the_pages(world, signed_in):
    admin = signed_in("admin")
    assert "Stagiaires d’IA promotion 1" in text(admin.get("/cohorts/alpha/trainees").text)
    page = text(admin.get("/cohorts/alpha/trainees/T01/withdrawal").text)
    assert "Sortie anticipée d’Ada Lovelace (T01)" in page
    page = text(admin.get("/cohorts/alpha/modules").text)
    assert "Évaluations de M1" in page and "Nouvelle évaluation de M1" in page
    page = text(admin.get("/cohorts/alpha/assessments/A1/results").text)
    assert "Résultats de l’évaluation A1" in page
    assert "Note d’Ada Lovelace" in page and "Note d’Alan Turing" in page
    page = text(admin.get("/cohorts/alpha/trainees/T01/withdrawal?lang=en").text)
    assert "Withdrawal of Ada Lovelace (T01)" in page


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("fr", "Feuille d’émargement — semaine du 10 janvier 2022"),
        ("en", "Attendance sheet — week of 10 January 2022"),
    ],
)
def test_the_attendance_sheet_names_its_week(app, world, language, title):
    with app.app_context():
        cohort, _ = cohort_and_trainee()
        sheet = making.attendance_sheet(cohort, "2022-W02", blank=True, **dates(language))
        printed = text_of(sheet.path)
    assert title in printed
    assert "2022-W02" not in printed


@pytest.mark.parametrize("language", ["fr", "en_GB"])
def test_a_moment_is_written_as_babel_writes_it_in_the_course_s_time_zone(app, language):
    from datetime import UTC, datetime, timedelta

    from flask_babel import format_datetime

    # Every quarter of an hour around both clock changes of 2022, and a night of each season.
    instants = [
        start + timedelta(minutes=15 * step)
        for start in (
            datetime(2022, 3, 26, 22, tzinfo=UTC),
            datetime(2022, 10, 29, 22, tzinfo=UTC),
            datetime(2021, 12, 31, 22, tzinfo=UTC),
            datetime(2022, 7, 14, 21, tzinfo=UTC),
        )
        for step in range(24)
    ]
    with app.test_request_context(), force_locale(language):
        for instant in instants:
            assert i18n.moment(instant) == format_datetime(instant, "dd/MM/yyyy HH:mm")
            # Without a zone: in UTC, as flask-babel reads it.
            naive = instant.replace(tzinfo=None)
            assert i18n.moment(naive) == format_datetime(naive, "dd/MM/yyyy HH:mm")
        assert i18n.moment(datetime(2022, 3, 27, 0, 59, tzinfo=UTC)) == "27/03/2022 01:59"
        assert i18n.moment(datetime(2022, 3, 27, 1, 0, tzinfo=UTC)) == "27/03/2022 03:00"
        assert i18n.moment(None) == "—"
