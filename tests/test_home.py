"""The home page of each role: the day's work, roll calls not taken, trainees at risk, cohorts."""

import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.pages_data import text
from tracker import timeutil
from tracker.attendance import queries as attendance_queries
from tracker.attendance.models import AttendanceRecord, Session
from tracker.auth.models import User
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.cohorts.operations import create_cohort
from tracker.cohorts.rules import is_expected
from tracker.extensions import db
from tracker.timeutil import today


def signed_in(app, login_as, user_id):
    client = app.test_client()
    with app.app_context():
        login_as(client, db.session.get(User, user_id))
    return client


def running_cohort(slug: str, instructor: User | None = None) -> Cohort:
    """A cohort running today, with a module, three trainees and no session yet."""
    day = today()
    cohort = create_cohort(
        slug=slug,
        name=f"Promotion {slug}",
        starts_on=day - timedelta(days=60),
        ends_on=day + timedelta(days=300),
        grant_amount=Decimal("1000"),
    )
    module = Module(
        cohort=cohort, code=f"{slug.upper()}-M", title=f"Module {slug}", planned_minutes=6000
    )
    db.session.add(module)
    for n in (1, 2, 3):
        db.session.add(
            Trainee(
                cohort=cohort,
                ref=f"T{n}",
                first_name=f"{slug.capitalize()}{n}",
                last_name="Élève",
                email=f"{slug}{n}@example.org",
                enrolled_on=day - timedelta(days=60),
            )
        )
    if instructor is not None:
        instructor.cohorts.append(cohort)
    db.session.flush()
    return cohort


def add_session(cohort: Cohort, days_ago: int, slot: str = "AM", marks: dict | None = None):
    """Add a session `days_ago` days before today, with marks by trainee ref."""
    module = db.session.scalar(select(Module).where(Module.cohort_id == cohort.id))
    session = Session(
        cohort=cohort, module=module, date=today() - timedelta(days=days_ago), slot=slot
    )
    db.session.add(session)
    db.session.flush()
    trainees = {
        t.ref: t for t in db.session.scalars(select(Trainee).where(Trainee.cohort_id == cohort.id))
    }
    for ref, status in (marks or {}).items():
        # Late or left early always misses some minutes (the database refuses 0).
        missed = 10 if status in ("late", "left_early") else 0
        db.session.add(
            AttendanceRecord(
                session_id=session.id,
                trainee_id=trainees[ref].id,
                status=status,
                minutes_missed=missed,
            )
        )
    db.session.flush()
    return session


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


def test_an_instructor_sees_today_s_sessions_of_their_cohorts_only(app, login_as, world):
    with app.app_context():
        instructor = db.session.get(User, world.accounts["instructor"])
        mine = running_cohort("mine", instructor)
        theirs = running_cohort("theirs")
        add_session(mine, 0, "AM")
        add_session(mine, 0, "PM", {"T1": "present", "T2": "present", "T3": "absent"})
        add_session(theirs, 0, "AM")
        db.session.commit()
    client = signed_in(app, login_as, world.accounts["instructor"])
    page = client.get("/?lang=en").text
    assert "Module mine" in page
    assert "Module theirs" not in page
    section = page[page.index('id="today-heading"') : page.index('id="week-heading"')]
    assert text(section).count("Promotion mine") == 2
    assert 'class="tag">not taken<' in section
    assert 'class="tag ok">taken<' in section


def test_this_week_lists_the_sessions_from_monday_to_sunday(app, login_as, world):
    day = today()
    monday = day - timedelta(days=day.weekday())
    with app.app_context():
        instructor = db.session.get(User, world.accounts["instructor"])
        cohort = running_cohort("mine", instructor)
        add_session(cohort, (day - monday).days, "AM")  # this Monday
        add_session(cohort, (day - monday).days + 1, "PM")  # last Sunday
        db.session.commit()
    client = signed_in(app, login_as, world.accounts["instructor"])
    page = client.get("/?lang=en").text
    section = page[page.index('id="week-heading"') : page.index('id="missing-heading"')]
    assert monday.strftime("%d/%m/%Y") in section
    assert (monday - timedelta(days=1)).strftime("%d/%m/%Y") not in section


def test_roll_calls_not_taken_are_listed_most_recent_first(app, login_as, world):
    with app.app_context():
        instructor = db.session.get(User, world.accounts["instructor"])
        cohort = running_cohort("mine", instructor)
        add_session(cohort, 3, "AM", {"T1": "present"})  # partly taken
        add_session(cohort, 2, "AM", {"T1": "present", "T2": "present", "T3": "late"})  # taken
        add_session(cohort, 1, "PM")  # not taken
        add_session(cohort, -1, "AM")  # tomorrow: not held yet
        other = running_cohort("theirs")
        add_session(other, 1, "AM")  # not taken, but not the instructor's
        db.session.commit()
    client = signed_in(app, login_as, world.accounts["instructor"])
    page = client.get("/?lang=en").text
    section = page[page.index('id="missing-heading"') : page.index('id="risk-heading"')]
    dates = [(today() - timedelta(days=n)).strftime("%d/%m/%Y") for n in (1, 3)]
    assert "2 held sessions miss marks" in section
    assert section.index(dates[0]) < section.index(dates[1])
    assert (today() - timedelta(days=2)).strftime("%d/%m/%Y") not in section
    assert "1 of 3 recorded" in section
    assert "Promotion theirs" not in section


def test_trainees_at_risk_are_listed_with_their_reasons(app, login_as, world):
    with app.app_context():
        instructor = db.session.get(User, world.accounts["instructor"])
        cohort = running_cohort("mine", instructor)
        for days_ago in (5, 4, 3):
            add_session(cohort, days_ago, "AM", {"T1": "absent", "T2": "present", "T3": "present"})
        db.session.commit()
    client = signed_in(app, login_as, world.accounts["instructor"])
    page = client.get("/?lang=en").text
    section = text(page[page.index('id="risk-heading"') : page.index('id="cohorts-heading"')])
    assert "Mine1 Élève (T1)" in section
    assert "Absent without justification at the last 3 sessions." in section
    assert "Mine2" not in section


def test_an_admin_gets_links_to_the_administration(app, login_as, world):
    client = signed_in(app, login_as, world.accounts["admin"])
    page = client.get("/?lang=en").text
    assert 'href="/cohorts/new"' in page
    assert 'href="/cohorts"' in page


def test_an_officer_sees_the_cohorts_with_key_figures(app, login_as, world):
    client = signed_in(app, login_as, world.accounts["officer"])
    page = client.get("/?lang=en").text
    assert "IA promotion 1" in page and "IA promotion 2" in page
    # One present and one excused trainee at alpha's only session: 50 %.
    assert "50.0\u00a0%" in page
    assert "Très bien" not in page


def test_a_trainee_is_pointed_to_their_own_page(app, login_as, world):
    client = signed_in(app, login_as, world.accounts["trainee"])
    page = client.get("/?lang=en").text
    assert 'href="/cohorts/alpha/trainees/T01"' in page
    assert "trainees/T02" not in page and "Alan" not in page


def test_an_officer_s_home_leads_to_the_funding_pages(app, login_as, world):
    client = signed_in(app, login_as, world.accounts["officer"])
    page = client.get("/?lang=en").text
    assert 'href="/funding"' in page
    assert '<a href="/cohorts/alpha/funding">IA promotion 1</a>' in page
    assert '<a href="/cohorts/beta/funding">IA promotion 2</a>' in page
    assert 'href="/cohorts/alpha"' not in page


# ---------------------------------------------------------------------------------------------
# Roll calls not taken: only those of half-days begun, in Europe/Paris, and all of them on request


def frozen_clock(monkeypatch, instant: datetime) -> None:
    """Make the application's clock read an instant (aware, in any time zone)."""
    monkeypatch.setattr(timeutil, "utc_now", lambda: instant.astimezone(UTC))


PARIS = timeutil.COURSE_TIME_ZONE


@pytest.mark.parametrize(
    ("instant", "listed"),
    [
        # 00:18 in winter (UTC+1) and in summer (UTC+2): the day's half-days have not begun.
        (datetime(2023, 1, 17, 0, 18, tzinfo=PARIS), []),
        (datetime(2023, 7, 18, 0, 18, tzinfo=PARIS), []),
        # The morning from 9:00, the afternoon from 13:30.
        (datetime(2023, 1, 17, 8, 59, tzinfo=PARIS), []),
        (datetime(2023, 1, 17, 9, 0, tzinfo=PARIS), ["AM"]),
        (datetime(2023, 7, 18, 13, 29, tzinfo=PARIS), ["AM"]),
        (datetime(2023, 7, 18, 13, 30, tzinfo=PARIS), ["AM", "PM"]),
    ],
)
def test_a_roll_call_is_missing_once_its_half_day_has_begun(
    app, login_as, world, monkeypatch, instant, listed
):
    frozen_clock(monkeypatch, instant)
    with app.app_context():
        instructor = db.session.get(User, world.accounts["instructor"])
        cohort = running_cohort("mine", instructor)
        add_session(cohort, 1, "PM")  # yesterday afternoon: missing whatever the hour
        add_session(cohort, 0, "AM")
        add_session(cohort, 0, "PM")
        db.session.commit()
    client = signed_in(app, login_as, world.accounts["instructor"])
    page = client.get("/?lang=en").text
    section = text(page[page.index('id="missing-heading"') : page.index('id="risk-heading"')])
    day = instant.strftime("%d/%m/%Y")
    yesterday = (instant.date() - timedelta(days=1)).strftime("%d/%m/%Y")
    shown = re.findall(rf"{day} (morning|afternoon)", section)
    assert shown == [{"AM": "morning", "PM": "afternoon"}[slot] for slot in reversed(listed)]
    assert f"{yesterday} afternoon" in section
    assert f"{1 + len(listed)} held session" in section
    # Today's sessions are on the page all the same, with the state of their roll call.
    today = text(page[page.index('id="today-heading"') : page.index('id="week-heading"')])
    assert today.count("not taken") == 2


@pytest.mark.parametrize(
    ("clock", "listed"),
    [((8, 29), []), ((8, 30), ["AM"]), ((13, 59), ["AM"]), ((14, 0), ["AM", "PM"])],
)
def test_a_half_day_begins_at_its_cohorts_or_its_own_time(
    app, login_as, world, monkeypatch, clock, listed
):
    instant = datetime(2023, 1, 17, *clock, tzinfo=PARIS)
    frozen_clock(monkeypatch, instant)
    with app.app_context():
        instructor = db.session.get(User, world.accounts["instructor"])
        cohort = running_cohort("mine", instructor)
        cohort.morning_starts_at = time(8, 30)
        add_session(cohort, 0, "AM")
        add_session(cohort, 0, "PM")
        afternoon = db.session.scalar(select(Session).where(Session.slot == "PM"))
        afternoon.starts_at = time(14, 0)
        db.session.commit()
    client = signed_in(app, login_as, world.accounts["instructor"])
    every = text(client.get("/roll-calls/not-taken?lang=en").text)
    assert "A half-day counts from its start" in every
    day = instant.strftime("%d/%m/%Y")
    shown = re.findall(rf"{day} (morning|afternoon)", every)
    assert shown == [{"AM": "morning", "PM": "afternoon"}[slot] for slot in reversed(listed)]


def test_the_home_page_links_to_every_roll_call_not_taken(app, login_as, world):
    with app.app_context():
        instructor = db.session.get(User, world.accounts["instructor"])
        cohort = running_cohort("mine", instructor)
        for days_ago in range(1, 7):
            add_session(cohort, days_ago, "AM")
            add_session(cohort, days_ago, "PM", {"T1": "present"})
        other = running_cohort("theirs")
        add_session(other, 1, "AM")
        db.session.commit()
    client = signed_in(app, login_as, world.accounts["instructor"])
    page = client.get("/?lang=en").text
    section = page[page.index('id="missing-heading"') : page.index('id="risk-heading"')]
    assert "Only the 10 most recent are listed." in text(section)
    assert '<a href="/roll-calls/not-taken">See all 12 roll calls not taken</a>' in section
    every = client.get("/roll-calls/not-taken?lang=en").text
    assert "12 held sessions miss marks" in every
    assert len(re.findall(r"<tr>\s*<th scope=\"row\">", every)) == 12
    oldest = (today() - timedelta(days=6)).strftime("%d/%m/%Y")
    assert oldest in every
    assert "Promotion theirs" not in every
    # Officers and trainees have no roll call to take.
    for role in ("officer", "trainee"):
        assert signed_in(app, login_as, world.accounts[role]).get(
            "/roll-calls/not-taken"
        ).status_code in (403, 404)


def test_a_roll_call_completed_leaves_the_list_at_once(app, login_as, world):
    """The half-days missing marks are kept by the version of the cohort's records: the mark
    that completes a roll call takes it off the list at the next view, in every process."""
    with app.app_context():
        instructor = db.session.get(User, world.accounts["instructor"])
        cohort = running_cohort("mine", instructor)
        session = add_session(cohort, 1, "AM", {"T1": "present", "T2": "present"})
        session_id, cohort_id = session.id, cohort.id
        db.session.commit()
    client = signed_in(app, login_as, world.accounts["instructor"])
    assert f"/sessions/{session_id}/roll-call" in client.get("/roll-calls/not-taken?lang=en").text
    assert "1 held session misses marks" in text(client.get("/roll-calls/not-taken?lang=en").text)
    with app.app_context():
        third = db.session.scalar(
            select(Trainee).where(Trainee.cohort_id == cohort_id, Trainee.ref == "T3")
        )
        db.session.add(
            AttendanceRecord(session_id=session_id, trainee_id=third.id, status="absent")
        )
        db.session.commit()
    every = client.get("/roll-calls/not-taken?lang=en").text
    assert f"/sessions/{session_id}/roll-call" not in every


# ---------------------------------------------------------------------------------------------
# The sessions' counts, as the rule counts them one by one


def counted_by_the_rule(cohort_ids) -> dict[int, tuple]:
    """Count each session's marks and expected trainees one by one, as the rule says who is
    expected: {session id: (date, slot, cohort slug, marks of those expected, expected)}."""
    counts = {}
    for session in db.session.scalars(select(Session).where(Session.cohort_id.in_(cohort_ids))):
        cohort_trainees = db.session.scalars(
            select(Trainee).where(Trainee.cohort_id == session.cohort_id)
        )
        expected = {
            trainee.id
            for trainee in cohort_trainees
            if is_expected(session.date, trainee.enrolled_on, trainee.left_on)
        }
        marked = set(
            db.session.scalars(
                select(AttendanceRecord.trainee_id).where(AttendanceRecord.session_id == session.id)
            )
        )
        counts[session.id] = (
            session.date,
            session.slot,
            session.cohort.slug,
            len(marked & expected),
            len(expected),
        )
    return counts


def test_the_roll_calls_counts_are_the_rule_s(app, world, monkeypatch):
    frozen_clock(monkeypatch, datetime(2023, 1, 18, 12, 0, tzinfo=PARIS))  # a Wednesday noon
    with app.app_context():
        cohort = running_cohort("mine")
        trainees = {
            t.ref: t for t in db.session.scalars(select(Trainee).where(Trainee.cohort == cohort))
        }
        trainees["T2"].enrolled_on = today() - timedelta(days=3)  # joined on Sunday
        trainees["T3"].left_on = today() - timedelta(days=5)  # left last Friday
        for days_ago in range(12, -3, -1):
            # T3's marks after leaving count for nothing; T2 is marked before joining too.
            add_session(cohort, days_ago, "AM", {"T1": "present", "T3": "absent"})
            add_session(cohort, days_ago, "PM", {"T1": "present", "T2": "late"})
        add_session(cohort, 70, "AM")  # before anyone's enrolment: nobody expected
        other = running_cohort("theirs")
        add_session(other, 1, "AM", {"T1": "present", "T2": "present", "T3": "present"})
        add_session(other, 2, "AM", {"T1": "present"})
        later = running_cohort("later")
        for trainee in db.session.scalars(select(Trainee).where(Trainee.cohort == later)):
            trainee.enrolled_on = today() + timedelta(days=1)
        add_session(later, 0, "AM")  # this week, nobody expected yet
        db.session.commit()
        ids = [cohort.id, other.id, later.id]
        rule = counted_by_the_rule(ids)
        lines, total = attendance_queries.roll_calls_not_taken(ids, timeutil.course_now(), None)
        latest, latest_total = attendance_queries.roll_calls_not_taken(ids, timeutil.course_now())
        week = attendance_queries.week_sessions(ids, today())

    # Every half-day begun (today's morning, not its afternoon) whose roll call misses someone
    # expected that day, with the rule's counts; most recent first, then by cohort.
    missing = sorted(
        (
            (session_id, *counts)
            for session_id, counts in rule.items()
            if counts[3] < counts[4]
            and (counts[0] < today() or (counts[0] == today() and counts[1] == "AM"))
        ),
        key=lambda line: line[3],
    )
    missing.sort(key=lambda line: (line[1], line[2]), reverse=True)
    assert [
        (line.id, line.date, line.slot, line.cohort_slug, line.recorded, line.expected)
        for line in lines
    ] == missing
    assert total == len(missing) > 10
    assert {line[3] for line in missing} == {"mine", "theirs"}
    assert [line.id for line in latest] == [line.id for line in lines[:10]]
    assert latest_total == total
    # The week, Monday to Sunday, with the rule's counts, a session where nobody is expected too.
    monday = today() - timedelta(days=today().weekday())
    assert {(line.id, line.recorded, line.expected) for line in week} == {
        (session_id, recorded, expected)
        for session_id, (day, _, _, recorded, expected) in rule.items()
        if monday <= day <= monday + timedelta(days=6)
    }
    assert any(line.expected == 0 for line in week)


def count_loads(monkeypatch, *modules) -> list[str]:
    """Return the list of the cohorts' slugs loaded from now on, in the order of their loads,
    through `tracker.metrics.versions` and the other modules named."""
    from tracker.metrics import versions

    loaded = []
    real = versions.load_cohort_data
    for module in (versions, *modules):
        monkeypatch.setattr(
            module,
            "load_cohort_data",
            lambda cohort, as_of: loaded.append(cohort.slug) or real(cohort, as_of),
        )
    return loaded


def test_a_new_day_works_out_again_only_the_cohorts_with_a_half_day_since(app, world, monkeypatch):
    """Which half-days miss marks is kept by the version of each cohort's records and by the
    day of its latest half-day held: on a new day, a cohort that ended (or holds no half-day
    since) is not loaded again, and a cohort with no half-day held is never loaded; the list is
    the rule's all the same."""
    loaded = count_loads(monkeypatch)
    monday = datetime(2023, 1, 16, 18, 0, tzinfo=PARIS)
    frozen_clock(monkeypatch, monday)
    with app.app_context():
        running = running_cohort("running")
        add_session(running, 1, "AM", {"T1": "present"})
        ended = running_cohort("ended")
        ended.starts_on, ended.ends_on = today() - timedelta(days=300), today() - timedelta(days=9)
        add_session(ended, 10, "PM", {"T2": "absent"})
        add_session(ended, 11, "PM")
        future = running_cohort("future")
        future.starts_on, future.ends_on = today() + timedelta(days=7), today() + timedelta(days=90)
        add_session(future, -8, "AM")
        db.session.commit()
        ids = [running.id, ended.id, future.id]

    def listed() -> tuple[list[tuple], int]:
        with app.app_context():
            lines, total = attendance_queries.roll_calls_not_taken(ids, timeutil.course_now(), None)
            rule = counted_by_the_rule(ids)
        missing = {
            session_id
            for session_id, (day, _, _, recorded, expected) in rule.items()
            if recorded < expected and day <= today()
        }
        assert {line.id for line in lines} == missing
        shown = [(line.cohort_slug, line.date, line.recorded, line.expected) for line in lines]
        return shown, total

    first = listed()
    assert sorted(loaded) == ["ended", "running"]
    assert first[1] == 3

    # Tuesday: a half-day today in the running cohort, none in the ended one.
    frozen_clock(monkeypatch, monday + timedelta(days=1))
    with app.app_context():
        add_session(db.session.get(Cohort, ids[0]), 0, "AM", {"T1": "present", "T2": "present"})
        db.session.commit()
    loaded.clear()
    second = listed()
    assert loaded == ["running"]
    assert second[1] == 4
    assert second[0][1:] == first[0]

    # Wednesday without a half-day anywhere: nothing to load again.
    frozen_clock(monkeypatch, monday + timedelta(days=2))
    loaded.clear()
    assert listed() == second
    assert loaded == []


def test_the_home_page_loads_each_running_cohort_once(app, login_as, world, monkeypatch):
    """The trainees at risk and the roll calls not taken of the same page take the running
    cohort's data from one load."""
    from tracker.cohorts import pages

    loaded = count_loads(monkeypatch, pages)
    frozen_clock(monkeypatch, datetime(2023, 1, 17, 18, 0, tzinfo=PARIS))
    with app.app_context():
        instructor = db.session.get(User, world.accounts["instructor"])
        cohort = running_cohort("mine", instructor)
        for days_ago in (2, 1, 0):
            add_session(cohort, days_ago, "AM", {"T1": "absent", "T2": "present"})
        db.session.commit()
    client = signed_in(app, login_as, world.accounts["instructor"])
    page = client.get("/?lang=en").text
    risk = text(page[page.index('id="risk-heading"') : page.index('id="cohorts-heading"')])
    missing = text(page[page.index('id="missing-heading"') : page.index('id="risk-heading"')])
    assert "Mine1 Élève (T1)" in risk
    assert "3 held sessions" in missing
    assert loaded.count("mine") == 1


@pytest.mark.parametrize("one_by_one", [True, False], ids=["from each data", "counted"])
def test_roll_calls_not_taken_are_the_rule_s_from_data_or_counted(
    app, world, monkeypatch, one_by_one
):
    """More cohorts to work out than a worker keeps the data of are counted in one set-based
    pass, not loaded one after the other; both ways give the rule's counts."""
    from tracker.metrics.versions import DATA_KEPT

    loaded = count_loads(monkeypatch)
    frozen_clock(monkeypatch, datetime(2023, 1, 18, 12, 0, tzinfo=PARIS))  # a Wednesday noon
    with app.app_context():
        ids = []
        for number in range(DATA_KEPT if one_by_one else DATA_KEPT + 1):
            cohort = running_cohort(f"c{number}")
            trainees = {
                t.ref: t
                for t in db.session.scalars(select(Trainee).where(Trainee.cohort == cohort))
            }
            trainees["T2"].enrolled_on = today() - timedelta(days=3)
            trainees["T3"].left_on = today() - timedelta(days=number % 5)
            for days_ago in range(6, -1, -1):
                add_session(cohort, days_ago, "AM", {"T1": "present", "T3": "absent"})
                add_session(cohort, days_ago, "PM", {"T2": "late"} if number % 2 else {})
            ids.append(cohort.id)
        db.session.commit()
        rule = counted_by_the_rule(ids)
        lines, total = attendance_queries.roll_calls_not_taken(ids, timeutil.course_now(), None)

    missing = {
        session_id: (recorded, expected)
        for session_id, (day, slot, _, recorded, expected) in rule.items()
        if recorded < expected and (day < today() or slot == "AM")
    }
    assert {line.id: (line.recorded, line.expected) for line in lines} == missing
    assert total == len(missing) > 0
    assert len(loaded) == (len(ids) if one_by_one else 0)
