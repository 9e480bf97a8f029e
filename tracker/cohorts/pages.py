"""What the cohort pages and the home page show, loaded with a few set-based queries.

Per-trainee figures always come from `tracker.metrics` (one load per cohort), so that a page shows
the same numbers as `tracker metrics`; the queries here add what the figures leave out (titles,
notes, comments) or answer for many cohorts at once (the home page, the list of cohorts).
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, delete, func, literal, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from tracker import SQLITE_BUSY_TIMEOUT_MS, version
from tracker.attendance.models import AttendanceRecord, Session
from tracker.attendance.queries import expected_at_session
from tracker.attendance.rules import PARTLY_ATTENDED
from tracker.audit import replay
from tracker.charts import cached_chart, module_grades_chart, trainee_attendance_chart
from tracker.charts.placing import PlacedChart, place
from tracker.cohorts.models import Cohort, Competency, KeptSummary, Trainee
from tracker.cohorts.rules import has_left
from tracker.extensions import db
from tracker.i18n import rate
from tracker.metrics import series
from tracker.metrics.figures import (
    CONSECUTIVE_ABSENCES,
    FAILING_MODULE,
    LOW_ASSIDUITY,
    CohortData,
    CohortFigures,
    TraineeFigures,
    cohort_figures,
    ratio,
    recent_assiduity,
)
from tracker.metrics.loading import load_cohort_data
from tracker.metrics.memo import worked_out
from tracker.metrics.versions import current_data, data_versions, kept_figures

STATUS_LABELS = {
    "active": _l("active"),
    "withdrawn": _l("withdrawn"),
    "completed": _l("completed"),
}
ATTENDANCE_LABELS = {
    "present": _l("present"),
    "late": _l("late"),
    "left_early": _l("left early"),
    "excused": _l("excused absence"),
    "absent": _l("unjustified absence"),
    None: _l("not recorded"),
}
SLOT_LABELS = {"AM": _l("morning"), "PM": _l("afternoon")}
KIND_LABELS = {"quiz": _l("quiz"), "project": _l("project"), "exam": _l("exam"), "oral": _l("oral")}


def risk_reasons(trainee: TraineeFigures, threshold: float) -> list[str]:
    """Say in plain words why a trainee is at risk."""
    reasons = []
    for code in trainee.at_risk:
        if code == LOW_ASSIDUITY:
            recent = recent_assiduity(trainee.attendance.roll_calls)
            reasons.append(
                _(
                    "Attended %(recent)s of the recent sessions, below the %(threshold)s expected.",
                    recent=rate(recent),
                    threshold=rate(threshold),
                )
            )
        elif code == CONSECUTIVE_ABSENCES:
            reasons.append(_("Absent without justification at the last 3 sessions."))
        elif code == FAILING_MODULE:
            reasons.append(_("Failing: %(modules)s.", modules=", ".join(trainee.modules_failing)))
        else:  # pragma: no cover (a reason added to the figures but not worded here yet)
            reasons.append(code)
    return reasons


# ---------------------------------------------------------------------------------------------
# Many cohorts at once


@dataclass(frozen=True)
class CohortSummary:
    """A few key figures of a cohort as of D, for lists of cohorts."""

    enrolled: int = 0
    active: int = 0
    withdrawn: int = 0
    scheduled_minutes: int = 0
    attended_minutes: int = 0

    @property
    def attendance_rate(self) -> float | None:
        return ratio(self.attended_minutes, self.scheduled_minutes)


def cohort_summaries(cohorts: Sequence[Cohort], as_of: date) -> dict[int, CohortSummary]:
    """Count the trainees and the attendance of several cohorts, each counted again only when
    its records changed since: kept in this process (`tracker.metrics.versions`) and in the
    database, for every worker, after a restart and on a new day (`kept_or_counted`)."""
    return kept_figures.get_many(
        "summary", cohorts, as_of, lambda missing: kept_or_counted(missing, as_of)
    )


def kept_or_counted(cohorts: Sequence[Cohort], as_of: date) -> dict[int, CohortSummary]:
    """Return the summaries the database keeps for the cohorts' records as they stand, and count
    the others (in one set-based pass), which are then kept.

    A summary is kept under the date whose summary is D's (`summary_dates`): after a cohort's
    end, every later date finds the one kept, so that a new day counts the running cohorts
    only. It is kept only when the cohort's version did not move while it was counted: a roll
    call saved meanwhile leaves it to the next request.
    """
    if not cohorts or replay.rebuilt_at() is not None:
        return count_summaries(cohorts, as_of)  # as recorded at an instant: never kept
    dates = summary_dates(cohorts, as_of)
    versions = kept_versions(cohorts)
    # Plain rows, not objects: what another connection wrote since is read as it is.
    counts = [getattr(KeptSummary, field.name) for field in fields(CohortSummary)]
    found = {
        cohort_id: CohortSummary(*summary)
        for cohort_id, day, kept_under, *summary in db.session.execute(
            select(KeptSummary.cohort_id, KeptSummary.as_of, KeptSummary.version, *counts).where(
                KeptSummary.cohort_id.in_(list(dates)),
                KeptSummary.as_of.in_(set(dates.values())),
            )
        )
        if day == dates[cohort_id] and kept_under == versions[cohort_id]
    }
    missing = [cohort for cohort in cohorts if cohort.id not in found]
    counted = count_summaries(missing, as_of) if missing else {}
    if counted:
        unmoved = kept_versions(missing)
        keep_summaries(
            {
                cohort_id: (dates[cohort_id], versions[cohort_id], summary)
                for cohort_id, summary in counted.items()
                if unmoved[cohort_id] == versions[cohort_id]
            }
        )
    return found | counted


def keep_every_summary(as_of: date, page: int = 25) -> tuple[int, int]:
    """Count the summary of every cohort as of D that the database does not keep for its records
    as they stand under this release, a page of cohorts at a time, and keep it; return how many
    cohorts have their summary kept, and how many there are.

    What `tracker init` does after an upgrade: the first view of the officer's home and of each
    page of the cohorts list then finds every summary kept, rather than counting 25 cohorts'
    roll calls while the officer waits. As of today: after a cohort's end, every later date
    finds the same summary (`summary_dates`); a running cohort's on another date is counted when
    first asked for. What an earlier release kept is dropped: no page of this one would take it.
    """
    current = KeptSummary.version.startswith(this_release(), autoescape=True)
    db.session.execute(delete(KeptSummary).where(~current))
    db.session.commit()
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.id)).all()
    for start in range(0, len(cohorts), page):
        kept_or_counted(cohorts[start : start + page], as_of)
    kept = select(func.count(func.distinct(KeptSummary.cohort_id))).where(current)
    return db.session.scalar(kept), len(cohorts)


def kept_versions(cohorts: Sequence[Cohort]) -> dict[int, str]:
    """Return what a kept summary is kept under for each cohort: the release and the version of
    its records."""
    release = this_release()
    return {
        cohort_id: f"{release}{found[0]} {found[1]}" if found else f"{release}-"
        for cohort_id, found in data_versions([cohort.id for cohort in cohorts]).items()
    }


def this_release() -> str:
    """The start of what every summary this release keeps is kept under (`kept_versions`)."""
    return f"{version.installed()} "


def keep_summaries(summaries: dict[int, tuple[date, str, CohortSummary]]) -> None:
    """Write summaries into the database, each replacing the one kept for its cohort and date.

    On a connection of their own, committed at once: the page's reading is left as it is. They
    are a convenience: a database that cannot take them now (busy, read-only) leaves them to a
    later request. On SQLite they never wait for a write in progress (another process's, or
    this request's own, which would hold the lock until the request ends).
    """
    if not summaries:
        return
    # In the order of their key: two workers keeping the same rows lock them in the same order,
    # one after the other, rather than each waiting for the other's.
    rows = [
        {"cohort_id": cohort_id, "as_of": day, "version": kept_under, **asdict(summary)}
        for cohort_id, (day, kept_under, summary) in sorted(summaries.items())
    ]
    dialect = db.engine.dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(KeptSummary).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[KeptSummary.cohort_id, KeptSummary.as_of],
        set_={
            column: statement.excluded[column]
            for column in ("version", *(field.name for field in fields(CohortSummary)))
        },
    )
    try:
        with db.engine.begin() as connection:
            if dialect == "sqlite":
                connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            try:
                connection.execute(statement)
            finally:
                if dialect == "sqlite":
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    except SQLAlchemyError as error:
        current_app.logger.warning("Cohort summaries not kept: %s", error)


def summary_dates(cohorts: Sequence[Cohort], as_of: date) -> dict[int, date]:
    """Return, for each cohort, the earliest date whose summary is D's: D while the cohort
    runs; after its end, the latest of its end and of the half-days, enrolments and withdrawals
    up to D (nothing else moves what `count_summaries` counts)."""
    dates = {cohort.id: as_of if as_of < cohort.ends_on else cohort.ends_on for cohort in cohorts}
    ended = [cohort.id for cohort in cohorts if as_of >= cohort.ends_on]
    if not ended:
        return dates
    latest_session = (
        select(Session.cohort_id, func.max(Session.date))
        .where(Session.cohort_id.in_(ended), Session.date <= as_of)
        .group_by(Session.cohort_id)
    )
    latest_enrolment_or_withdrawal = (
        select(
            Trainee.cohort_id,
            func.max(case((Trainee.enrolled_on <= as_of, Trainee.enrolled_on))),
            func.max(case((Trainee.left_on <= as_of, Trainee.left_on))),
        )
        .where(Trainee.cohort_id.in_(ended))
        .group_by(Trainee.cohort_id)
    )
    for query in (latest_session, latest_enrolment_or_withdrawal):
        for cohort_id, *days in db.session.execute(query):
            dates[cohort_id] = max([dates[cohort_id], *(day for day in days if day is not None)])
    return dates


def cohort_figures_of(cohorts: Sequence[Cohort], as_of: date) -> dict[int, CohortFigures]:
    """Compute the figures of several cohorts as `tracker metrics` does, each again only when
    its records changed since."""

    def compute(missing: Sequence[Cohort]) -> dict[int, CohortFigures]:
        return {cohort.id: cohort_figures(load_cohort_data(cohort, as_of)) for cohort in missing}

    return kept_figures.get_many("figures", cohorts, as_of, compute)


def count_summaries(cohorts: Sequence[Cohort], as_of: date) -> dict[int, CohortSummary]:
    """Count the trainees and the attendance of several cohorts in three queries.

    The same rules as `tracker.metrics`, in SQL, so that a list of forty cohorts does not load
    forty cohorts' roll calls; tests check both give the same figures.
    """
    ids = [cohort.id for cohort in cohorts]
    if not ids:
        return {}
    ends_on = {cohort.id: cohort.ends_on for cohort in cohorts}
    execute = db.session.execute
    counts: dict[int, list[int]] = {cohort_id: [0, 0, 0] for cohort_id in ids}
    for cohort_id, left_on in execute(
        select(Trainee.cohort_id, Trainee.left_on).where(
            Trainee.cohort_id.in_(ids), Trainee.enrolled_on <= as_of
        )
    ):
        count = counts[cohort_id]
        count[0] += 1
        if has_left(left_on, as_of):
            count[2] += 1
        elif as_of < ends_on[cohort_id]:
            count[1] += 1
    scheduled = dict(
        execute(
            select(Session.cohort_id, func.sum(Session.minutes))
            .join(Trainee, expected_at_session())
            .where(Session.cohort_id.in_(ids), Session.date <= as_of)
            .group_by(Session.cohort_id)
        ).all()
    )
    minutes_attended = case(
        (AttendanceRecord.status == "present", Session.minutes),
        (
            AttendanceRecord.status.in_(PARTLY_ATTENDED)
            & (Session.minutes > AttendanceRecord.minutes_missed),
            Session.minutes - AttendanceRecord.minutes_missed,
        ),
        else_=literal(0),
    )
    attended = dict(
        execute(
            select(Session.cohort_id, func.sum(minutes_attended))
            .join(AttendanceRecord, AttendanceRecord.session_id == Session.id)
            .join(Trainee, and_(Trainee.id == AttendanceRecord.trainee_id, expected_at_session()))
            .where(Session.cohort_id.in_(ids), Session.date <= as_of)
            .group_by(Session.cohort_id)
        ).all()
    )
    return {
        cohort_id: CohortSummary(
            enrolled=enrolled,
            active=active,
            withdrawn=withdrawn,
            scheduled_minutes=int(scheduled.get(cohort_id) or 0),
            attended_minutes=int(attended.get(cohort_id) or 0),
        )
        for cohort_id, (enrolled, active, withdrawn) in counts.items()
    }


@dataclass(frozen=True)
class TraineeAtRisk:
    cohort: Cohort
    trainee: TraineeFigures
    reasons: list[str]


def trainees_at_risk(cohorts: Sequence[Cohort], today: date) -> list[TraineeAtRisk]:
    """Return the active trainees at risk in the running cohorts, with their reasons."""
    at_risk = []
    # Only running cohorts have active trainees: skip loading the others. Their data is the one
    # their pages share (`current_data`): the roll calls not taken of the same home page have
    # just loaded it, and the instructors taking those roll calls open those cohorts.
    running = [cohort for cohort in cohorts if cohort.starts_on <= today < cohort.ends_on]
    figures_of_running = kept_figures.get_many(
        "figures",
        running,
        today,
        lambda missing: {cohort.id: figures_of(cohort, today) for cohort in missing},
    )
    for cohort in running:
        figures = figures_of_running[cohort.id]
        for trainee in figures.trainees:
            if trainee.status == "active" and trainee.at_risk:
                reasons = risk_reasons(trainee, cohort.attendance_threshold)
                at_risk.append(TraineeAtRisk(cohort, trainee, reasons))
    return at_risk


# ---------------------------------------------------------------------------------------------
# One cohort


def figures_of(cohort: Cohort, as_of: date) -> CohortFigures:
    """Compute the cohort's figures as of D, as `tracker metrics` does, again only when its
    records changed since."""
    return cohort_figures(current_data(cohort, as_of))


def figures_of_trainee(data: CohortData, trainee_id: int) -> TraineeFigures | None:
    """Take one trainee's figures as of D from the cohort's (worked out once per data); None
    before enrolment."""
    return next((t for t in cohort_figures(data).trainees if t.id == trainee_id), None)


def trainee_charts(
    data: CohortData, trainee_id: int, language: str, folder: str
) -> tuple[PlacedChart, ...]:
    """Draw a trainee's monthly attendance against the cohort's, and their grades per module."""

    # What the charts are of: the entries they supersede there are removed.
    of = (data.cohort.slug, data.as_of, trainee_id)

    def draw_all() -> tuple[PlacedChart, ...]:
        attendance = series.trainee_monthly_attendance(data, trainee_id)
        grades = series.trainee_module_grades(data, trainee_id)
        charts = [
            place(
                "trainee-attendance",
                cached_chart(
                    "trainee-attendance", language, attendance, trainee_attendance_chart, folder, of
                ),
            )
        ]
        if grades:
            charts.append(
                place(
                    "module-grades",
                    cached_chart(
                        "module-grades", language, grades, module_grades_chart, folder, of
                    ),
                )
            )
        return tuple(charts)

    return worked_out(data, ("trainee charts", trainee_id, folder, language), draw_all)


def words(labels: dict) -> dict:
    """Translate a table of labels once, rather than once per row of a long table."""
    return {key: str(label) for key, label in labels.items()}


SORT_KEYS = {
    "ref": lambda t: t.ref,
    "name": lambda t: t.name.casefold(),
    "status": lambda t: t.status,
    "hours": lambda t: t.attendance.attended_minutes,
    "attendance": lambda t: t.attendance.attendance_rate,
    "assiduity": lambda t: t.attendance.assiduity_rate,
    "progress": lambda t: t.progress,
    "risk": lambda t: len(t.at_risk),
}


def sorted_trainees(
    trainees: Sequence[TraineeFigures], column: str, descending: bool
) -> list[TraineeFigures]:
    """Sort trainees on a column, by reference within ties; those without a value come last."""
    key = SORT_KEYS[column]
    by_ref = sorted(trainees, key=lambda t: t.ref)
    known = [t for t in by_ref if key(t) is not None]
    unknown = [t for t in by_ref if key(t) is None]
    return sorted(known, key=key, reverse=descending) + unknown


# ---------------------------------------------------------------------------------------------
# One trainee


def competencies_by_block(cohort: Cohort) -> dict[str, list[Competency]]:
    """Return the cohort's competencies grouped by block, blocks and codes in order."""
    blocks: dict[str, list[Competency]] = {}
    for competency in db.session.scalars(
        select(Competency)
        .where(Competency.cohort_id == cohort.id)
        .order_by(Competency.block, Competency.code)
    ):
        blocks.setdefault(competency.block, []).append(competency)
    return blocks
