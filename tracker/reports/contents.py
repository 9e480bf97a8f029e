"""What each report holds: its sources, read from the database, and the figures drawn from them.

A report is made in two steps, so that the cache can tell whether it must be made again before
doing any of the work:

1. `gather_*` reads the report's `Source`: the cohort's `CohortData` (the inputs of every figure)
   and the few texts the figures leave out (names, titles, comments, reasons for leaving). Two
   equal sources give the same report, whatever the day.
2. `CONTEXTS[kind](source, language)` computes the figures, the series and the charts that the
   template shows, with the functions of `tracker.metrics` and `tracker.charts` that the pages
   use, so that a report prints the same numbers as `tracker metrics` and the web.

The functions of step 2 run inside `flask_babel.force_locale` (see `tracker.reports.making`).
"""

import base64
import json
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import and_, func, select

from tracker import i18n, periods
from tracker.assessments import queries as assessment_queries
from tracker.assessments.models import Assessment
from tracker.attendance import amendments, times
from tracker.attendance.models import AttendanceRecord, Session
from tracker.attendance.rules import PARTLY_ATTENDED
from tracker.auth.models import User, instructor_cohorts
from tracker.budget.models import BudgetLine, Expense
from tracker.charts import (
    Chart,
    attendance_heatmap_chart,
    budget_burn_up_chart,
    cached_chart,
    trainee_attendance_chart,
    weekly_attendance_chart,
)
from tracker.cohorts import pages
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.cohorts.queries import expected_between, withdrawn_trainees
from tracker.cohorts.rules import expected_on
from tracker.extensions import db
from tracker.justifications import queries as justification_queries
from tracker.metrics import series
from tracker.metrics.figures import (
    CohortData,
    CohortFigures,
    TraineeFigures,
    cohort_figures,
    held_sessions,
    planned_minutes_per_trainee,
    ratio,
    trainee_attendance,
    trainee_figures,
    trainee_status,
)
from tracker.metrics.justifications import Pending, pending_summary
from tracker.metrics.overspending import overspending
from tracker.metrics.versions import current_data
from tracker.organisation import queries as organisation_queries
from tracker.outcomes.figures import outcome_figures
from tracker.outcomes.models import Outcome
from tracker.outcomes.queries import trainee_outcomes
from tracker.signing import strokes as signature_strokes
from tracker.signing.models import Countersignature, PaperSheet, Signature
from tracker.signing.rules import PRESENT_WITHOUT_SIGNATURE, SIGNED_BUT_ABSENT, disagreement
from tracker.timeutil import COURSE_TIME_ZONE

KINDS = ("trainee", "cohort", "funding", "sheet", "signed_sheet", "certificate", "attestation")
SLOTS = ("AM", "PM")


class ReportError(ValueError):
    """A report that cannot be made: an unknown cohort, trainee or week, a trainee not enrolled."""


# ---------------------------------------------------------------------------------------------
# Sources


@dataclass(frozen=True)
class CohortHeading:
    """What the running header and the title pages say of a cohort."""

    slug: str
    name: str
    funder: str
    starts_on: date
    ends_on: date
    attendance_threshold: float


@dataclass(frozen=True)
class Person:
    """A trainee as a report names them."""

    id: int
    ref: str
    first_name: str
    last_name: str
    enrolled_on: date
    left_on: date | None
    exit_reason: str | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class ModuleTitle:
    """A module of the curriculum with its title."""

    id: int
    code: str
    title: str
    planned_minutes: int
    pass_mark: float


@dataclass(frozen=True)
class Signatory:
    """Who certifies a report for the organisation, and where it is signed."""

    name: str
    title: str
    place: str


@dataclass(frozen=True)
class SheetSession:
    """A half-day session of the week of an attendance sheet, with its times, its hours and
    who teaches it."""

    id: int
    date: date
    slot: str
    module_code: str
    module_title: str
    kind: str
    starts_at: str  # 09:00, where the course is held
    ends_at: str
    minutes: int
    # Who closed its roll call, or else the cohort's instructors (names, comma-separated).
    instructor: str


@dataclass(frozen=True)
class SheetMark:
    """What the roll call recorded for one trainee at one session of the sheet's week."""

    session_id: int
    trainee_id: int
    status: str
    minutes_missed: int


@dataclass(frozen=True)
class SignedSession(SheetSession):
    """A half-day of a signed sheet's week: how its roll call was closed."""

    closed_at: datetime | None
    # The account that closed it; None when the tracker closed it (or it is open).
    closed_by: str | None


@dataclass(frozen=True)
class SheetSignature:
    """A trainee's signature of a half-day as the signed sheet draws it."""

    session_id: int
    trainee_id: int
    signed_at: datetime
    strokes: str
    digest: str


@dataclass(frozen=True)
class SheetCountersignature:
    """The instructor's countersignature of a half-day as the signed sheet draws it."""

    session_id: int
    signer_name: str
    signed_at: datetime
    strokes: str
    digest: str


@dataclass(frozen=True)
class SheetIssuer:
    """Who holds the course and where, as a weekly sheet names them."""

    organisation: str
    declaration_number: str
    declaration_region: str
    # The course title as in the grant agreement (else the cohort's name), and its number.
    course_title: str
    agreement_number: str
    place: str


@dataclass(frozen=True)
class SheetPaper:
    """The scanned paper sheet of the week, when one was uploaded."""

    file_name: str
    sha256: str
    uploaded_at: datetime


@dataclass(frozen=True)
class Source:
    """Everything a report is made from: equal sources make equal reports."""

    kind: str
    cohort: CohortHeading
    as_of: date
    data: CohortData | None = None
    # The texts and small tables of one kind of report (see the gather_* functions).
    details: dict[str, Any] = field(default_factory=dict)
    # The instant whose records it shows, rebuilt from the trail; None: as they are now.
    recorded_at: datetime | None = None

    @property
    def stem(self) -> str:
        """Name the report's file, without its language and extension: ASCII only."""
        if self.recorded_at is None:
            return self._stem
        return f"{self._stem}_recorded-{self.recorded_at:%Y%m%dT%H%M%SZ}"

    @property
    def _stem(self) -> str:
        slug = _ascii(self.cohort.slug)
        if self.kind == "trainee":
            return f"{slug}_{_ascii(self.details['person'].ref)}_progress_{self.as_of}"
        if self.kind in ("certificate", "attestation"):
            return f"{slug}_{_ascii(self.details['person'].ref)}_{self.kind}_{self.as_of}"
        if self.kind == "cohort":
            return f"{slug}_cohort-progress_{self.as_of}"
        if self.kind == "funding":
            return f"{slug}_funding_{self.as_of}"
        if self.kind == "signed_sheet":
            return f"{slug}_signed-sheet_{self.details['week']}"
        blank = "_blank" if self.details["blank"] else ""
        return f"{slug}_sheet_{self.details['week']}{blank}"


def _ascii(text: str) -> str:
    """Keep a name safe in a file name on every system: letters, digits, dot and dash."""
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-.") or "x"


def heading(cohort: Cohort) -> CohortHeading:
    """Return what the reports say of a cohort."""
    return CohortHeading(
        slug=cohort.slug,
        name=cohort.name,
        funder=cohort.funder,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        attendance_threshold=cohort.attendance_threshold,
    )


def person(trainee: Trainee) -> Person:
    """Return what the reports say of a trainee."""
    return Person(
        id=trainee.id,
        ref=trainee.ref,
        first_name=trainee.first_name,
        last_name=trainee.last_name,
        enrolled_on=trainee.enrolled_on,
        left_on=trainee.left_on,
        exit_reason=trainee.exit_reason,
    )


def find_cohort(slug: str) -> Cohort:
    """Load a cohort by its slug, else raise ReportError."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None:
        raise ReportError(f"There is no cohort {slug!r}.")
    return cohort


def find_trainee(cohort: Cohort, ref: str) -> Trainee:
    """Load a trainee of the cohort by reference, else raise ReportError."""
    trainee = db.session.scalar(
        select(Trainee).where(Trainee.cohort_id == cohort.id, Trainee.ref == ref)
    )
    if trainee is None:
        raise ReportError(f"The cohort {cohort.slug!r} has no trainee {ref!r}.")
    return trainee


def parse_week(text: str) -> date:
    """Return the Monday of an ISO week written 2022-W05, else raise ReportError."""
    try:
        return periods.parse_week(text)
    except periods.PeriodError as error:
        raise ReportError(str(error)) from None


def as_of_shown(cohort: Cohort, as_of: date) -> date:
    """Return the earliest date whose figures are those of D: D itself while the cohort runs.

    After its last day the figures change only with the data dated later (an invoice paid after
    the course, a late withdrawal, an outcome recorded): every date from the last of those on
    gives the same figures, so that a report of any of them is made once, and says "as of" that
    date.
    """
    if as_of <= cohort.ends_on:
        return as_of
    cohort_id = cohort.id
    latest = [
        select(func.max(Session.date)).where(Session.cohort_id == cohort_id, Session.date <= as_of),
        select(func.max(Assessment.date)).where(
            Assessment.cohort_id == cohort_id, Assessment.date <= as_of
        ),
        select(func.max(Expense.date))
        .join(BudgetLine, BudgetLine.id == Expense.budget_line_id)
        .where(BudgetLine.cohort_id == cohort_id, Expense.date <= as_of),
        select(func.max(Trainee.enrolled_on)).where(
            Trainee.cohort_id == cohort_id, Trainee.enrolled_on <= as_of
        ),
        select(func.max(Trainee.left_on)).where(
            Trainee.cohort_id == cohort_id, Trainee.left_on <= as_of
        ),
        # The outcomes, recorded months after the end.
        select(func.max(Outcome.recorded_on))
        .join(Trainee, Trainee.id == Outcome.trainee_id)
        .where(Trainee.cohort_id == cohort_id, Outcome.recorded_on <= as_of),
    ]
    days = db.session.execute(select(*(query.scalar_subquery() for query in latest))).one()
    return max([cohort.ends_on, *(day for day in days if day is not None)])


def _module_titles(cohort: Cohort) -> tuple[ModuleTitle, ...]:
    rows = db.session.execute(
        select(Module.id, Module.code, Module.title, Module.planned_minutes, Module.pass_mark)
        .where(Module.cohort_id == cohort.id)
        .order_by(Module.code)
    )
    return tuple(ModuleTitle(*row) for row in rows)


def _enrolled(data: CohortData, trainee: Trainee) -> None:
    if not any(t.id == trainee.id for t in data.trainees):
        raise ReportError(f"{trainee.ref} was not enrolled yet on {data.as_of.isoformat()}.")


def pending_justifications(cohort: Cohort, as_of: date, trainee: Trainee | None = None) -> Pending:
    """Count the cohort's (or a trainee's) justifications waiting for a decision as of D."""
    return pending_summary(
        justification_queries.declared_absences(cohort.id, trainee.id if trainee else None),
        justification_queries.counted_at(as_of),
    )


def gather_trainee(cohort: Cohort, trainee: Trainee, as_of: date) -> Source:
    """Read what a trainee's progress report is made from."""
    data = current_data(cohort, as_of)
    _enrolled(data, trainee)
    blocks = pages.competencies_by_block(cohort)
    return Source(
        kind="trainee",
        cohort=heading(cohort),
        as_of=as_of,
        data=data,
        details={
            "person": person(trainee),
            "pending": pending_justifications(cohort, as_of, trainee),
            "modules": tuple(assessment_queries.results_by_module(cohort, trainee)),
            "blocks": tuple(
                (block, tuple((c.code, c.title) for c in competencies))
                for block, competencies in blocks.items()
            ),
        },
    )


def gather_cohort(cohort: Cohort, as_of: date) -> Source:
    """Read what the cohort progress report is made from."""
    return Source(
        kind="cohort",
        cohort=heading(cohort),
        as_of=as_of,
        data=current_data(cohort, as_of),
        details={"modules": _module_titles(cohort)},
    )


def gather_funding(cohort: Cohort, as_of: date) -> Source:
    """Read what the Region's funding report is made from: no score, no comment."""
    withdrawals = withdrawn_trainees(cohort, as_of)
    data = current_data(cohort, as_of)
    # The funder sees no result: drop the scores and assessments from what the report is made of.
    data = CohortData(
        as_of=data.as_of,
        cohort=data.cohort,
        trainees=data.trainees,
        sessions=data.sessions,
        marks=data.marks,
        modules=data.modules,
        assessments=(),
        scores=(),
        budget_lines=data.budget_lines,
        expenses=data.expenses,
    )
    return Source(
        kind="funding",
        cohort=heading(cohort),
        as_of=as_of,
        data=data,
        details={
            "withdrawals": tuple(person(t) for t in withdrawals),
            "pending": pending_justifications(cohort, as_of),
            "agreement_number": cohort.agreement_number,
            "title_in_agreement": cohort.title_in_agreement,
            "signatory": signatory(),
            "outcomes": outcome_figures(trainee_outcomes([cohort], as_of)),
        },
    )


def signatory() -> Signatory:
    """Read who certifies the reports: the organisation's legal representative and the place
    where its documents are signed (blank until an administrator records them)."""
    identity = organisation_queries.current()
    return Signatory(
        name=identity.representative_name,
        title=identity.representative_title,
        place=identity.signing_place,
    )


@dataclass(frozen=True)
class AmendmentsSince:
    """What moved the figures since an earlier report: the amendments, and the change of the
    attended trainee-hours as of the same date."""

    since: datetime
    amendments: tuple[amendments.Amendment, ...]
    attended_change_minutes: int


def amendments_since(
    cohort: Cohort, since: datetime, until: datetime | None
) -> tuple[amendments.Amendment, ...]:
    """List the amendments to the cohort's roll calls recorded after an instant (up to another)."""
    return tuple(amendments.amendments(cohort.id, since=since, until=until))


@dataclass(frozen=True)
class Course:
    """The course as the certificate and the attestation name it, and who issues them."""

    # The title exactly as in the grant agreement, else the cohort's name.
    title: str
    agreement_number: str
    issuer: organisation_queries.Identity


def course(cohort: Cohort) -> Course:
    """Return the course's title and agreement as the funder's documents write them."""
    return Course(
        title=cohort.title_in_agreement or cohort.name,
        agreement_number=cohort.agreement_number,
        issuer=organisation_queries.current(),
    )


def gather_certificate(cohort: Cohort, trainee: Trainee, as_of: date) -> Source:
    """Read what a trainee's certificate is made from: their hours, dates and status."""
    data = current_data(cohort, as_of)
    _enrolled(data, trainee)
    info = next(t for t in data.trainees if t.id == trainee.id)
    marks = {mark[0]: mark for mark in data.marks if mark[1] == trainee.id}
    attendance = trainee_attendance(info, held_sessions(data.sessions, as_of), marks)
    # Only these figures reach the certificate, so only they decide whether to make it again.
    return Source(
        kind="certificate",
        cohort=heading(cohort),
        as_of=as_of,
        details={
            "person": person(trainee),
            "course": course(cohort),
            "status": trainee_status(info, data.cohort, as_of),
            "scheduled_minutes": attendance.scheduled_minutes,
            "attended_minutes": attendance.attended_minutes,
            # The hours per trainee the cohort was contracted for (`--hours`), by default the
            # modules' total: those the funder's trainee-hours count.
            "planned_minutes": planned_minutes_per_trainee(data.cohort, data.modules),
        },
    )


def cohort_instructors(cohort: Cohort) -> str:
    """Name the cohort's active instructors, by name, comma-separated."""
    accounts = db.session.execute(
        select(User.name, User.email)
        .join(instructor_cohorts, instructor_cohorts.c.user_id == User.id)
        .where(
            instructor_cohorts.c.cohort_id == cohort.id,
            User.role == "instructor",
            User.active.is_(True),
        )
        .order_by(User.name, User.email)
    ).all()
    return ", ".join(name or email for name, email in accounts)


def sheet_issuer(cohort: Cohort) -> SheetIssuer:
    """Say who holds the cohort's course and where: the organisation's identity and the grant
    agreement's title and number. The course is held at the organisation's address."""
    identity = organisation_queries.current()
    return SheetIssuer(
        organisation=identity.legal_name,
        declaration_number=identity.declaration_number,
        declaration_region=identity.declaration_region,
        course_title=cohort.title_in_agreement or cohort.name,
        agreement_number=cohort.agreement_number,
        # The address on one line, as the sheet's heading prints it.
        place=", ".join(line.strip() for line in identity.address.splitlines() if line.strip()),
    )


def _week_sessions(cohort: Cohort, monday: date) -> list[tuple[dict[str, Any], Session, bool]]:
    """Read the half-days of a week with their module, times, hours and instructor: the
    fields of a SheetSession, the session, and whether an account closed it."""
    rows = db.session.execute(
        select(Session, Module.code, Module.title, User.name, User.email)
        .join(Module, Module.id == Session.module_id)
        .outerjoin(User, User.id == Session.closed_by_id)
        .where(Session.cohort_id == cohort.id, Session.date.between(monday, monday + timedelta(6)))
        .order_by(Session.date, Session.slot)
    ).all()
    if not rows:
        raise ReportError(
            f"The cohort {cohort.slug!r} has no session in the week {series.iso_week(monday)}."
        )
    # A session names no instructor of its own: the one who closed its roll call taught it;
    # before that, the cohort's instructors.
    instructors = cohort_instructors(cohort)
    read = []
    for session, code, title, closer_name, closer_email in rows:
        starts_at, ends_at = times.session_times(session, cohort)
        closer = (closer_name or closer_email) if session.closed_by_id else None
        fields = {
            "id": session.id,
            "date": session.date,
            "slot": session.slot,
            "module_code": code,
            "module_title": title,
            "kind": session.kind,
            "starts_at": f"{starts_at:%H:%M}",
            "ends_at": f"{ends_at:%H:%M}",
            "minutes": session.minutes,
            "instructor": closer or instructors,
        }
        read.append((fields, session, closer))
    return read


@dataclass(frozen=True)
class ModuleResult:
    """A module as the end-of-training attestation gives its result."""

    code: str
    title: str
    planned_minutes: int
    grade: float | None
    passed: bool
    failing: bool


@dataclass(frozen=True)
class CompetencyResult:
    """A competency of the certification and whether the trainee acquired it."""

    code: str
    title: str
    acquired: bool


def gather_attestation(cohort: Cohort, trainee: Trainee, as_of: date) -> Source:
    """Read what a trainee's end-of-training attestation is made from: the course's objectives
    (its modules), dates, hours, the modules passed and the competencies acquired by block."""
    data = current_data(cohort, as_of)
    _enrolled(data, trainee)
    info = next(t for t in data.trainees if t.id == trainee.id)
    marks = {mark[0]: mark for mark in data.marks if mark[1] == trainee.id}
    scores = {row[0]: row[2] for row in data.scores if row[1] == trainee.id}
    # The figures of `tracker metrics` for this trainee: passed modules, acquired competencies.
    figures = trainee_figures(info, data, held_sessions(data.sessions, as_of), marks, scores)
    titles = {module.id: module for module in _module_titles(cohort)}
    acquired = set(figures.competencies_acquired)
    return Source(
        kind="attestation",
        cohort=heading(cohort),
        as_of=as_of,
        details={
            "person": person(trainee),
            "course": course(cohort),
            "status": figures.status,
            "scheduled_minutes": figures.attendance.scheduled_minutes,
            "attended_minutes": figures.attendance.attended_minutes,
            "planned_minutes": planned_minutes_per_trainee(data.cohort, data.modules),
            "modules": tuple(
                ModuleResult(
                    code=grade.code,
                    title=titles[grade.module_id].title,
                    planned_minutes=titles[grade.module_id].planned_minutes,
                    grade=grade.grade,
                    passed=grade.passed,
                    failing=grade.failing,
                )
                for grade in figures.modules
                if grade.module_id in titles
            ),
            "blocks": tuple(
                (
                    block,
                    tuple(CompetencyResult(c.code, c.title, c.code in acquired) for c in listed),
                )
                for block, listed in pages.competencies_by_block(cohort).items()
            ),
        },
    )


def gather_sheet(cohort: Cohort, week: str, as_of: date, *, blank: bool) -> Source:
    """Read the sessions of an ISO week, the trainees expected and, unless blank, the roll calls."""
    monday = parse_week(week)
    sessions = tuple(SheetSession(**fields) for fields, _, _ in _week_sessions(cohort, monday))
    expected = week_trainees(cohort, sessions)
    marks: tuple[SheetMark, ...] = ()
    amended: tuple[amendments.Amendment, ...] = ()
    if not blank:
        # After the week, the roll calls of any later date are those of its last session's.
        as_of = min(as_of, sessions[-1].date)
        held = [s.id for s in sessions if s.date <= as_of]
        marks = week_marks(cohort, held)
        # Changes made to the closed roll calls, which the sheet marks and lists.
        amended = tuple(amendments.amendments(cohort.id, session_ids=set(held)))
    return Source(
        kind="sheet",
        cohort=heading(cohort),
        # A blank sheet is the same whatever the date of the figures.
        as_of=monday if blank else as_of,
        details={
            "week": f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}",
            "monday": monday,
            "blank": blank,
            "issuer": sheet_issuer(cohort),
            "sessions": sessions,
            "trainees": expected,
            "marks": marks,
            "amendments": amended,
        },
    )


def gather_signed_sheet(cohort: Cohort, week: str, as_of: date) -> Source:
    """Read a week's signatures, countersignatures, paper sheet and marks, for the signed sheet.

    Only that week's: a signature changed in another week leaves this sheet as it was made.
    """
    monday = parse_week(week)
    sessions = [
        SignedSession(**fields, closed_at=session.closed_at, closed_by=closer)
        for fields, session, closer in _week_sessions(cohort, monday)
    ]
    ids = [s.id for s in sessions]
    as_of = min(as_of, sessions[-1].date)
    held = [s.id for s in sessions if s.date <= as_of]
    signatures = tuple(
        SheetSignature(*row)
        for row in db.session.execute(
            select(
                Signature.session_id,
                Signature.trainee_id,
                Signature.signed_at,
                Signature.strokes,
                Signature.digest,
            )
            .where(Signature.session_id.in_(ids))
            .order_by(Signature.session_id, Signature.trainee_id)
        )
    )
    countersignatures = tuple(
        SheetCountersignature(*row)
        for row in db.session.execute(
            select(
                Countersignature.session_id,
                Countersignature.signer_name,
                Countersignature.signed_at,
                Countersignature.strokes,
                Countersignature.digest,
            )
            .where(Countersignature.session_id.in_(ids))
            .order_by(Countersignature.session_id)
        )
    )
    paper = db.session.execute(
        select(PaperSheet.file_name, PaperSheet.sha256, PaperSheet.uploaded_at).where(
            PaperSheet.cohort_id == cohort.id, PaperSheet.week == monday
        )
    ).first()
    return Source(
        kind="signed_sheet",
        cohort=heading(cohort),
        as_of=as_of,
        details={
            "week": series.iso_week(monday),
            "monday": monday,
            "issuer": sheet_issuer(cohort),
            "sessions": tuple(sessions),
            "trainees": week_trainees(cohort, tuple(sessions)),
            "marks": week_marks(cohort, held),
            "signatures": signatures,
            "countersignatures": countersignatures,
            "paper": None if paper is None else SheetPaper(*paper),
        },
    )


def week_trainees(cohort: Cohort, sessions: tuple[SheetSession, ...]) -> tuple[Person, ...]:
    """List the trainees expected at one of the week's sessions at least, by name."""
    first, last = sessions[0].date, sessions[-1].date
    trainees = db.session.scalars(
        select(Trainee)
        .where(Trainee.cohort_id == cohort.id, *expected_between(first, last))
        .order_by(Trainee.last_name, Trainee.first_name, Trainee.ref)
    ).all()
    return tuple(person(t) for t in trainees if any(expected_on(t, s.date) for s in sessions))


def week_marks(cohort: Cohort, session_ids: list[int]) -> tuple[SheetMark, ...]:
    """Read the roll calls' marks of the cohort's trainees at some sessions."""
    return tuple(
        SheetMark(*row)
        for row in db.session.execute(
            select(
                AttendanceRecord.session_id,
                AttendanceRecord.trainee_id,
                AttendanceRecord.status,
                AttendanceRecord.minutes_missed,
            )
            .join(Trainee, and_(Trainee.id == AttendanceRecord.trainee_id))
            .where(AttendanceRecord.session_id.in_(session_ids), Trainee.cohort_id == cohort.id)
            .order_by(AttendanceRecord.session_id, AttendanceRecord.trainee_id)
        )
    )


def last_held_week(cohort: Cohort, as_of: date) -> str | None:
    """Name the ISO week of the cohort's last session held by D, if any."""
    last = db.session.scalar(
        select(Session.date)
        .where(Session.cohort_id == cohort.id, Session.date <= as_of)
        .order_by(Session.date.desc())
        .limit(1)
    )
    return None if last is None else series.iso_week(last)


# ---------------------------------------------------------------------------------------------
# Contexts: the figures a template shows


def _chart(
    kind: str, language: str, payload: Any, draw: Callable[[Any, str], Chart], of: tuple
) -> Chart:
    folder = current_app.config["CHART_CACHE_FOLDER"]
    return cached_chart(kind, language, payload, draw, folder, of)


@dataclass(frozen=True)
class MonthLine:
    """Hours of one calendar month: scheduled = attended + excused + unjustified + unrecorded."""

    month: date
    minutes: series.AttendanceMinutes


def _months(data: CohortData, trainees=None) -> list[MonthLine]:
    if trainees is None:
        tally = series.cohort_monthly_attendance(data)
    else:
        tally = series.tally_attendance(
            data, lambda trainee, session: series.month_of(session.date), trainees
        )
    return [MonthLine(month, minutes) for month, minutes in sorted(tally.items())]


def _figures_of(figures: CohortFigures, trainee_id: int) -> TraineeFigures:
    return next(t for t in figures.trainees if t.id == trainee_id)


def trainee_context(source: Source, language: str) -> dict[str, Any]:
    """Compute a trainee's figures, monthly attendance, grades and charts."""
    data, who = source.data, source.details["person"]
    figures = cohort_figures(data)
    mine = _figures_of(figures, who.id)
    info = next(t for t in data.trainees if t.id == who.id)
    grades = {grade.module_id: grade for grade in mine.modules}
    modules = source.details["modules"]
    acquired = set(mine.competencies_acquired)
    total_competencies = sum(len(codes) for _, codes in source.details["blocks"])
    left = mine.status == "withdrawn"
    return {
        "person": who,
        "figures": mine,
        "left": left,
        # The points of attention are those of a trainee still followed.
        "reasons": [] if left else pages.risk_reasons(mine, source.cohort.attendance_threshold),
        # A module neither passed nor failing is no longer in progress once the trainee has
        # left or the course is over.
        "unfinished_is_incomplete": left or course_over(source),
        "months": _months(data, [info]),
        "pending": source.details.get("pending"),
        "modules": modules,
        "grades": grades,
        "blocks": source.details["blocks"],
        "acquired": acquired,
        "total_competencies": total_competencies,
        "attendance_chart": _chart(
            "trainee_attendance",
            language,
            series.trainee_monthly_attendance(data, who.id),
            trainee_attendance_chart,
            (data.cohort.slug, data.as_of, who.id),
        ),
        # The cohort's median grade per module, in the results' table: on paper, a column of
        # exact figures serves better than the page's bar chart, which would repeat the table.
        # Only of groups large enough not to give a classmate's grade away (SMALLEST_GROUP).
        "smallest_group": series.SMALLEST_GROUP,
        "medians": {
            point.module_id: point.cohort_median
            for point in series.trainee_module_grades(data, who.id)
        },
    }


@dataclass(frozen=True)
class ModuleCounts:
    """How the enrolled trainees stand in one module."""

    module: ModuleTitle
    passed: int
    failing: int
    # Neither passed nor failing: in progress while the course runs, incomplete at its end.
    unfinished: int
    median: float | None


def course_over(source: Source) -> bool:
    """Say whether the report's date is on or after the cohort's last day: a module still
    without all its results is then incomplete, no longer in progress."""
    return source.as_of >= source.cohort.ends_on


def cohort_context(source: Source, language: str) -> dict[str, Any]:
    """Compute every trainee's attendance, progress and risks, and the modules' pass counts."""
    data = source.data
    figures = cohort_figures(data)
    counts = []
    for index, module in enumerate(source.details["modules"]):
        grades = [t.modules[index] for t in figures.trainees]
        known = [g.grade for g in grades if g.grade is not None]
        passed = sum(1 for g in grades if g.passed)
        failing = sum(1 for g in grades if g.failing)
        counts.append(
            ModuleCounts(
                module=module,
                passed=passed,
                failing=failing,
                unfinished=len(grades) - passed - failing,
                median=statistics.median(known) if known else None,
            )
        )
    threshold = source.cohort.attendance_threshold
    return {
        "figures": figures,
        "reasons": {t.id: pages.risk_reasons(t, threshold) for t in figures.trainees},
        "at_risk": [t for t in figures.trainees if t.at_risk and t.status == "active"],
        "module_counts": counts,
        "module_total": len(source.details["modules"]),
        "course_over": course_over(source),
        "weekly_chart": _chart(
            "weekly_attendance",
            language,
            series.weekly_attendance(data),
            weekly_attendance_chart,
            (data.cohort.slug, data.as_of),
        ),
        "heatmap_chart": _chart(
            "attendance_heatmap",
            language,
            series.attendance_heatmap(data),
            attendance_heatmap_chart,
            (data.cohort.slug, data.as_of),
        ),
    }


def funding_context(source: Source, language: str) -> dict[str, Any]:
    """Compute the funder's figures: hours, attendance, withdrawals and budget; no result."""
    data = source.data
    figures = cohort_figures(data)
    budget = figures.budget
    planned_total = sum((line.planned for line in budget.lines), Decimal(0))
    # The unjustified hours as the monthly table and the monthly statements count them.
    per_trainee = series.tally_attendance(data, lambda trainee, _session: trainee.id)
    return {
        "figures": figures,
        "budget": budget,
        "warning": overspending(budget),
        "unjustified_minutes": {
            trainee_id: minutes.unjustified for trainee_id, minutes in per_trainee.items()
        },
        "planned_total": planned_total,
        "planned_consumption": ratio(int(budget.spent * 100), int(planned_total * 100)),
        "months": _months(data),
        "pending": source.details.get("pending"),
        "withdrawals": source.details["withdrawals"],
        "weekly_chart": _chart(
            "weekly_attendance",
            language,
            series.weekly_attendance(data),
            weekly_attendance_chart,
            (data.cohort.slug, data.as_of),
        ),
        "burn_up_chart": _chart(
            "budget_burn_up",
            language,
            series.budget_burn_up(data),
            budget_burn_up_chart,
            (data.cohort.slug, data.as_of),
        ),
    }


@dataclass(frozen=True)
class SheetDay:
    """A day of the sheet's week with its two half-days (None where no session is held)."""

    day: date
    slots: tuple[SheetSession | None, ...]


def week_days(monday: date, sessions: tuple[SheetSession, ...]) -> list[SheetDay]:
    """Lay a week out as days and half-days: Monday to Friday, the weekend when it has a session."""
    by_slot = {(s.date, s.slot): s for s in sessions}
    days = [
        monday + timedelta(days=offset)
        for offset in range(7)
        if offset < 5 or any(s.date == monday + timedelta(days=offset) for s in sessions)
    ]
    return [SheetDay(day, tuple(by_slot.get((day, slot)) for slot in SLOTS)) for day in days]


def sheet_context(source: Source, language: str) -> dict[str, Any]:
    """Lay the week out as days and half-days, with each trainee's mark at each session."""
    details = source.details
    sessions = details["sessions"]
    week = week_days(details["monday"], sessions)
    marks = {(m.session_id, m.trainee_id): m for m in details["marks"]}
    return {
        "week": week,
        "columns": [slot for day in week for slot in day.slots],
        "trainees": details["trainees"],
        "marks": marks,
        "blank": details["blank"],
        "issuer": details["issuer"],
        "week_name": details["week"],
        "expected": expected_on,
        "modules": sorted({(s.module_code, s.module_title) for s in sessions}),
        "amendments": details.get("amendments", ()),
        "amended": {(a.session_id, a.trainee_id) for a in details.get("amendments", ())},
    }


@dataclass(frozen=True)
class SignedCell:
    """What the signed sheet shows for one trainee at one half-day.

    kind: none (no session), not_expected, to_come (not held yet), signed, paper, absent,
    excused or not_signed; a signature's drawing and time when signed; a note on what the roll
    call says beside it (late, left early, or what disagrees with the signature).
    """

    kind: str
    label: str = ""
    drawing: Markup | None = None
    time: str = ""
    note: str = ""
    # The note says what the roll call and the signature disagree on (rules.disagreement).
    flagged: bool = False


@dataclass(frozen=True)
class CountersignedCell:
    """How a half-day's roll call was closed: countersigned, closed automatically or by an
    account without a drawing, not closed, or not held yet (or no session: none)."""

    kind: str
    label: str = ""
    drawing: Markup | None = None
    name: str = ""
    time: str = ""


# A signature is drawn 300 by 100 units in a box 17 mm wide: a unit is 0.06 mm on paper, half
# the width of its line.
DRAWING_WIDTH, DRAWING_HEIGHT = 300, 100
# Points within a unit of the line through their neighbours do not show on paper.
PRINTED_DETAIL = 1.0


def printed_strokes(strokes: str) -> signature_strokes.Strokes:
    """Keep the points of a drawing that show at the printed size, by matplotlib's own path
    simplification: WeasyPrint spends some 30 µs on each point of an SVG path, and a sheet
    holds hundreds of signatures of hundreds of points. The proof file keeps every point."""
    # Imported here: the `tracker` command imports this module, and matplotlib would add half
    # a second to each of its commands.
    from matplotlib.path import Path

    printed = []
    for stroke in json.loads(strokes):
        if len(stroke) < 3:
            printed.append(stroke)
            continue
        path = Path([(x * DRAWING_WIDTH, y * DRAWING_HEIGHT) for x, y, _t in stroke])
        path.simplify_threshold = PRINTED_DETAIL
        cleaned = path.cleaned(simplify=True)
        vertices = cleaned.vertices[cleaned.codes != Path.STOP]
        printed.append([[x / DRAWING_WIDTH, y / DRAWING_HEIGHT, 0] for x, y in vertices.tolist()])
    return printed


# As `tracker.signing.strokes.svg` draws a signature, from strokes already read; no <title>:
# the image's text alternative says whose it is.
DRAWING = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
    'height="{height}"><path d="{path}" fill="none" stroke="#12306b" stroke-width="2" '
    'stroke-linecap="round" stroke-linejoin="round"/></svg>'
)


def drawn_signature(strokes: str, label: str) -> Markup:
    """Place a drawn signature as an SVG image described by whose it is."""
    path = signature_strokes.svg_path(printed_strokes(strokes), DRAWING_WIDTH, DRAWING_HEIGHT)
    image = DRAWING.format(width=DRAWING_WIDTH, height=DRAWING_HEIGHT, path=path)
    source = "data:image/svg+xml;base64," + base64.b64encode(image.encode()).decode()
    return Markup('<img class="drawn" src="{}" alt="{}">').format(source, label)


def paris_time(instant: datetime) -> str:
    """Show the time of an instant where the course is held: 09:04."""
    return f"{instant.astimezone(COURSE_TIME_ZONE):%H:%M}"


def signed_cell(
    who: Person,
    session: SignedSession | None,
    mark: SheetMark | None,
    signature: SheetSignature | None,
    on_paper: bool,
    as_of: date,
) -> SignedCell:
    """Say what the signed sheet shows for a trainee at a half-day."""
    if session is None:
        return SignedCell("none")
    if not expected_on(who, session.date):
        return SignedCell("not_expected", _("not expected"))
    status = None if mark is None else mark.status
    labels = pages.ATTENDANCE_LABELS
    if signature is not None:
        note = ""
        if status in PARTLY_ATTENDED:
            note = _(
                "%(status)s, %(minutes)s min missed",
                status=labels[status],
                minutes=mark.minutes_missed,
            )
        flagged = disagreement(status, signed=True, on_paper=False) == SIGNED_BUT_ABSENT
        if flagged:
            note = _("marked: %(status)s", status=labels[status])
        return SignedCell(
            "signed",
            drawing=drawn_signature(signature.strokes, _("Signature of %(name)s", name=who.name)),
            time=paris_time(signature.signed_at),
            note=note,
            flagged=flagged,
        )
    if status in ("absent", "excused"):
        return SignedCell(status, str(labels[status]))
    if on_paper:
        return SignedCell("paper", _("signed on paper"))
    if session.date > as_of:
        return SignedCell("to_come")
    if disagreement(status, signed=False, on_paper=False) == PRESENT_WITHOUT_SIGNATURE:
        return SignedCell(
            "not_signed",
            _("not signed"),
            note=_("marked: %(status)s", status=labels[status]),
            flagged=True,
        )
    return SignedCell("not_signed", _("not signed"))


def countersigned_cell(
    session: SignedSession | None,
    countersignature: SheetCountersignature | None,
    as_of: date,
) -> CountersignedCell:
    """Say how the signed sheet shows a half-day's closing."""
    if session is None:
        return CountersignedCell("none")
    if session.closed_at is None:
        if session.date > as_of:
            return CountersignedCell("to_come")
        return CountersignedCell("not_closed", _("not closed"))
    if session.closed_by is None:
        return CountersignedCell(
            "automatic", _("closed automatically"), time=i18n.moment(session.closed_at)
        )
    if countersignature is None:
        # Closed by its instructor before the countersignatures were drawn.
        return CountersignedCell(
            "closed", _("closed"), name=session.closed_by, time=i18n.moment(session.closed_at)
        )
    return CountersignedCell(
        "countersigned",
        drawing=drawn_signature(
            countersignature.strokes,
            _("Countersignature of %(name)s", name=countersignature.signer_name),
        ),
        name=countersignature.signer_name,
        time=i18n.moment(countersignature.signed_at),
    )


def signed_sheet_context(source: Source, language: str) -> dict[str, Any]:
    """Lay the week out with each trainee's signature (or why there is none) at each half-day,
    and the instructor's countersignature of each."""
    details = source.details
    sessions = details["sessions"]
    week = week_days(details["monday"], sessions)
    columns = [slot for day in week for slot in day.slots]
    marks = {(m.session_id, m.trainee_id): m for m in details["marks"]}
    signatures = {(s.session_id, s.trainee_id): s for s in details["signatures"]}
    countersignatures = {c.session_id: c for c in details["countersignatures"]}
    on_paper = details["paper"] is not None
    rows = [
        (
            who,
            [
                signed_cell(
                    who,
                    session,
                    None if session is None else marks.get((session.id, who.id)),
                    None if session is None else signatures.get((session.id, who.id)),
                    on_paper,
                    source.as_of,
                )
                for session in columns
            ],
        )
        for who in details["trainees"]
    ]
    return {
        "week": week,
        "columns": columns,
        "rows": rows,
        "closings": [
            countersigned_cell(
                session,
                None if session is None else countersignatures.get(session.id),
                source.as_of,
            )
            for session in columns
        ],
        "paper": details["paper"],
        "issuer": details["issuer"],
        "signature_count": len(details["signatures"]),
        "modules": sorted({(s.module_code, s.module_title) for s in sessions}),
    }


def followed_dates(source: Source) -> tuple[date, date]:
    """Return the first and last day of the course a trainee followed: from their enrolment
    (or the course's start) to its end, the day they left, or the date of the figures."""
    who: Person = source.details["person"]
    cohort = source.cohort
    starts_on = max(who.enrolled_on, cohort.starts_on)
    if source.details["status"] == "withdrawn":
        return starts_on, who.left_on
    if source.details["status"] == "completed":
        return starts_on, cohort.ends_on
    return starts_on, source.as_of


def that(name: str) -> Markup:
    """Put "that" before a name in bold, in the page's language: qu’**Ada** or que **Bernard**;
    that **Ada**."""
    if i18n.current_language() != "fr":
        return Markup("that <strong>{}</strong>").format(name)
    return Markup("{}<strong>{}</strong>").format("qu’" if i18n.elides(name) else "que ", name)


def logo_image(issuer: organisation_queries.Identity) -> str | None:
    """Return the organisation's logo as a data: URL for a report, or None without one."""
    path = issuer.logo_path
    if path is None or not path.is_file() or not issuer.logo_content_type:
        return None
    return f"data:{issuer.logo_content_type};base64," + base64.b64encode(path.read_bytes()).decode()


def issued_context(source: Source) -> dict[str, Any]:
    """Return what the certificate and the attestation share: the trainee, the course, its
    dates and hours, the issuer and its logo."""
    details = source.details
    who: Person = details["person"]
    starts_on, ends_on = followed_dates(source)
    return {
        "person": who,
        "full_name": f"{who.first_name} {who.last_name.upper()}",
        "that_trainee": that(f"{who.first_name} {who.last_name.upper()}"),
        "status": details["status"],
        "course": details["course"],
        "issuer": details["course"].issuer,
        "logo": logo_image(details["course"].issuer),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "scheduled_minutes": details["scheduled_minutes"],
        "attended_minutes": details["attended_minutes"],
        "planned_minutes": details["planned_minutes"],
        "attendance_rate": ratio(details["attended_minutes"], details["scheduled_minutes"]),
        # "for a duration of 3.50 hours": the hours attended, as the table gives them.
        "realised_hours": i18n.number(details["attended_minutes"] / 60),
        "strong": strong,
    }


def strong(text: str) -> Markup:
    """Set a text in bold within a sentence of the catalog (escaped)."""
    return Markup("<strong>{}</strong>").format(text)


def certificate_context(source: Source, language: str) -> dict[str, Any]:
    """Say who followed which course, when, and for how many hours (the Ministry's model)."""
    return issued_context(source)


def attestation_context(source: Source, language: str) -> dict[str, Any]:
    """Say what the course aimed at, when and how long the trainee followed it, and the results
    of the assessment: the modules passed and the competencies acquired, block by block."""
    modules = source.details["modules"]
    blocks = source.details["blocks"]
    return issued_context(source) | {
        "modules": modules,
        "blocks": blocks,
        "passed_count": sum(1 for module in modules if module.passed),
        "acquired_count": sum(1 for _, listed in blocks for c in listed if c.acquired),
        "competency_count": sum(len(listed) for _, listed in blocks),
        # A module neither passed nor failing has no final result at the course's end.
        "unfinished_is_incomplete": source.details["status"] != "active",
    }


CONTEXTS: dict[str, Callable[[Source, str], dict[str, Any]]] = {
    "trainee": trainee_context,
    "cohort": cohort_context,
    "funding": funding_context,
    "sheet": sheet_context,
    "signed_sheet": signed_sheet_context,
    "certificate": certificate_context,
    "attestation": attestation_context,
}
