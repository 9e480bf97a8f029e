"""One changed mark remakes only the documents and charts that show it, and the versions it
supersedes leave the caches at once."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.world import build_world
from tracker.attendance.models import AttendanceRecord, Session
from tracker.charts.cache import cached_chart
from tracker.charts.drawing import weekly_attendance_chart
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.metrics import series
from tracker.metrics.loading import load_cohort_data
from tracker.reports import making

AS_OF = date(2022, 6, 30)
MADE_ON = date(2022, 7, 1)


def dates(**overrides) -> dict:
    return {"as_of": AS_OF, "language": "en", "made_on": MADE_ON, **overrides}


def alpha_and_trainees():
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
    trainees = db.session.scalars(
        select(Trainee).where(Trainee.cohort_id == cohort.id).order_by(Trainee.ref)
    ).all()
    return cohort, trainees[0], trainees[1]


def change_a_mark_of(trainee: Trainee) -> None:
    """Turn one of the trainee's past presences into an absence (or back), and commit."""
    record = db.session.scalars(
        select(AttendanceRecord)
        .join(Session)
        .where(AttendanceRecord.trainee_id == trainee.id, Session.date <= AS_OF)
        .order_by(Session.date)
    ).first()
    if record.status == "absent":
        record.status, record.minutes_missed = "present", 0
    else:
        record.status, record.minutes_missed = "absent", record.session.minutes
    db.session.commit()


def pdfs(cache) -> set:
    return {path.relative_to(cache) for path in cache.rglob("*.pdf")}


@pytest.fixture
def made(monkeypatch) -> list:
    """The kinds of the reports made (not served from the cache), in order."""
    kinds = []
    real = making.write_pdf
    monkeypatch.setattr(
        making, "write_pdf", lambda html, kind: kinds.append(kind) or real(html, kind)
    )
    return kinds


def test_a_changed_mark_remakes_only_the_reports_that_show_it(app, tmp_path, made):
    cache = tmp_path / "cache" / "reports"
    app.config["REPORT_CACHE_FOLDER"] = str(cache)
    with app.app_context():
        build_world()
        cohort, first, second = alpha_and_trainees()

        def every_document():
            return {
                "first": making.trainee_report(cohort, first, **dates()),
                "first certificate": making.certificate(cohort, first, **dates()),
                "second": making.trainee_report(cohort, second, **dates()),
                "second certificate": making.certificate(cohort, second, **dates()),
                "cohort": making.cohort_report(cohort, **dates()),
            }

        before = every_document()
        assert len(made) == 5
        made.clear()
        change_a_mark_of(first)
        after = every_document()

    # The first trainee's documents and the cohort's report show the mark: made again. The
    # second trainee's show nothing of it: served as they were.
    assert sorted(made) == ["certificate", "cohort", "trainee"]
    for name in ("second", "second certificate"):
        assert after[name].path == before[name].path
        assert after[name].content == before[name].content
    for name in ("first", "first certificate", "cohort"):
        assert after[name].path != before[name].path
        # Superseded: the older version is gone, one file per document remains.
        assert not before[name].path.exists()
        assert after[name].path.is_file()
    assert len(pdfs(cache)) == 5


def add_classmates(cohort: Cohort, count: int) -> None:
    """Add classmates present at the cohort's session: enough trainees with a roll call that the
    cohort's monthly line is shown beside each trainee's (series.SMALLEST_GROUP)."""
    session = db.session.scalar(select(Session).where(Session.cohort_id == cohort.id))
    for number in range(3, 3 + count):
        classmate = Trainee(
            cohort=cohort,
            ref=f"T{number:02d}",
            first_name="Classmate",
            last_name=f"Number {number}",
            email=f"classmate{number}@example.org",
            enrolled_on=cohort.starts_on,
        )
        db.session.add(classmate)
        db.session.flush()
        db.session.add(
            AttendanceRecord(session_id=session.id, trainee_id=classmate.id, status="present")
        )
    db.session.commit()


def mark_late(trainee: Trainee, minutes: int) -> None:
    """Record the trainee late by so many minutes at their first session, and commit."""
    record = db.session.scalar(
        select(AttendanceRecord).where(AttendanceRecord.trainee_id == trainee.id)
    )
    record.status, record.minutes_missed = "late", minutes
    db.session.commit()


def cohort_line(cohort: Cohort, trainee: Trainee) -> list:
    """The cohort's monthly attendance as a trainee's chart shows it beside theirs."""
    points = series.trainee_monthly_attendance(load_cohort_data(cohort, AS_OF), trainee.id)
    return [(point.month, point.cohort_rate) for point in points]


def test_a_classmate_s_mark_remakes_a_report_only_when_it_moves_the_cohort_s_line_as_shown(
    app, tmp_path, made
):
    app.config["REPORT_CACHE_FOLDER"] = str(tmp_path / "cache" / "reports")
    with app.app_context():
        build_world()
        cohort, first, second = alpha_and_trainees()
        add_classmates(cohort, 9)
        line = cohort_line(cohort, second)
        assert line and all(rate is not None for _, rate in line)  # the line is shown
        before = making.trainee_report(cohort, second, **dates())

        # A minute late: the cohort's rate moves by less than the tenth of a percent shown.
        made.clear()
        mark_late(first, 1)
        assert cohort_line(cohort, second) == line
        unchanged = making.trainee_report(cohort, second, **dates())
        assert made == []
        assert unchanged.path == before.path and unchanged.content == before.content

        # An hour late: the line the second trainee's report shows moves; the report follows.
        mark_late(first, 60)
        assert cohort_line(cohort, second) != line
        moved = making.trainee_report(cohort, second, **dates())
        assert made == ["trainee"]
        assert moved.path != before.path and not before.path.exists()


def test_a_report_made_from_records_changed_back_is_served_again(app, tmp_path):
    with app.app_context():
        build_world()
        cohort, first, _ = alpha_and_trainees()
        original = making.trainee_report(cohort, first, **dates())
        change_a_mark_of(first)
        making.trainee_report(cohort, first, **dates())
        change_a_mark_of(first)
        again = making.trainee_report(cohort, first, **dates())
    assert again.path == original.path
    assert again.content == original.content


def test_a_chart_drawn_from_newer_records_supersedes_the_one_drawn_there_before(app, tmp_path):
    folder = tmp_path / "charts"
    with app.app_context():
        build_world()
        cohort, first, _ = alpha_and_trainees()

        def draw():
            data = load_cohort_data(cohort, AS_OF)
            payload = series.weekly_attendance(data)
            return cached_chart(
                "weekly_attendance",
                "en",
                payload,
                weekly_attendance_chart,
                folder,
                ("alpha", AS_OF),
            )

        draw()
        entries = sorted(path.name for path in folder.glob("*.svg"))
        change_a_mark_of(first)
        draw()
        # Another place keeps its own chart: another cohort's.
        beta = db.session.scalar(select(Cohort).where(Cohort.slug == "beta"))
        cached_chart(
            "weekly_attendance",
            "en",
            series.weekly_attendance(load_cohort_data(beta, AS_OF)),
            weekly_attendance_chart,
            folder,
            ("beta", AS_OF),
        )
    now = sorted(path.name for path in folder.glob("*.svg"))
    assert len(entries) == 1 and len(now) == 2
    assert entries[0] not in now
    assert len(list(folder.glob("*.json"))) == 2
