"""Each cohort's summary kept in the database (the officer's home, the cohorts list): found by
every worker, after a restart and on a new day, and counted again only when the cohort's records
move. On SQLite and PostgreSQL."""

import time
from datetime import date, timedelta

import pytest
from flask_migrate import stamp
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from tests.pages_data import AS_OF, build_cohort
from tracker import SQLITE_BUSY_TIMEOUT_MS, cli, timeutil
from tracker.cli import main
from tracker.cohorts import pages
from tracker.cohorts.models import Cohort, KeptSummary, Trainee
from tracker.extensions import db
from tracker.metrics.versions import kept_figures

ENDS_ON = date(2022, 12, 16)  # build_cohort's


@pytest.fixture
def cohorts(app_context):
    build_cohort("rich", 12)
    build_cohort("small", 3, days=4)
    db.session.commit()
    return db.session.scalars(select(Cohort).order_by(Cohort.slug)).all()


@pytest.fixture
def counted(monkeypatch):
    """The cohorts counted, call by call."""
    calls = []
    count = pages.count_summaries

    def counting(cohorts, as_of):
        calls.append(sorted(cohort.slug for cohort in cohorts))
        return count(cohorts, as_of)

    monkeypatch.setattr(pages, "count_summaries", counting)
    return calls


def restart() -> None:
    """What a new worker process starts from: nothing kept in the process."""
    kept_figures.clear()


def test_a_restart_finds_the_summaries_the_database_keeps(cohorts, counted):
    first = pages.cohort_summaries(cohorts, AS_OF)
    assert counted == [["rich", "small"]]
    assert db.session.scalar(select(db.func.count()).select_from(KeptSummary)) == 2
    restart()
    assert pages.cohort_summaries(cohorts, AS_OF) == first
    assert counted == [["rich", "small"]]  # read, not counted again
    assert first == pages.count_summaries(cohorts, AS_OF)


def test_a_changed_record_counts_its_cohort_again_and_replaces_its_summary(cohorts, counted):
    pages.cohort_summaries(cohorts, AS_OF)
    rich = cohorts[0]
    trainee = db.session.scalar(select(Trainee).where(Trainee.cohort_id == rich.id).limit(1))
    trainee.left_on = date(2022, 1, 5)
    db.session.commit()
    restart()
    summaries = pages.cohort_summaries(cohorts, AS_OF)
    assert counted == [["rich", "small"], ["rich"]]
    assert summaries == pages.count_summaries(cohorts, AS_OF)
    # One row per cohort and date: the newer version replaced the older.
    assert db.session.scalar(select(db.func.count()).select_from(KeptSummary)) == 2


def test_after_a_cohort_s_end_a_new_day_finds_the_summary_kept(cohorts, counted):
    day = ENDS_ON + timedelta(days=3)
    first = pages.cohort_summaries(cohorts, day)
    restart()
    for later in (day + timedelta(days=1), date(2024, 5, 6)):
        assert pages.cohort_summaries(cohorts, later) == first
    assert counted == [["rich", "small"]]
    kept = db.session.execute(select(KeptSummary.cohort_id, KeptSummary.as_of)).all()
    assert {as_of for _cohort, as_of in kept} == {ENDS_ON}


def test_a_withdrawal_dated_after_the_end_moves_the_date_a_summary_is_kept_under(cohorts):
    rich = cohorts[0]
    trainee = db.session.scalar(
        select(Trainee).where(Trainee.cohort_id == rich.id, Trainee.left_on.is_(None)).limit(1)
    )
    left_on = ENDS_ON + timedelta(days=20)
    trainee.left_on = left_on
    db.session.commit()
    before, on, after = left_on - timedelta(days=1), left_on, left_on + timedelta(days=30)
    dates = {day: pages.summary_dates(cohorts, day)[rich.id] for day in (before, on, after)}
    assert dates == {before: ENDS_ON, on: left_on, after: left_on}
    for day in (before, on, after):
        restart()
        summary = pages.cohort_summaries(cohorts, day)[rich.id]
        assert summary == pages.count_summaries([rich], day)[rich.id]
    assert pages.cohort_summaries(cohorts, before)[rich.id].withdrawn + 1 == (
        pages.cohort_summaries(cohorts, after)[rich.id].withdrawn
    )


def test_every_date_after_the_end_has_the_summary_of_the_date_it_is_kept_under(cohorts):
    for day in (ENDS_ON, ENDS_ON + timedelta(days=1), date(2025, 1, 1)):
        for cohort_id, kept_under in pages.summary_dates(cohorts, day).items():
            cohort = [db.session.get(Cohort, cohort_id)]
            assert pages.count_summaries(cohort, day) == pages.count_summaries(cohort, kept_under)
    assert set(pages.summary_dates(cohorts, AS_OF).values()) == {AS_OF}  # running: D itself


def test_a_summary_kept_by_an_earlier_release_is_counted_again(cohorts, counted, monkeypatch):
    pages.cohort_summaries(cohorts, AS_OF)
    restart()
    monkeypatch.setattr(pages.version, "installed", lambda: "99.0.0")
    pages.cohort_summaries(cohorts, AS_OF)
    assert counted == [["rich", "small"], ["rich", "small"]]


def test_tracker_init_after_an_upgrade_counts_what_the_pages_would_have(
    app, cohorts, counted, monkeypatch
):
    later = date(2024, 5, 6)  # after both cohorts' end
    monkeypatch.setattr(timeutil, "today", lambda: later)
    pages.cohort_summaries(cohorts, later)
    stamp()  # the tests' schema is made without the migrations: say it is theirs
    monkeypatch.setattr(pages.version, "installed", lambda: "99.0.0")  # the upgrade
    result = app.test_cli_runner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert "Cohorts' summaries kept for this version: 2 of 2." in result.output
    assert counted == [["rich", "small"], ["rich", "small"]]
    # Run again, it finds every summary kept; so does the first page after the upgrade.
    result = app.test_cli_runner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    restart()
    found = pages.cohort_summaries(cohorts, later)
    assert len(counted) == 2
    assert found == pages.count_summaries(cohorts, later)


def test_tracker_init_after_an_upgrade_drops_what_the_last_release_kept(app, cohorts):
    pages.cohort_summaries(cohorts, AS_OF)  # while the cohorts ran: kept under AS_OF
    stamp()
    last = pages.version.installed()
    app.test_cli_runner().invoke(main, ["init"])  # the same release: nothing dropped
    assert {day for (day,) in db.session.execute(select(KeptSummary.as_of))} == {AS_OF, ENDS_ON}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages.version, "installed", lambda: f"{last}.1")  # a release whose name
        result = app.test_cli_runner().invoke(main, ["init"])  # begins with the last one's
    assert result.exit_code == 0, result.output
    db.session.rollback()
    kept = db.session.execute(select(KeptSummary.as_of, KeptSummary.version)).all()
    assert {day for day, _version in kept} == {ENDS_ON}  # today's, counted again
    assert all(version.startswith(f"{last}.1 ") for _day, version in kept)


def test_tracker_init_leaves_the_summaries_to_the_pages_when_the_database_cannot_count_them(
    app, cohorts, monkeypatch
):
    def busy(as_of):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    stamp()
    monkeypatch.setattr(cli, "keep_every_summary", busy)
    result = app.test_cli_runner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output  # the schema is up to date: that is init's work
    assert "The database is up to date." in result.output
    assert "left to the pages that show them: (builtins.Exception) database is locked" in (
        result.output
    )


def test_a_summary_counted_while_a_record_changed_is_not_kept(cohorts, monkeypatch):
    """Counted from records newer than the version read before: kept under that version, it
    would show the wrong figures to a request that read the same version."""
    count = pages.count_summaries

    def counting_while_a_roll_call_is_saved(missing, as_of):
        result = count(missing, as_of)
        trainee = db.session.scalar(select(Trainee).where(Trainee.cohort_id == missing[0].id))
        trainee.first_name = "Écrit"  # another worker's write, committed before the keeping
        db.session.commit()
        return result

    monkeypatch.setattr(pages, "count_summaries", counting_while_a_roll_call_is_saved)
    pages.cohort_summaries(cohorts[:1], AS_OF)
    assert db.session.scalar(select(db.func.count()).select_from(KeptSummary)) == 0


def test_the_kept_summaries_go_with_their_cohort(cohorts):
    pages.cohort_summaries(cohorts, AS_OF)
    db.session.execute(db.delete(Cohort).where(Cohort.id == cohorts[1].id))
    db.session.commit()
    assert db.session.scalars(select(KeptSummary.cohort_id)).all() == [cohorts[0].id]


def test_keeping_never_waits_for_a_write_in_progress(app_context, caplog):
    """On SQLite the summaries are written on a connection of their own: behind the request's
    own uncommitted write (or another process's) they are left to a later request at once,
    rather than after the database's five seconds of patience."""
    build_cohort("rich", 12)  # flushed, not committed: this session holds the write
    cohorts = db.session.scalars(select(Cohort)).all()
    started = time.monotonic()
    summaries = pages.cohort_summaries(cohorts, AS_OF)
    waited = time.monotonic() - started
    assert summaries == pages.count_summaries(cohorts, AS_OF)
    if db.engine.dialect.name == "sqlite":
        assert waited < 2.5, f"waited {waited:.1f} s for the write lock"
        assert "Cohort summaries not kept" in caplog.text
        with db.engine.connect() as connection:  # the pool's connections wait as before
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == (
                SQLITE_BUSY_TIMEOUT_MS
            )
    db.session.commit()
    restart()
    assert pages.cohort_summaries(cohorts, AS_OF) == summaries
    assert db.session.scalar(select(db.func.count()).select_from(KeptSummary)) == 1
