"""A cohort of any size with varied attendance and results, and helpers to read pages back."""

import html
import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import event, insert

from tracker.assessments.models import Assessment, Result
from tracker.attendance.models import AttendanceRecord, Session
from tracker.cohorts.models import Competency, Module, Trainee
from tracker.cohorts.operations import create_cohort
from tracker.extensions import db

STARTS = date(2022, 1, 3)  # a Monday
AS_OF = date(2022, 1, 31)


def working_days(first: date, count: int) -> list[date]:
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def build_cohort(slug: str, trainees: int, *, days: int = 10) -> int:
    """Add a cohort of `trainees` with two modules, `days` of sessions, roll calls and results.

    Trainee i follows pattern i % 5: always present; late every third session; excused once
    then absent at the last three sessions; two roll calls missing and once left early; withdrawn
    after the fifth day, mostly absent before. Every seventh trainee enrolled on the third day.
    Scores put some trainees below the pass mark. Flushes and returns the cohort's id.
    """
    cohort = create_cohort(
        slug=slug,
        name=f"Cohort {slug}",
        funder="Région Occitanie",
        starts_on=STARTS,
        ends_on=date(2022, 12, 16),
        grant_amount=Decimal("100000"),
        contracted_trainees=max(trainees, 1),
    )
    c1 = Competency(cohort_id=cohort.id, code="C1", title="Programmer en Python", block="B1")
    c2 = Competency(cohort_id=cohort.id, code="C2", title="Manipuler des données", block="B2")
    m1 = Module(
        cohort=cohort, code="M1", title="Python", planned_minutes=35 * 60, competencies=[c1]
    )
    m2 = Module(cohort=cohort, code="M2", title="Data", planned_minutes=35 * 60, competencies=[c2])
    db.session.add_all([c1, c2, m1, m2])
    db.session.flush()
    dates = working_days(STARTS, days)
    sessions = []
    for index, day in enumerate(dates):
        module = m1 if index < days // 2 else m2
        for slot in ("AM", "PM"):
            sessions.append(Session(cohort=cohort, module=module, date=day, slot=slot))
    db.session.add_all(sessions)
    people = []
    for i in range(trainees):
        people.append(
            Trainee(
                cohort=cohort,
                ref=f"T{i + 1:02d}",
                first_name=f"Prénom{i + 1}",
                last_name=f"Nom{i + 1}",
                email=f"t{i + 1}@example.org",
                enrolled_on=dates[2] if i % 7 == 6 else STARTS,
                left_on=dates[4] if i % 5 == 4 else None,
                exit_reason="Emploi trouvé" if i % 5 == 4 else None,
            )
        )
    db.session.add_all(people)
    db.session.flush()
    records = []
    for i, person in enumerate(people):
        pattern = i % 5
        for n, session in enumerate(sessions):
            status, missed, note = "present", 0, None
            if pattern == 1 and n % 3 == 0:
                status, missed = "late", 30
            elif pattern == 2 and n == 4:
                status, note = "excused", "Rendez-vous médical"
            elif pattern == 2 and n >= len(sessions) - 3:
                status = "absent"
            elif pattern == 3 and n in (5, 6):
                continue  # roll call not taken for this trainee
            elif pattern == 3 and n == 8:
                status, missed = "left_early", 60
            elif pattern == 4 and n % 4 != 0:
                status = "absent"
            records.append(
                {
                    "session_id": session.id,
                    "trainee_id": person.id,
                    "status": status,
                    "minutes_missed": missed,
                    "note": note,
                }
            )
    db.session.execute(insert(AttendanceRecord), records)
    a1 = Assessment(
        cohort_id=cohort.id,
        module=m1,
        code="A1",
        title="Quiz Python",
        date=dates[days // 2 - 1],
        kind="quiz",
        max_score=20,
        competencies=[c1],
    )
    a2 = Assessment(
        cohort_id=cohort.id,
        module=m2,
        code="A2",
        title="Projet données",
        date=dates[-1],
        kind="project",
        max_score=40,
        weight=2,
        competencies=[c2],
    )
    db.session.add_all([a1, a2])
    db.session.flush()
    results = []
    for i, person in enumerate(people):
        results.append(
            {
                "assessment_id": a1.id,
                "trainee_id": person.id,
                "score": float(4 + (i * 3) % 16),
                "max_score": 20.0,
                "comment": f"Commentaire {i + 1}",
            }
        )
        if i % 3 != 2:
            results.append(
                {
                    "assessment_id": a2.id,
                    "trainee_id": person.id,
                    "score": float(10 + (i * 7) % 30),
                    "max_score": 40.0,
                    "comment": None,
                }
            )
    db.session.execute(insert(Result), results)
    db.session.flush()
    return cohort.id


# ---------------------------------------------------------------------------------------------
# Reading pages back


def text(fragment: str) -> str:
    """Return the text of an HTML fragment, tags removed and spaces collapsed."""
    fragment = re.sub(r"<[^>]+>", " ", fragment)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(fragment)).strip(" ")


def table_rows(page: str, css_class: str) -> list[list[str]]:
    """Return the text of each cell of each body row of the page's table of a class."""
    match = re.search(rf'(?s)<table class="{css_class}">.*?<tbody>(.*?)</tbody>', page)
    assert match, f"no table of class {css_class}"
    return [
        [text(cell) for cell in re.findall(r"(?s)<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"(?s)<tr>(.*?)</tr>", match.group(1))
    ]


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def count_queries(app, client, url: str) -> int:
    """Request a page (after a first request that warms caches) and count its SQL statements."""
    assert client.get(url).status_code == 200
    return len(statements_of(app, client, url))


def statements_of(app, client, url: str) -> list[str]:
    """Request a page and return the SQL statements it ran."""
    with app.app_context():
        engine = db.engine
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return statements
