"""One changed mark remakes only the documents and charts that show it, and the versions it
supersedes leave the caches at once."""

from datetime import date

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


def test_a_changed_mark_remakes_only_the_reports_that_show_it(app, tmp_path, monkeypatch):
    cache = tmp_path / "cache" / "reports"
    app.config["REPORT_CACHE_FOLDER"] = str(cache)
    made = []
    real = making.write_pdf
    monkeypatch.setattr(
        making, "write_pdf", lambda html, kind: made.append(kind) or real(html, kind)
    )
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
