"""A cohort's data kept by version: brought up to date after a roll call, loaded whole otherwise.

After a roll call is saved, each worker process reads the marks of that half-day again instead
of the whole cohort; the data it then holds must be exactly the data a fresh load gives.
"""

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from tests.test_home import add_session, running_cohort
from tracker.assessments.models import Assessment, assessment_competencies
from tracker.attendance.models import AttendanceRecord
from tracker.audit.capture import AUDITED
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db
from tracker.metrics import loading, versions
from tracker.metrics.figures import cohort_figures
from tracker.metrics.series import (
    attendance_heatmap,
    cohort_module_grades,
    expected_by_day,
    marks_by_session_and_trainee,
    minutes_by_session,
    month_of,
    tally_by_trainee,
    week_start,
    weekly_attendance,
)
from tracker.reports.making import data_digest, records_digest, trainee_digest
from tracker.timeutil import today


@pytest.fixture
def kept(app):
    """A cohort of three trainees and four half-days, the data kept as of today."""
    versions.kept_data.clear()
    with app.app_context():
        cohort = running_cohort("kept")
        first = add_session(cohort, 9, "AM", {"T1": "present", "T2": "absent", "T3": "late"})
        second = add_session(cohort, 9, "PM", {"T1": "present", "T2": "present"})
        add_session(cohort, 8, "AM", {"T1": "late", "T2": "present", "T3": "present"})
        add_session(cohort, 2, "AM", {"T1": "present", "T2": "present", "T3": "absent"})
        db.session.commit()
        yield {"cohort_id": cohort.id, "first": first.id, "second": second.id}
    versions.kept_data.clear()


def loads_counted(monkeypatch) -> list:
    """Count the whole loads of a cohort's data from now on."""
    loads = []
    whole = loading.load_cohort_data

    def counted(cohort, as_of):
        loads.append(cohort.slug)
        return whole(cohort, as_of)

    monkeypatch.setattr(versions, "load_cohort_data", counted)
    return loads


def the_same(updated, fresh) -> None:
    """The data brought up to date is the data loaded afresh, and so are its figures."""
    assert sorted(updated.marks) == sorted(fresh.marks)
    assert (updated.sessions, updated.trainees, updated.scores) == (
        fresh.sessions,
        fresh.trainees,
        fresh.scores,
    )
    assert cohort_figures(updated) == cohort_figures(fresh)
    assert weekly_attendance(updated) == weekly_attendance(fresh)
    assert attendance_heatmap(updated) == attendance_heatmap(fresh)
    # Every worker process makes the same report, however it came by its data.
    assert data_digest(updated) == data_digest(fresh)
    for trainee in fresh.trainees:
        assert trainee_digest(updated, trainee.id) == trainee_digest(fresh, trainee.id)


def trainee(cohort_id: int, ref: str) -> Trainee:
    return db.session.scalar(
        select(Trainee).where(Trainee.cohort_id == cohort_id, Trainee.ref == ref)
    )


def test_a_roll_call_saved_reads_that_half_day_s_marks_again_not_the_cohort(app, kept, monkeypatch):
    with app.app_context():
        cohort = db.session.get(Cohort, kept["cohort_id"])
        before = versions.current_data(cohort, today())
        # Worked out before, carried over after where the marks leave them unchanged.
        cohort_figures(before), minutes_by_session(before), marks_by_session_and_trainee(before)
        loads = loads_counted(monkeypatch)
        # A mark changed, one added and one removed, in two half-days.
        mark = db.session.scalar(
            select(AttendanceRecord).where(
                AttendanceRecord.session_id == kept["first"],
                AttendanceRecord.trainee_id == trainee(kept["cohort_id"], "T2").id,
            )
        )
        mark.status = "present"
        db.session.add(
            AttendanceRecord(
                session_id=kept["second"],
                trainee_id=trainee(kept["cohort_id"], "T3").id,
                status="absent",
            )
        )
        db.session.delete(
            db.session.scalar(
                select(AttendanceRecord).where(
                    AttendanceRecord.session_id == kept["first"],
                    AttendanceRecord.trainee_id == trainee(kept["cohort_id"], "T1").id,
                )
            )
        )
        db.session.commit()
        db.session.refresh(cohort)

        statements = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            updated = versions.current_data(cohort, today())
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        assert loads == []
        assert updated is not before
        assert len(updated.marks) == len(before.marks)  # one added, one removed
        # The versions, the entry kept, the trail since, the two half-days' marks: no whole load.
        assert len(statements) == 4
        assert not any("FROM trainees" in statement for statement in statements)
        fresh = loading.load_cohort_data(cohort, today())
        the_same(updated, fresh)
        assert minutes_by_session(updated) == minutes_by_session(fresh)
        assert set(marks_by_session_and_trainee(updated)) == set(
            marks_by_session_and_trainee(fresh)
        )
        # And kept: asked again, the same object.
        assert versions.current_data(cohort, today()) is updated


def test_data_of_an_earlier_date_stays_the_same_after_a_later_half_day_s_roll_call(
    app, kept, monkeypatch
):
    with app.app_context():
        cohort = db.session.get(Cohort, kept["cohort_id"])
        earlier = today() - timedelta(days=5)
        before = versions.current_data(cohort, earlier)
        figures = cohort_figures(before)
        loads = loads_counted(monkeypatch)
        later = add_session(cohort, 1, "AM", {"T1": "absent"})  # after the date asked
        db.session.commit()
        # A session added, even after the date: the timetable is the data's, loaded whole.
        assert versions.current_data(cohort, earlier) is not before
        assert loads == ["kept"]
        kept_now = versions.current_data(cohort, earlier)
        mark = db.session.scalar(
            select(AttendanceRecord).where(AttendanceRecord.session_id == later.id)
        )
        mark.status = "present"
        db.session.commit()
        # A mark of a half-day after the date: the data, and what was worked out, stay.
        assert versions.current_data(cohort, earlier) is kept_now
        assert cohort_figures(kept_now) == figures
        assert loads == ["kept"]


@pytest.mark.parametrize(
    "change",
    ["an assessment", "a trainee who left", "more changes than are applied"],
)
def test_anything_else_the_data_holds_loads_the_cohort_again(app, kept, monkeypatch, change):
    with app.app_context():
        cohort = db.session.get(Cohort, kept["cohort_id"])
        versions.current_data(cohort, today())
        loads = loads_counted(monkeypatch)
        if change == "an assessment":
            module = db.session.scalar(select(Module).where(Module.cohort_id == cohort.id))
            db.session.add(
                Assessment(
                    cohort_id=cohort.id,
                    module_id=module.id,
                    code="Q1",
                    title="Quiz",
                    date=today() - timedelta(days=3),
                    max_score=20,
                )
            )
        elif change == "a trainee who left":
            trainee(cohort.id, "T3").left_on = today() - timedelta(days=1)
        else:
            monkeypatch.setattr(versions, "CHANGES_APPLIED", 1)
            for record in db.session.scalars(
                select(AttendanceRecord).where(AttendanceRecord.session_id == kept["first"])
            ):
                record.status = "absent"
                record.minutes_missed = 0
        db.session.commit()
        updated = versions.current_data(cohort, today())
        assert loads == ["kept"]
        the_same(updated, loading.load_cohort_data(cohort, today()))


def test_a_trail_emptied_since_loads_the_cohort_again(app, kept, monkeypatch):
    """After `tracker demo --reset`, a kept version's number may name another entry."""
    with app.app_context():
        cohort = db.session.get(Cohort, kept["cohort_id"])
        versions.current_data(cohort, today())
        number, _hash = versions.data_versions([cohort.id])[cohort.id]
        assert (
            versions.sessions_whose_marks_changed(
                cohort.id, (number, "another chain"), (number + 1, "-")
            )
            is None
        )
        assert versions.sessions_whose_marks_changed(cohort.id, (number, _hash), None) is None


def test_the_tables_the_data_is_read_from_are_named_for_the_trail(app, kept):
    """A change to a table the loader reads must not pass for one that leaves the data as it
    was: every audited table its queries name is in LOADED_TABLES."""
    statements = []
    with app.app_context():
        cohort = db.session.get(Cohort, kept["cohort_id"])
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            loading.load_cohort_data(cohort, today())
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    named = {
        table
        for table in AUDITED
        for statement in statements
        if f" {table} " in f" {statement} ".replace("\n", " ").replace(",", " ")
    }
    assert named == loading.LOADED_TABLES - {"cohorts"}  # the cohort's row is the caller's
    assert assessment_competencies.name in named


def test_a_roll_call_saved_on_its_page_reads_that_half_day_again_only(
    app, world, signed_in, without_csrf, monkeypatch
):
    """What the page's save writes (the marks, the roll call's version) is what the trail lets
    the data be brought up to date from."""
    from tests.test_roll_call import roll_call_data, trainee_ids

    versions.kept_data.clear()
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        versions.current_data(alpha, today())
    loads = loads_counted(monkeypatch)
    saved = signed_in("instructor").post(
        f"/cohorts/alpha/sessions/{world.session}/roll-call",
        data=roll_call_data(trainee_ids(app), {"T01": ("absent", "", "")}, 0),
    )
    assert saved.status_code == 302
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        updated = versions.current_data(alpha, today())
        assert loads == []
        assert (world.session, trainee(alpha.id, "T01").id, "absent", 0) in updated.marks
        the_same(updated, loading.load_cohort_data(alpha, today()))
    versions.kept_data.clear()


def test_what_a_roll_call_leaves_unchanged_is_carried_over_and_the_same_as_afresh(app, kept):
    """The figures of the trainees whose marks did not change, and the minutes of the other
    half-days, are taken from what was worked out before; the rest is worked out again, and all
    of it equals what a fresh load gives."""
    with app.app_context():
        cohort = db.session.get(Cohort, kept["cohort_id"])
        before = versions.current_data(cohort, today())
        figures_before = {t.ref: t for t in cohort_figures(before).trainees}
        minutes_before = {session.id: tally for session, tally in minutes_by_session(before)}
        marks_by_session_and_trainee(before)  # the index, patched rather than made again
        grades_before = cohort_module_grades(before)
        records_before = records_digest(before)
        weeks_before = tally_by_trainee(before, week_start)
        months_before = tally_by_trainee(before, month_of)
        mark = db.session.scalar(
            select(AttendanceRecord).where(
                AttendanceRecord.session_id == kept["first"],
                AttendanceRecord.trainee_id == trainee(kept["cohort_id"], "T2").id,
            )
        )
        mark.status = "present"
        db.session.commit()
        db.session.refresh(cohort)
        updated = versions.current_data(cohort, today())
        assert updated is not before
        figures = {t.ref: t for t in cohort_figures(updated).trainees}
        # T2's mark changed: worked out again; the others' taken as they were.
        assert figures["T2"].attendance != figures_before["T2"].attendance
        assert figures["T1"] is figures_before["T1"] and figures["T3"] is figures_before["T3"]
        minutes = {session.id: tally for session, tally in minutes_by_session(updated)}
        assert minutes[kept["first"]] != minutes_before[kept["first"]]
        assert minutes[kept["second"]] is minutes_before[kept["second"]]
        fresh = loading.load_cohort_data(cohort, today())
        the_same(updated, fresh)
        assert minutes_by_session(updated) == minutes_by_session(fresh)
        # The trainees' tallies of the weeks and months without the changed half-day: carried.
        changed_day = next(s.date for s in updated.sessions if s.id == kept["first"])
        for period, tallies_before in ((week_start, weeks_before), (month_of, months_before)):
            tallies = tally_by_trainee(updated, period)
            assert tallies == tally_by_trainee(fresh, period)
            carried = [group for group in tallies if group[1] != period(changed_day)]
            # Half-days 9 and 2 days ago: always two weeks; one month or two, by the date.
            assert carried or period is month_of
            assert all(tallies[group] is tallies_before[group] for group in carried)
            t2 = trainee(kept["cohort_id"], "T2").id
            assert tallies[t2, period(changed_day)] != tallies_before[t2, period(changed_day)]
        assert expected_by_day(updated) is expected_by_day(before)
        assert expected_by_day(updated) == expected_by_day(fresh)
        # A roll call moves no grade: the grades carried.
        assert cohort_module_grades(updated) is grades_before
        assert cohort_module_grades(updated) == cohort_module_grades(fresh)
        # Nor the records a report shows but the marks: their digest carried.
        assert records_digest(updated) is records_before
        assert records_digest(updated) == records_digest(fresh)
        assert {
            key: tuple(mark) for key, mark in marks_by_session_and_trainee(updated).items()
        } == {key: tuple(mark) for key, mark in marks_by_session_and_trainee(fresh).items()}
