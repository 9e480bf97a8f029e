"""The funding report as a Region files it (issue 12, point 4): the grant agreement, the
certification, the unjustified hours per trainee, the overspending warning (also on the
officers' funding pages) and no page left mostly empty by a forced break."""

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader
from sqlalchemy import select

from tracker import create_app, i18n
from tracker.attendance.models import AttendanceRecord, Session
from tracker.auth.models import User
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.cohorts.pages import STATUS_LABELS
from tracker.demo.operations import load_demo
from tracker.extensions import db
from tracker.metrics.figures import BudgetFigures, LineFigures, cohort_figures
from tracker.metrics.loading import load_cohort_data
from tracker.metrics.overspending import line_overspent, overspending
from tracker.organisation.operations import save_identity
from tracker.reports import making

AS_OF = date(2022, 6, 30)
MADE_ON = date(2022, 7, 1)
TEMPLATES = Path(__file__).parent.parent / "templates"


# ---------------------------------------------------------------------------------------------
# Helpers


def plain(text: str) -> str:
    """Collapse every kind of space (the French formats use narrow no-break spaces)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def pages_of(pdf: Path) -> list[str]:
    return [plain(page.extract_text()) for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages]


def said(app, language: str, message: str, **values) -> str:
    """Say a text the way the reports and pages say it, in a language."""
    with app.app_context(), force_locale(i18n.LOCALES[language]):
        return plain(_(message, **values))


def shown(app, language: str, function, *args) -> str:
    """Format a figure the way the reports print it, in a language."""
    with app.app_context(), force_locale(i18n.LOCALES[language]):
        return plain(function(*args))


def funding_text(app, language: str, slug: str = "alpha", as_of: date = AS_OF) -> list[str]:
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
        made = making.funding_report(cohort, as_of=as_of, language=language, made_on=MADE_ON)
        return pages_of(made.path)


def figures_of(app, slug: str = "alpha", as_of: date = AS_OF):
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
        return cohort_figures(load_cohort_data(cohort, as_of))


def overspend(app) -> None:
    """Spend on alpha's teaching line more than it plans, early: the forecast exceeds the grant."""
    with app.app_context():
        line = db.session.scalar(select(BudgetLine).where(BudgetLine.code == "PED"))
        db.session.add(
            Expense(
                budget_line_id=line.id,
                date=date(2022, 3, 1),
                amount=Decimal("200000.00"),
                description="Formateurs",
                supplier="IT Company",
                reference="F-002",
            )
        )
        db.session.commit()


@pytest.fixture
def funded(app, world):
    """The test world with an identity, alpha's agreement, and unjustified absences: on a second
    half-day, T01 absent without justification and T02 late by 30 minutes."""
    with app.app_context():
        save_identity(
            legal_name="Centre de test",
            representative_name="Claire Dumas",
            representative_title="Directrice",
            signing_place="Montpellier",
        )
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        alpha.agreement_number = "2022-OCC-0042"
        alpha.title_in_agreement = "Développeur en intelligence artificielle"
        module = db.session.scalar(select(Module).where(Module.cohort_id == alpha.id))
        session = Session(
            cohort=alpha, module=module, date=date(2022, 1, 11), slot="AM", minutes=210
        )
        db.session.add(session)
        db.session.flush()
        trainees = {
            t.ref: t for t in db.session.scalars(select(Trainee).where(Trainee.cohort == alpha))
        }
        at = datetime(2022, 1, 11, 9, tzinfo=UTC)
        db.session.add_all(
            [
                AttendanceRecord(
                    session_id=session.id,
                    trainee_id=trainees["T01"].id,
                    status="absent",
                    recorded_at=at,
                ),
                AttendanceRecord(
                    session_id=session.id,
                    trainee_id=trainees["T02"].id,
                    status="late",
                    minutes_missed=30,
                    recorded_at=at,
                ),
            ]
        )
        db.session.commit()
    return world


# ---------------------------------------------------------------------------------------------
# The rule


def budget(grant: str, forecast: str | None, *lines: tuple[str, str]) -> BudgetFigures:
    return BudgetFigures(
        grant=Decimal(grant),
        spent=Decimal(0),
        remaining=Decimal(grant),
        consumption=None,
        elapsed=0.5,
        burn_ratio=None,
        forecast_at_completion=None if forecast is None else Decimal(forecast),
        cost_per_realised_hour=None,
        lines=tuple(
            LineFigures(f"L{i}", f"Line {i}", Decimal(planned), Decimal(spent), None)
            for i, (planned, spent) in enumerate(lines)
        ),
    )


def test_a_forecast_equal_to_the_grant_is_not_over():
    assert not overspending(budget("273000.00", "273000.00"))


def test_a_forecast_a_cent_over_the_grant_is_over_by_that_cent():
    warning = overspending(budget("273000.00", "273000.01"))
    assert warning
    assert warning.forecast_excess == Decimal("0.01")
    assert warning.forecast == Decimal("273000.01")
    assert warning.lines == ()


def test_no_forecast_is_not_over():
    # Before the course's first day the forecast is null: nothing to compare.
    assert not overspending(budget("273000.00", None))


def test_a_line_spent_to_its_planned_amount_is_not_over():
    assert line_overspent(LineFigures("A", "A", Decimal(100), Decimal(100), 1.0)) is None
    assert not overspending(budget("1000.00", "500.00", ("100.00", "100.00")))


def test_a_line_spent_beyond_its_planned_amount_is_named_with_its_amounts():
    warning = overspending(budget("1000.00", "500.00", ("100.00", "100.01"), ("50.00", "10.00")))
    assert warning
    assert warning.forecast_excess is None
    (line,) = warning.lines
    assert (line.code, line.label, line.planned, line.spent, line.excess) == (
        "L0",
        "Line 0",
        Decimal("100.00"),
        Decimal("100.01"),
        Decimal("0.01"),
    )


# ---------------------------------------------------------------------------------------------
# The report


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("planned_hours", [None, 1200])
def test_the_report_prints_the_agreement_the_certification_and_unjustified_hours(
    app, funded, language, planned_hours
):
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        if planned_hours is not None:
            alpha.planned_minutes_per_trainee = planned_hours * 60
            db.session.commit()
    pages = funding_text(app, language)
    text = " ".join(pages)
    figures = figures_of(app)

    # The grant agreement under the title, on the first page.
    assert said(app, language, "Grant agreement no. %(number)s", number="2022-OCC-0042") in pages[0]
    assert (
        said(
            app,
            language,
            "Course title in the agreement: %(title)s",
            title="Développeur en intelligence artificielle",
        )
        in pages[0]
    )
    # The hours contracted follow the cohort's planned hours, not the modules' alone.
    contracted = shown(app, language, i18n.hours, figures.contracted_minutes / 60)
    assert contracted in text
    if planned_hours is not None:
        assert contracted == shown(app, language, i18n.hours, 25 * planned_hours)

    # Unjustified hours per trainee: T01 absent 3.5 h, T02 late by half an hour.
    assert said(app, language, "Unjustified") in text
    for ref, name, unjustified in (("T01", "Ada Lovelace", 3.5), ("T02", "Alan Turing", 0.5)):
        trainee = next(t for t in figures.trainees if t.ref == ref)
        a = trainee.attendance
        row = " ".join(
            [
                ref,
                name,
                shown(app, language, str, STATUS_LABELS[trainee.status]),
                *(
                    shown(app, language, i18n.hours, minutes / 60)
                    for minutes in (a.scheduled_minutes, a.attended_minutes, a.excused_minutes)
                ),
                shown(app, language, i18n.hours, unjustified),
                shown(app, language, i18n.hours, a.unrecorded_minutes / 60),
                shown(app, language, i18n.rate, a.attendance_rate),
            ]
        )
        assert row in text, row
        # scheduled = attended + excused + unjustified + unrecorded, in minutes.
        assert a.scheduled_minutes == (
            a.attended_minutes + a.excused_minutes + unjustified * 60 + a.unrecorded_minutes
        )

    # The certification, whole, on the last page.
    last = pages[-1]
    assert said(app, language, "Certification") in last
    assert (
        said(app, language, "Certified correct, figures as of %(day)s.", day="30/06/2022") in last
    )
    assert "Claire Dumas Directrice" in last
    assert (
        said(app, language, "Done at %(place)s, on %(day)s", place="Montpellier", day="01/07/2022")
        in last
    )
    assert said(app, language, "Signature and stamp") in last

    # Nothing is overspent in the test world: no warning.
    assert said(app, language, "Warning: budget overspent") not in text
    assert not overspending(figures.budget)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_report_warns_when_the_forecast_and_a_line_are_overspent(app, funded, language):
    overspend(app)
    figures = figures_of(app)
    warning = overspending(figures.budget)
    assert warning.forecast_excess is not None and warning.lines
    pages = funding_text(app, language)

    def money(amount):
        return shown(app, language, i18n.money, amount)

    # On the first page, where the reader starts.
    assert said(app, language, "Warning: budget overspent") in pages[0]
    assert (
        said(
            app,
            language,
            "At the pace of spending so far, the forecast at completion, %(forecast)s, "
            "exceeds the grant of %(grant)s by %(excess)s.",
            forecast=money(warning.forecast),
            grant=money(warning.grant),
            excess=money(warning.forecast_excess),
        )
        in pages[0]
    )
    (line,) = warning.lines
    assert line.code == "PED" and line.spent == Decimal("212500.50")
    assert (
        said(
            app,
            language,
            "Budget line %(code)s (%(label)s): %(spent)s spent for %(planned)s planned, "
            "%(excess)s over.",
            code="PED",
            label="Personnel pédagogique",
            spent=money(line.spent),
            planned=money(line.planned),
            excess=money(Decimal("62500.50")),
        )
        in pages[0]
    )


def test_the_report_without_a_representative_leaves_room_to_write_one(app, world):
    pages = funding_text(app, "en")
    last = pages[-1]
    assert "Name and title of the legal representative:" in last
    assert "Done on 01/07/2022" in last
    assert "Signature and stamp" in last


def test_no_forced_page_break_is_left_in_the_funding_report():
    """A forced break before the budget left two thirds of a page empty: blocks are kept
    together with break-inside: avoid instead."""
    forced = re.compile(r"page-break|break-(before|after)\s*:\s*(page|always|left|right)")
    for name in ("funding.html", "funding.css"):
        assert not forced.search((TEMPLATES / "reports" / name).read_text()), name
    css = (TEMPLATES / "reports" / "funding.css").read_text()
    assert re.search(r"\.certification\s*\{[^}]*break-inside:\s*avoid", css)


# ---------------------------------------------------------------------------------------------
# The officers' pages


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_funding_page_warns_in_words_when_overspent(app, funded, signed_in, language):
    client = signed_in("officer")
    url = f"/cohorts/alpha/funding?as_of={AS_OF}&lang={language}"
    page = client.get(url).get_data(as_text=True)
    assert 'role="alert"' not in page
    assert said(app, language, "Warning: budget overspent") not in plain(page)

    overspend(app)
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    notice = re.search(r'(?s)<div class="overspending" role="alert">(.*?)</div>', page)
    assert notice, "no alert on the page"
    words = plain(re.sub(r"<[^>]+>", " ", notice[1]).replace("&#39;", "'"))
    assert said(app, language, "Warning: budget overspent") in words
    assert "PED" in words and "Personnel pédagogique" in words
    warning = overspending(figures_of(app).budget)
    for amount in (warning.forecast, warning.grant, warning.forecast_excess):
        assert shown(app, language, i18n.money, amount) in words


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_budget_page_warns_as_the_funding_page_does(app, funded, signed_in, language):
    client = signed_in("officer")
    url = f"/cohorts/alpha/budget?as_of={AS_OF}&lang={language}"
    assert 'role="alert"' not in client.get(url).get_data(as_text=True)
    overspend(app)
    page = client.get(url).get_data(as_text=True)
    notice = re.search(r'(?s)<div class="overspending" role="alert">(.*?)</div>', page)
    assert notice, "no alert on the page"
    assert said(app, language, "Warning: budget overspent") in plain(notice[1])
    assert "PED" in notice[1]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_cohorts_side_by_side_say_which_budget_is_overspent(app, funded, signed_in, language):
    client = signed_in("officer")
    url = f"/funding?as_of={AS_OF}&lang={language}"
    page = plain(client.get(url).get_data(as_text=True))
    assert said(app, language, "Budget overspent") in page
    assert said(app, language, "Yes: %(what)s", what="") not in page
    overspend(app)
    page = plain(client.get(url).get_data(as_text=True))
    assert said(app, language, "Yes: %(what)s", what="") in page
    assert "PED" in page


# ---------------------------------------------------------------------------------------------
# The demo, mid-course: 296 757 € forecast for a 273 000 € grant


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
        load_demo()
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_demo_report_mid_course_warns_of_the_forecast_over_the_grant(demo_app, language):
    figures = figures_of(demo_app, "ibm-ai-1")
    assert figures.budget.forecast_at_completion == Decimal("296757.26")
    pages = funding_text(demo_app, language, "ibm-ai-1")
    forecast = shown(demo_app, language, i18n.money, Decimal("296757.26"))
    grant = shown(demo_app, language, i18n.money, Decimal("273000.00"))
    assert said(demo_app, language, "Warning: budget overspent") in pages[0]
    assert forecast in pages[0] and grant in pages[0]
    assert "2021-OCC-FPRO-0457" in pages[0]
    assert "Claire Dumas" in pages[-1]
    # Every page but the last carries a page's worth of text: no page left mostly empty by a
    # forced break (the last may hold the certification alone, kept whole).
    for number, page in enumerate(pages[:-1], 1):
        assert len(page) > 1500, (number, len(page))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_demo_funding_page_mid_course_warns_of_the_forecast(demo_app, language):
    from tracker.auth.operations import start_login_session
    from tracker.auth.views import TOKEN_KEY

    client = demo_app.test_client()
    with demo_app.app_context():
        officer = db.session.scalar(select(User).where(User.role == "officer"))
        token = start_login_session(officer)
        db.session.commit()
        user_id = str(officer.id)
    with client.session_transaction() as session:
        session[TOKEN_KEY] = token
        session["_user_id"] = user_id
        session["_fresh"] = True
    response = client.get(f"/cohorts/ibm-ai-1/funding?as_of={AS_OF}&lang={language}")
    assert response.status_code == 200
    page = plain(response.get_data(as_text=True))
    assert 'role="alert"' in page
    assert said(demo_app, language, "Warning: budget overspent") in page
    assert shown(demo_app, language, i18n.money, Decimal("296757.26")) in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_warning_reads_on_a_360_px_phone_without_an_accessibility_fault(
    app, browser, live_server, funded, language
):
    from tests.test_browser import (
        WIDER_THAN_THE_PAGE,
        serious_violations,
        sign_in_with_the_keyboard,
    )

    overspend(app)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in_with_the_keyboard(page, live_server, "region@laregion.fr")
        page.goto(f"{live_server}/cohorts/alpha/funding?as_of={AS_OF}&lang={language}")
        alert = page.get_by_role("alert")
        assert alert.is_visible()
        assert said(app, language, "Warning: budget overspent") in plain(alert.inner_text())
        measured = page.evaluate(WIDER_THAN_THE_PAGE)
        assert measured["width"] <= 360 and not measured["wider"], measured
        assert serious_violations(page) == []
    finally:
        context.close()
