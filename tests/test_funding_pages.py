"""The funding pages: the cohorts side by side, a cohort's figures and charts, the monthly
statement. Figures are those of `tracker metrics`; officers never see a score or a comment."""

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.dates import format_date
from sqlalchemy import event, select, update

from tests.pages_data import AS_OF, build_cohort, count_queries, table_rows, text
from tests.world import build_world
from tracker.assessments.models import Result
from tracker.attendance.models import AttendanceRecord
from tracker.auth.models import User
from tracker.budget.models import BudgetLine, Expense
from tracker.cohorts.models import Cohort, Trainee
from tracker.cohorts.pages import cohort_figures_of
from tracker.extensions import db
from tracker.i18n import day, hours, money, number, rate
from tracker.metrics import series
from tracker.metrics.figures import cohort_figures
from tracker.metrics.loading import cohort_metrics, load_cohort_data

SECRET_SCORE = 17.25
SECRET_COMMENT = "COMMENT-SECRET"


# ---------------------------------------------------------------------------------------------
# Data


def add_budget(cohort_id: int) -> None:
    """Give a cohort two budget lines and expenses, one of them after AS_OF."""
    teaching = BudgetLine(
        cohort_id=cohort_id,
        code="PED",
        label="Personnel pédagogique",
        planned_amount=Decimal(60000),
    )
    kit = BudgetLine(
        cohort_id=cohort_id, code="EQP", label="Équipements", planned_amount=Decimal(10000)
    )
    db.session.add_all([teaching, kit])
    db.session.flush()
    db.session.add_all(
        [
            Expense(
                budget_line_id=teaching.id,
                date=date(2022, 1, 10),
                amount=Decimal("12500.50"),
                description="Formateurs janvier",
                supplier="IT Company",
                reference="F-001",
            ),
            Expense(
                budget_line_id=kit.id,
                date=date(2022, 1, 20),
                amount=Decimal("1999.99"),
                description="Ordinateurs portables",
                supplier="Matériel SA",
                reference="F-002",
            ),
            Expense(
                budget_line_id=teaching.id,
                date=date(2022, 2, 15),
                amount=Decimal("8000.00"),
                description="Formateurs février",
                supplier="IT Company",
                reference="F-003",
            ),
        ]
    )
    db.session.flush()


def hide_secrets(cohort_id: int) -> None:
    """Give every result of a cohort a distinctive score (17.25 out of 20) and comment."""
    from tracker.assessments.models import Assessment

    assessments = db.session.scalars(
        select(Assessment).where(Assessment.cohort_id == cohort_id)
    ).all()
    for assessment in assessments:
        db.session.execute(
            update(Result)
            .where(Result.assessment_id == assessment.id)
            .values(
                score=SECRET_SCORE * assessment.max_score / 20,
                comment=f"{SECRET_COMMENT} {assessment.code}",
            )
        )
    db.session.flush()


@pytest.fixture
def funded(app, make_user):
    """A cohort of 12 trainees with attendance, results and a budget; an officer and an admin."""
    with app.app_context():
        cohort_id = build_cohort("funded", 12)
        add_budget(cohort_id)
        accounts = {"officer": make_user("officer").id, "admin": make_user("admin").id}
        db.session.commit()
        return accounts


def signed_in(app, login_as, user_id):
    client = app.test_client()
    with app.app_context():
        login_as(client, db.session.get(User, user_id))
    return client


def metrics_of(app, slug: str, as_of: date) -> dict:
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
        return cohort_metrics(cohort, as_of)


def main_part(page: str) -> str:
    """Return the page's <main>, without the header and the footer shared by every page."""
    return re.search(r"(?s)<main\b.*</main>", page).group(0)


def inline_svgs(page: str) -> list[str]:
    return re.findall(r"(?s)<svg\b.*?</svg>", page)


# ---------------------------------------------------------------------------------------------
# The cohorts side by side


def overspent(budget: dict) -> str:
    """Say what the list says of a budget (tracker metrics' JSON) whose lines are within plan."""
    forecast, grant = budget["forecast_at_completion"], Decimal(budget["grant"])
    if forecast is None or Decimal(forecast) <= grant:
        return "No"
    return f"Yes: forecast over the grant by {money(Decimal(forecast) - grant)}"


def test_the_list_shows_every_cohort_with_the_figures_of_tracker_metrics(app, login_as, funded):
    with app.app_context():
        build_cohort("small", 3, days=4)
        db.session.commit()
    client = signed_in(app, login_as, funded["officer"])
    page = client.get(f"/funding?as_of={AS_OF.isoformat()}&lang=en").text
    with app.app_context():
        # In the order of reachable_cohorts: the latest start first, then by slug.
        cohorts = sorted(
            db.session.scalars(select(Cohort)), key=lambda c: (-c.starts_on.toordinal(), c.slug)
        )
        expected = [cohort_metrics(cohort, AS_OF) for cohort in cohorts]
    head = re.search(r"(?s)<thead>(.*?)</thead>", page).group(1)
    assert [text(cell) for cell in re.findall(r"(?s)<th[^>]*>(.*?)</th>", head)] == [
        cohort.name for cohort in cohorts
    ]
    with app.test_request_context("/?lang=en"):

        def line(label, show, values):
            return [label, *[show(value) for value in values]]

        budgets = [m["budget"] for m in expected]
        trainee_hours = [m["trainee_hours"] for m in expected]
        wanted = [
            line("Funder", str, [c.funder for c in cohorts]),
            line("First day", day, [c.starts_on for c in cohorts]),
            line("Last day", day, [c.ends_on for c in cohorts]),
            *(
                line(label, str, [m["enrolment"][key] for m in expected])
                for label, key in (
                    ("Enrolled", "enrolled"),
                    ("Active", "active"),
                    ("Withdrawn", "withdrawn"),
                )
            ),
            line("Trainee-hours realised", hours, [t["realised"] for t in trainee_hours]),
            line("Trainee-hours contracted", hours, [t["contracted"] for t in trainee_hours]),
            line("Trainee-hours rate", rate, [t["rate"] for t in trainee_hours]),
            line("Attendance rate", rate, [m["attendance"]["rate"] for m in expected]),
            line("Consumption", rate, [b["consumption"] for b in budgets]),
            line("Time elapsed", rate, [b["elapsed"] for b in budgets]),
            line("Burn ratio", lambda r: number(r, 2), [b["burn_ratio"] for b in budgets]),
            line("Forecast at completion", money, [b["forecast_at_completion"] for b in budgets]),
            line(
                "Cost per realised trainee-hour",
                money,
                [b["cost_per_realised_hour"] for b in budgets],
            ),
            # No line is overspent here; a forecast over the grant is.
            line("Budget overspent", overspent, budgets),
        ]
    assert table_rows(page, "funding-cohorts") == wanted
    assert expected[0]["budget"]["spent"] == "14500.49"  # the February expense comes later
    assert 'href="/cohorts/funded/funding?as_of=' in page


def test_the_list_answers_a_bad_date_with_400_and_a_message(app, login_as, funded):
    client = signed_in(app, login_as, funded["officer"])
    response = client.get("/funding?as_of=2022-02-30&lang=en")
    assert response.status_code == 400
    assert 'id="as_of-error"' in response.text
    assert "funding-cohorts" not in response.text


def test_the_list_costs_the_same_queries_whatever_the_cohorts_once_computed(
    app, login_as, make_user
):
    """Each cohort's figures are kept by the version of its records: the list asks the
    versions, and loads again (nine queries) only a cohort whose records changed."""
    with app.app_context():
        build_cohort("five", 5)
        officer = make_user("officer").id
        db.session.commit()
    client = signed_in(app, login_as, officer)
    url = f"/funding?as_of={AS_OF.isoformat()}"
    one = count_queries(app, client, url)
    with app.app_context():
        build_cohort("fifty", 50)
        db.session.commit()
    with_fifty = count_queries(app, client, url)
    with app.app_context():
        build_cohort("five-more", 5)
        db.session.commit()
    with_five_more = count_queries(app, client, url)
    # The account, its login session, the cohorts and their versions: nothing per cohort.
    assert one == with_fifty == with_five_more
    assert one <= 6

    with app.app_context():
        cohort_id = db.session.scalar(select(Cohort.id).where(Cohort.slug == "fifty"))
        record = db.session.scalars(
            select(AttendanceRecord)
            .join(Trainee)
            .where(Trainee.cohort_id == cohort_id, AttendanceRecord.status == "present")
        ).first()
        record.status = "absent"
        db.session.commit()
        engine = db.engine
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert page.status_code == 200
    # The changed cohort alone is loaded again.
    assert len(statements) == one + 9
    # And what is kept now is the figures of the records as they are.
    with app.app_context():
        fifty = db.session.scalar(select(Cohort).where(Cohort.slug == "fifty"))
        kept = cohort_figures_of([fifty], AS_OF)[fifty.id]
        assert kept == cohort_figures(load_cohort_data(fifty, AS_OF))


# ---------------------------------------------------------------------------------------------
# One cohort


def test_the_cohort_page_shows_the_figures_of_tracker_metrics(app, login_as, funded):
    client = signed_in(app, login_as, funded["officer"])
    page = client.get(f"/cohorts/funded/funding?as_of={AS_OF.isoformat()}&lang=en").text
    m = metrics_of(app, "funded", AS_OF)
    attendance, budget, th = m["attendance"], m["budget"], m["trainee_hours"]
    with app.test_request_context("/?lang=en"):
        assert table_rows(page, "summary attendance") == [
            ["Hours scheduled", hours(attendance["scheduled_hours"])],
            ["Hours attended", hours(attendance["attended_hours"])],
            ["Hours of excused absence", hours(attendance["excused_hours"])],
            ["Hours not recorded", hours(attendance["unrecorded_hours"])],
            ["Attendance rate", rate(attendance["rate"])],
            ["Trainee-hours realised", hours(th["realised"])],
            ["Trainee-hours contracted", hours(th["contracted"])],
            ["Trainee-hours rate", rate(th["rate"])],
        ]
        assert table_rows(page, "summary budget") == [
            ["Grant", money(budget["grant"])],
            ["Spent", money(budget["spent"])],
            ["Remaining", money(budget["remaining"])],
            ["Consumption", rate(budget["consumption"])],
            ["Time elapsed", rate(budget["elapsed"])],
            ["Burn ratio", number(budget["burn_ratio"], 2)],
            ["Forecast at completion", money(budget["forecast_at_completion"])],
            ["Cost per realised trainee-hour", money(budget["cost_per_realised_hour"])],
        ]
        assert table_rows(page, "budget-lines") == [
            [line["code"], line["label"], money(line["planned"]), money(line["spent"]),
             rate(line["consumption"])]
            for line in budget["lines"]
        ]  # fmt: skip
        assert table_rows(page, "trainees") == [
            [
                t["ref"],
                t["name"],
                t["status"],
                hours(t["scheduled_hours"]),
                hours(t["attended_hours"]),
                hours(t["excused_hours"]),
                hours(t["unrecorded_hours"]),
                rate(t["attendance_rate"]),
                rate(t["assiduity_rate"]),
            ]
            for t in m["trainees"]
        ]
        withdrawn = [t for t in m["trainees"] if t["status"] == "withdrawn"]
        assert [row[0] for row in table_rows(page, "withdrawals")] == [t["ref"] for t in withdrawn]
        assert table_rows(page, "withdrawals")[0][2:] == [
            day(date(2022, 1, 3)),
            day(date(2022, 1, 7)),
            "Emploi trouvé",
        ]
        active = [t for t in m["trainees"] if t["status"] == "active"]
        risks = table_rows(page, "summary risks")
        assert risks == [
            ["Recent assiduity below the threshold", str(_count(active, "low_assiduity"))],
            [
                "Absent without justification at the last 3 sessions",
                str(_count(active, "consecutive_absences")),
            ],
            ["Failing a module", str(_count(active, "failing_module"))],
        ]
        assert f"{sum(1 for t in active if t['at_risk'])}</td>" in page
    # The data set has active trainees at risk for more than one reason.
    assert {reason for t in active for reason in t["at_risk"]} == {
        "consecutive_absences",
        "failing_module",
    }


def _count(trainees: list[dict], reason: str) -> int:
    return sum(reason in t["at_risk"] for t in trainees)


def test_the_cohort_page_answers_a_bad_date_with_400_beside_the_field(app, login_as, funded):
    client = signed_in(app, login_as, funded["officer"])
    response = client.get("/cohorts/funded/funding?as_of=2022-13-45&lang=en")
    assert response.status_code == 400
    assert 'id="as_of-error"' in response.text
    assert "DD/MM/YYYY" in response.text
    assert "<svg" not in response.text


def test_every_chart_is_inline_valid_svg_with_its_caption_and_table(app, login_as, funded):
    client = signed_in(app, login_as, funded["officer"])
    page = client.get(f"/cohorts/funded/funding?as_of={AS_OF.isoformat()}&lang=en").text
    svgs = inline_svgs(page)
    assert len(svgs) == 4
    ids = []
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        ids += [element.get("id") for element in root.iter() if element.get("id")]
        # Every internal reference points into the same drawing.
        own = {element.get("id") for element in root.iter() if element.get("id")}
        for target in re.findall(r'(?:href="#|url\(#)([^")]+)', svg):
            assert target in own
    assert len(ids) == len(set(ids)), "ids repeated across the page's charts"
    figures = re.findall(r'(?s)<figure class="chart".*?</figure>', page)
    assert len(figures) == 4
    titles = []
    for figure in figures:
        caption = re.search(r"(?s)<figcaption>(.*?)</figcaption>", figure).group(1)
        title = re.search(r"<title>(.*?)</title>", figure).group(1)
        desc = re.search(r"<desc>(.*?)</desc>", figure).group(1)
        assert title in caption and desc in caption  # the title and the text alternative
        assert "<details>" in figure and '<table class="chart-data">' in figure
        titles.append(title)
    assert titles == [
        "Cohort attendance per week",
        "Attendance per trainee and week",
        "Budget burn-up",
        "Planned and spent per budget line",
    ]


def test_a_budget_line_labelled_with_dollars_is_drawn_as_it_is(app, login_as, funded):
    """matplotlib would read `$\frac{1}{$` as a formula, fail, and the page answer 500."""
    label = r"Frais $\frac{1}{$"
    with app.app_context():
        db.session.execute(update(BudgetLine).where(BudgetLine.code == "EQP").values(label=label))
        db.session.commit()
    client = signed_in(app, login_as, funded["officer"])
    response = client.get(f"/cohorts/funded/funding?as_of={AS_OF.isoformat()}&lang=en")
    assert response.status_code == 200
    lines_chart = inline_svgs(response.text)[3]
    assert label in " ".join(ET.fromstring(lines_chart).itertext())
    report = client.get(f"/cohorts/funded/funding-report.pdf?as_of={AS_OF.isoformat()}")
    assert report.status_code == 200


def test_charts_are_drawn_once_in_each_language_then_read_from_the_cache(app, login_as, funded):
    client = signed_in(app, login_as, funded["officer"])
    folder = Path(app.config["CHART_CACHE_FOLDER"])
    url = f"/cohorts/funded/funding?as_of={AS_OF.isoformat()}"
    french = client.get(url + "&lang=fr").text
    assert len(list(folder.glob("*.svg"))) == 4
    assert "Taux de présence de la promotion par semaine" in french
    again = client.get(url + "&lang=fr").text
    assert inline_svgs(again) == inline_svgs(french)
    assert len(list(folder.glob("*.svg"))) == 4
    english = client.get(url + "&lang=en").text
    assert "Cohort attendance per week" in english
    assert len(list(folder.glob("*.svg"))) == 8
    # Every session is held by the 14th: as of then, the attendance charts are the same and
    # only the budget's, whose January expenses are not all made yet, are drawn again.
    client.get(f"/cohorts/funded/funding?as_of={AS_OF.replace(day=14).isoformat()}&lang=en")
    assert len(list(folder.glob("*.svg"))) == 10


def test_dates_after_the_cohorts_end_share_the_charts_of_its_end(app, login_as, funded):
    """Figures after the end are those of the end: no new chart for each later date."""
    client = signed_in(app, login_as, funded["officer"])
    folder = Path(app.config["CHART_CACHE_FOLDER"])
    first = client.get("/cohorts/funded/funding?as_of=2022-12-17&lang=en").text
    drawn = sorted(folder.glob("*.svg"))
    assert len(drawn) == 4
    for later in ("2022-12-18", "2023-03-01", "2031-01-01"):
        page = client.get(f"/cohorts/funded/funding?as_of={later}&lang=en").text
        assert inline_svgs(page) == inline_svgs(first)
    assert sorted(folder.glob("*.svg")) == drawn
    assert "Budget as of 16/12/2022" in first


def test_roll_calls_not_entered_yet_are_not_shown_as_absences(app, login_as, funded):
    """Unrecorded is not absent: charts show those hours apart, in grey, and count no
    trainee-week under the threshold for them."""
    from sqlalchemy import delete

    from tracker.attendance.models import Session

    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "funded"))
        sessions = select(Session.id).where(Session.cohort_id == cohort.id)
        db.session.execute(
            delete(AttendanceRecord).where(AttendanceRecord.session_id.in_(sessions))
        )
        db.session.commit()
    figures = metrics_of(app, "funded", AS_OF)["attendance"]
    assert figures["attended_hours"] == 0 and figures["unrecorded_hours"] > 0
    unrecorded = hours(figures["unrecorded_hours"], "en_GB")
    client = signed_in(app, login_as, funded["officer"])
    page = client.get(f"/cohorts/funded/funding?as_of={AS_OF.isoformat()}&lang=en").text
    # The attendance rate is the figures' (0 %), and the card says why.
    assert f"Roll calls not taken yet: {unrecorded}, counted as not attended" in page
    weekly, heatmap = (
        re.search(rf'(?s)<figure class="chart" id="chart-{name}">.*?</figure>', page).group(0)
        for name in ("weekly-attendance", "attendance-heatmap")
    )
    for chart in (weekly, heatmap):
        caption = text(re.search(r"(?s)<figcaption>(.*?)</figcaption>", chart).group(1))
        assert "No roll call recorded" in caption and f"{unrecorded} not recorded" in caption
        assert "below the" not in caption
        assert "Not recorded" in " ".join(ET.fromstring(inline_svgs(chart)[0]).itertext())
    # Per trainee: every week expected is a week not recorded, none below the threshold.
    rows = table_rows(heatmap, "chart-data")
    assert rows and all(row[1] == row[2] and row[3] == "0" for row in rows)
    # Per week: every hour scheduled is not recorded; no rate.
    rows = table_rows(weekly, "chart-data")
    assert rows and all(row[1] == row[3] and row[4] == "—" for row in rows)


def test_charts_follow_a_change_of_the_roll_calls(app, login_as, funded):
    """Charts kept in memory or on disk are those of the data as it is now."""
    client = signed_in(app, login_as, funded["officer"])
    url = f"/cohorts/funded/funding?as_of={AS_OF.isoformat()}&lang=en"
    before = inline_svgs(client.get(url).text)
    assert inline_svgs(client.get(url).text) == before
    with app.app_context():
        trainee_id = db.session.scalar(
            select(Trainee.id).join(Cohort).where(Cohort.slug == "funded", Trainee.ref == "T01")
        )
        db.session.execute(
            update(AttendanceRecord)
            .where(AttendanceRecord.trainee_id == trainee_id)
            .values(status="absent")
        )
        db.session.commit()
    after = inline_svgs(client.get(url).text)
    # The attendance charts change; the budget's do not.
    assert [a == b for a, b in zip(before, after, strict=True)] == [False, False, True, True]


def test_chart_tables_hold_the_series_of_the_metrics(app, login_as, funded):
    client = signed_in(app, login_as, funded["officer"])
    page = client.get(f"/cohorts/funded/funding?as_of={AS_OF.isoformat()}&lang=en").text
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "funded"))
        weeks = series.weekly_attendance(load_cohort_data(cohort, AS_OF))
    weekly = re.search(r'(?s)<figure class="chart" id="chart-weekly-attendance">.*?</figure>', page)
    rows = table_rows(weekly.group(0), "chart-data")
    assert len(rows) == len(weeks)
    days = [f"week of {format_date(w.starts_on, 'd MMMM y', locale='en')}" for w in weeks]
    assert [row[0] for row in rows] == days


def test_the_cohort_page_takes_as_many_queries_for_5_trainees_as_for_50(app, login_as, make_user):
    with app.app_context():
        build_cohort("five", 5)
        build_cohort("fifty", 50)
        officer = make_user("officer").id
        db.session.commit()
    client = signed_in(app, login_as, officer)
    for page in ("funding", "funding/statement?month=2022-01"):
        sep = "&" if "?" in page else "?"
        small = count_queries(app, client, f"/cohorts/five/{page}{sep}as_of=2022-01-31")
        large = count_queries(app, client, f"/cohorts/fifty/{page}{sep}as_of=2022-01-31")
        assert small == large, page
        assert large < 20


# ---------------------------------------------------------------------------------------------
# The monthly statement


def test_the_statement_is_that_of_the_series_and_adds_up_to_the_metrics(app, login_as, funded):
    """Every session of the cohort is in January: January's statement is the figures at its end."""
    client = signed_in(app, login_as, funded["officer"])
    page = client.get("/cohorts/funded/funding/statement?month=2022-01&lang=en").text
    rows = table_rows(page, "statement")
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "funded"))
        statement = series.monthly_statement(load_cohort_data(cohort, date(2022, 1, 31)))
    m = metrics_of(app, "funded", date(2022, 1, 31))
    with app.test_request_context("/?lang=en"):
        assert rows == [
            [
                row.ref,
                row.name,
                hours(row.scheduled_hours),
                hours(row.attended_hours),
                hours(row.excused_hours),
                hours(row.unjustified_hours),
                hours(row.unrecorded_hours),
                "0",  # justifications waiting for a decision: none declared in this data set
            ]
            for row in statement
        ]
        # Month-complete: each trainee's row is their attendance in the metrics.
        assert [[r[0], r[2], r[3], r[4], r[6]] for r in rows] == [
            [
                t["ref"],
                hours(t["scheduled_hours"]),
                hours(t["attended_hours"]),
                hours(t["excused_hours"]),
                hours(t["unrecorded_hours"]),
            ]
            for t in m["trainees"]
        ]
        totals = re.search(r"(?s)<tfoot>(.*?)</tfoot>", page).group(1)
        cells = [text(c) for c in re.findall(r"(?s)<t[hd][^>]*>(.*?)</t[hd]>", totals)]
        attendance = m["attendance"]
        unjustified = sum(row.unjustified_minutes for row in statement) / 60
        assert cells == [
            "Total",
            hours(attendance["scheduled_hours"]),
            hours(attendance["attended_hours"]),
            hours(attendance["excused_hours"]),
            hours(unjustified),
            hours(attendance["unrecorded_hours"]),
            "0",
        ]
    assert unjustified > 0  # the data set has absences, lateness and early leaving


def test_the_statement_defaults_to_the_month_of_the_date_within_the_cohort(app, login_as, funded):
    client = signed_in(app, login_as, funded["officer"])
    page = client.get("/cohorts/funded/funding/statement?as_of=2022-01-14&lang=en").text
    assert "Hours of each trainee in January 2022, sessions held by 14/01/2022" in page
    assert 'value="2022-01"' in page
    # The cohort ended (16/12/2022): its last month, complete.
    page = client.get("/cohorts/funded/funding/statement?as_of=2024-05-02&lang=en").text
    assert "in December 2022, sessions held by 31/12/2022" in page
    assert "No session held this month by that date." in page
    # Before the cohort: its first month.
    page = client.get("/cohorts/funded/funding/statement?as_of=2021-06-01&lang=en").text
    assert "in January 2022" in page


def test_the_statement_links_to_the_months_around_it(app, login_as, funded):
    client = signed_in(app, login_as, funded["officer"])
    page = client.get("/cohorts/funded/funding/statement?month=2022-06&lang=en").text
    assert 'href="/cohorts/funded/funding/statement?month=2022-05"' in page
    assert 'href="/cohorts/funded/funding/statement?month=2022-07"' in page
    first = client.get("/cohorts/funded/funding/statement?month=01/2022&lang=en").text
    assert 'rel="prev"' not in first
    assert "month=2022-02" in first
    last = client.get("/cohorts/funded/funding/statement?month=2022-12&lang=en").text
    assert 'rel="next"' not in last


@pytest.mark.parametrize("month", ["2022-13", "juin", "2022-6-1", "13/2022"])
def test_a_bad_month_is_answered_400_beside_the_field(app, login_as, funded, month):
    client = signed_in(app, login_as, funded["officer"])
    response = client.get(f"/cohorts/funded/funding/statement?month={month}&lang=en")
    assert response.status_code == 400
    assert 'id="month-error"' in response.text
    assert "Enter a month as 06/2022" in response.text
    assert '<table class="statement">' not in response.text


# ---------------------------------------------------------------------------------------------
# What an officer sees


def test_an_officer_sees_no_score_no_comment_and_no_progress(app, login_as, funded):
    with app.app_context():
        cohort_id = db.session.scalar(select(Cohort.id).where(Cohort.slug == "funded"))
        hide_secrets(cohort_id)
        db.session.commit()
    client = signed_in(app, login_as, funded["officer"])
    as_of = AS_OF.isoformat()
    pages = [
        f"/funding?as_of={as_of}",
        f"/cohorts/funded/funding?as_of={as_of}",
        "/cohorts/funded/funding/statement?month=2022-01",
    ]
    seen = 0
    for url in pages:
        for language in ("fr", "en"):
            response = client.get(f"{url}&lang={language}")
            assert response.status_code == 200
            content = main_part(response.text)
            for secret in ("17.25", "17,25", SECRET_COMMENT, "Commentaire"):
                assert secret not in content, (url, secret)
            for word in ("progress", "progression", "grade", "note", "module passed", "M1", "M2"):
                assert word not in text(content).lower().split(), (url, word)
            assert "Failing: M1" not in content and "modules_passed" not in content
            seen += 1
    assert seen == 6
    # The secrets are really there: an admin sees them on a trainee's page.
    admin = signed_in(app, login_as, funded["admin"])
    trainee_page = admin.get("/cohorts/funded/trainees/T01?lang=en").text
    assert SECRET_COMMENT in trainee_page and "17.25" in trainee_page


def test_the_world_officer_reaches_both_cohorts(app, login_as):
    with app.app_context():
        world = build_world()
    client = signed_in(app, login_as, world.accounts["officer"])
    page = client.get("/funding?as_of=2023-02-01&lang=en").text
    assert "IA promotion 1" in page and "IA promotion 2" in page
    page = client.get("/cohorts/alpha/funding?as_of=2022-02-01&lang=en").text
    assert "Ada Lovelace" in page and "Grace Hopper" not in page
    # Its results: 15 and 8 with comments; none of them shows.
    for secret in ("Très bien", "À revoir", "Quiz Python"):
        assert secret not in page


# ---------------------------------------------------------------------------------------------
# In Chromium


OFFICER_PAGES = [
    "/funding?as_of=2022-06-30",
    "/cohorts/alpha/funding?as_of=2022-06-30",
    "/cohorts/alpha/funding/statement?month=2022-01",
]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_officer_s_visit_has_no_serious_accessibility_violation(
    page, live_server, app, language
):
    from tests.test_browser import serious_violations, sign_in_with_the_keyboard

    with app.app_context():
        build_world()
    sign_in_with_the_keyboard(page, live_server, "region@laregion.fr")
    found = []
    for url in OFFICER_PAGES:
        response = page.goto(f"{live_server}{url}&lang={language}")
        assert response.status == 200, url
        found += [f"{url}: {violation}" for violation in serious_violations(page)]
    assert found == []
    # The charts' figures are a keypress away: the summary of each table opens with Enter.
    page.goto(f"{live_server}{OFFICER_PAGES[1]}&lang={language}")
    assert page.locator("figure.chart svg").count() == 4
    summary = page.locator("figure.chart summary").first
    table = page.locator("figure.chart table.chart-data").first
    assert not table.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    assert table.is_visible()
