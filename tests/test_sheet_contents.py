"""What the weekly sheets say beside the boxes: each half-day's times, hours and instructor, the
place, the organisation and its declaration, the course as in the agreement; the instructor's
boxes on every page, remote half-days marked, the legend with the table, the filled sheet named
a record of the roll calls. The blank, filled and signed sheets, read back page by page."""

import io
from datetime import UTC, date, datetime, time

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.test_signed_sheet import WEEK, alpha, mark, week  # noqa: F401 (a fixture)
from tracker.attendance.models import Session
from tracker.auth.models import User
from tracker.auth.operations import add_user
from tracker.cohorts.models import Module, Trainee
from tracker.extensions import db
from tracker.organisation.models import THE_ORGANISATION, Organisation
from tracker.reports import making
from tracker.reports.contents import gather_sheet, gather_signed_sheet

AS_OF = date(2022, 6, 30)
MADE_ON = date(2022, 1, 20)
CROWD = 34  # trainees added: the sheets span two pages or more

TITLES = {
    "blank": {"fr": "Feuille d’émargement", "en": "Attendance sheet"},
    "filled": {"fr": "Relevé des présences", "en": "Record of roll calls"},
    "signed": {"fr": "Feuille d’émargement signée", "en": "Signed attendance sheet"},
}
WORDS = {
    "fr": {
        "declaration": "déclaration d’activité n° 76341234534 (Occitanie)",
        "course": "Formation : Concepteur développeur d’applications (RNCP 31678)",
        "agreement": "convention de financement n° 2021-OCC-FPRO-0457",
        "place": "Lieu : 12 rue de la Gare, 34000 Montpellier",
        "remote": "distanciel",
        "instructor": {
            "blank": "Nom et signature du formateur ou de la formatrice",
            "filled": "Nom et signature du formateur ou de la formatrice",
            "signed": "Contresignature du formateur ou de la formatrice",
        },
        "hours": "3,50 h",
        "remote_hours": "3,00 h",
        "modules": "Modules :",
    },
    "en": {
        "declaration": "activity declaration no. 76341234534 (Occitanie)",
        "course": "Course: Concepteur développeur d’applications (RNCP 31678)",
        "agreement": "grant agreement no. 2021-OCC-FPRO-0457",
        "place": "Place: 12 rue de la Gare, 34000 Montpellier",
        "remote": "remote",
        "instructor": {
            "blank": "Instructor's name and signature",
            "filled": "Instructor's name and signature",
            "signed": "Instructor's countersignature",
        },
        "hours": "3.50 h",
        "remote_hours": "3.00 h",
        "modules": "Modules:",
    },
}


def plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def crowded(app, week):  # noqa: F811 (the fixture imported above)
    """The signed sheets' week, with the organisation's identity, the grant agreement, a second
    instructor, a remote Wednesday morning and enough trainees to fill two pages."""
    with app.app_context():
        cohort, trainees, _, _ = alpha()
        db.session.add(
            Organisation(
                id=THE_ORGANISATION,
                legal_name="Centre régional d’innovation de Montpellier",
                address="12 rue de la Gare\n34000 Montpellier",
                declaration_number="76341234534",
                declaration_region="Occitanie",
            )
        )
        cohort.title_in_agreement = "Concepteur développeur d’applications (RNCP 31678)"
        cohort.agreement_number = "2021-OCC-FPRO-0457"
        add_user("grace@centre.fr", "instructor", "x" * 16, name="Grace Hopper", cohorts=[cohort])
        module = db.session.scalar(select(Module).where(Module.cohort == cohort))
        remote = Session(
            cohort=cohort,
            module=module,
            date=date(2022, 1, 12),
            slot="AM",
            kind="remote",
            minutes=180,
            starts_at=time(9, 30),
            ends_at=time(12, 30),
        )
        db.session.add(remote)
        for number in range(CROWD):
            db.session.add(
                Trainee(
                    cohort=cohort,
                    ref=f"C{number:02d}",
                    first_name=f"Prénom{number:02d}",
                    last_name=f"Stagiaire{number:02d}",
                    email=f"c{number:02d}@example.org",
                    enrolled_on=date(2022, 1, 3),
                )
            )
        db.session.flush()
        mark(remote, trainees["T01"], "present")
        db.session.commit()


def made(app, kind: str, language: str) -> bytes:
    with app.app_context():
        cohort = alpha()[0]
        dates = {"as_of": AS_OF, "language": language, "made_on": MADE_ON}
        if kind == "signed":
            result = making.signed_sheet(cohort, WEEK, **dates)
        else:
            result = making.attendance_sheet(cohort, WEEK, blank=kind == "blank", **dates)
        return result.path.read_bytes()


NAMES = ("JOHNSON", "LOVELACE", "STAGIAIRE", "TURING")


def rows_on(page: str) -> int:
    """Count the trainees' rows of a page, by their names."""
    return sum(page.count(name) for name in NAMES)


def pages_of(pdf: bytes) -> list[str]:
    return [plain(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


KINDS = ["blank", "filled", "signed"]
LANGUAGES = ["fr", "en"]


def names_the_organisation_the_course_and_the_place(pages: list[str], language: str) -> None:
    first = pages[0]
    assert "Centre régional d’innovation de Montpellier" in first
    for part in ("declaration", "course", "agreement", "place"):
        assert WORDS[language][part] in first, part


def gives_each_half_days_times_hours_and_instructor(pages, kind: str, language: str) -> None:
    words = WORDS[language]
    for page in pages:
        # Monday morning: the cohort's times; Tuesday morning: its own; Wednesday: remote.
        assert f"09:00–12:30 {words['hours']}" in page
        assert f"08:30–12:00 {words['hours']}" in page
        assert f"09:30–12:30 {words['remote_hours']}" in page
        # Monday morning was closed by its instructor; the others name the cohort's.
        assert "Olivier Prof" in page
        assert "Grace Hopper, Olivier Prof" in page
        # And the instructor's boxes at the foot of the table.
        assert words["instructor"][kind] in page
        assert rows_on(page)


def marks_the_remote_half_day(pages: list[str], language: str) -> None:
    remote = WORDS[language]["remote"]
    for page in pages:
        # Its header, and each trainee's box (all are expected that Wednesday).
        assert page.count(remote) >= rows_on(page) + 1, (page.count(remote), rows_on(page))
    assert sum(page.count(remote) for page in pages) >= CROWD


def keeps_the_legend_with_table_rows(pages: list[str], language: str) -> None:
    modules = WORDS[language]["modules"]
    with_legend = [page for page in pages if modules in page]
    # Above the table, on its first page, wherever the table ends.
    assert with_legend == [pages[0]]
    for page in with_legend:
        assert rows_on(page)


def draws_no_text_outside_the_page(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        # Landscape A4.
        assert width > height
        placed = []

        def keep(text, cm, tm, *_, placed=placed):
            if text.strip():
                placed.append((cm, tm, text))

        page.extract_text(visitor_text=keep)
        assert placed
        for cm, tm, text in placed:
            a, b, c, d, e, f = (float(n) for n in cm)
            x = a * float(tm[4]) + c * float(tm[5]) + e
            y = b * float(tm[4]) + d * float(tm[5]) + f
            assert 0 <= x <= width and 0 <= y <= height, (text, x, y)


@pytest.mark.parametrize("kind", KINDS)
def test_the_sheet_read_back_page_by_page_in_french_and_english(app, crowded, kind):
    """Made for a week of two pages or more: each check names what it looks for."""
    for language in LANGUAGES:
        pdf = made(app, kind, language)
        pages = pages_of(pdf)
        assert len(pages) >= 2
        assert pages[0].startswith(TITLES[kind][language] + " — ")
        names_the_organisation_the_course_and_the_place(pages, language)
        gives_each_half_days_times_hours_and_instructor(pages, kind, language)
        marks_the_remote_half_day(pages, language)
        keeps_the_legend_with_table_rows(pages, language)
        draws_no_text_outside_the_page(pdf)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_filled_sheet_is_a_record_and_the_blank_one_a_sheet_to_sign(app, world, language):
    with app.app_context():
        cohort = alpha()[0]
        dates = {"as_of": AS_OF, "language": language, "made_on": MADE_ON}
        firsts = {
            blank: pages_of(
                making.attendance_sheet(cohort, WEEK, blank=blank, **dates).path.read_bytes()
            )[0]
            for blank in (True, False)
        }
    assert firsts[True].startswith(TITLES["blank"][language] + " — ")
    assert firsts[False].startswith(TITLES["filled"][language] + " — ")
    # The record is no sheet to sign, and no signed sheet.
    assert TITLES["blank"][language] not in firsts[False]


def test_without_an_identity_the_sheet_says_the_settings_name_and_the_cohorts(app, week):  # noqa: F811
    with app.app_context():
        app.config["ORGANISATION_NAME"] = "Centre de test"
        cohort = alpha()[0]
        made_sheet = making.attendance_sheet(
            cohort, WEEK, blank=True, as_of=AS_OF, language="en", made_on=MADE_ON
        )
        first = pages_of(made_sheet.path.read_bytes())[0]
    assert "Centre de test" in first
    assert f"Course: {cohort.name}" in first
    assert "agreement no." not in first and "declaration no." not in first and "Place:" not in first


def test_a_half_days_instructor_is_who_closed_it_else_the_cohorts(app, crowded):
    with app.app_context():
        cohort, _, sessions, _ = alpha()
        tuesday = sessions[(date(2022, 1, 11), "AM")]
        tuesday.closed_by_id = db.session.scalar(
            select(User.id).where(User.email == "grace@centre.fr")
        )
        tuesday.closed_at = datetime(2022, 1, 11, 12, 0, tzinfo=UTC)
        # An instructor whose account was closed no longer teaches the cohort.
        db.session.scalar(select(User).where(User.email == "prof@centre.fr")).active = False
        db.session.commit()
        for source in (
            gather_sheet(cohort, WEEK, AS_OF, blank=True),
            gather_signed_sheet(cohort, WEEK, AS_OF),
        ):
            named = {(s.date, s.slot): s.instructor for s in source.details["sessions"]}
            assert named == {
                # Countersigned by Olivier Prof, while his account was open.
                (date(2022, 1, 10), "AM"): "Olivier Prof",
                # Closed by the tracker: nobody closed it, the cohort's instructor taught it.
                (date(2022, 1, 10), "PM"): "Grace Hopper",
                (date(2022, 1, 11), "AM"): "Grace Hopper",
                (date(2022, 1, 12), "AM"): "Grace Hopper",
            }
