"""The timetable and the roll calls: what the pages read, and the changes they make.

Changes flush and never commit. Each reads the database in a fixed number of set-based queries,
whatever the number of trainees.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from tracker import timeutil
from tracker.attendance import rules, times
from tracker.attendance.models import SLOTS, AttendanceRecord, Session
from tracker.auth.models import User
from tracker.batch import Row, write_rows
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.cohorts.queries import expected_at, not_expected
from tracker.cohorts.rules import is_expected
from tracker.extensions import db

PARTLY_ATTENDED = rules.PARTLY_ATTENDED


class StalePage(Exception):
    """Someone else saved the same page since it was drawn: nothing was written."""


class AttendanceError(ValueError):
    """A change to the timetable or a roll call that the rules refuse.

    The message is for people, in their language; `field` names the field of the form it is
    about, when it is about one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


def expected_trainees(cohort: Cohort, day: date) -> list[Trainee]:
    """Load the trainees of the cohort expected on a day, ordered by reference."""
    return list(
        db.session.scalars(
            select(Trainee)
            .where(Trainee.cohort_id == cohort.id, *expected_at(day))
            .order_by(Trainee.ref)
        )
    )


# ---------------------------------------------------------------------------------------------
# The timetable


@dataclass(frozen=True)
class TimetableLine:
    """One session of the week, with the state of its roll call."""

    id: int
    date: date
    slot: str
    minutes: int
    kind: str
    module_code: str
    module_title: str
    expected: int
    recorded: int
    # When it starts and ends: its own times, or the cohort's for its slot.
    starts_at: time
    ends_at: time


def week_timetable(cohort: Cohort, monday: date) -> list[TimetableLine]:
    """Load the sessions of the week starting on a Monday, with how many marks each holds."""
    sunday = monday + timedelta(days=6)
    sessions = db.session.execute(
        select(
            Session.id,
            Session.date,
            Session.slot,
            Session.minutes,
            Session.kind,
            Module.code,
            Module.title,
            Session.starts_at,
            Session.ends_at,
        )
        .join(Module, Module.id == Session.module_id)
        .where(Session.cohort_id == cohort.id, Session.date.between(monday, sunday))
        .order_by(Session.date, Session.slot)
    ).all()
    if not sessions:
        return []
    enrolment = db.session.execute(
        select(Trainee.enrolled_on, Trainee.left_on).where(Trainee.cohort_id == cohort.id)
    ).all()
    # Marks of trainees who are not expected that day are ignored, as in the figures.
    recorded = dict(
        db.session.execute(
            select(AttendanceRecord.session_id, func.count())
            .join(Session, Session.id == AttendanceRecord.session_id)
            .join(Trainee, Trainee.id == AttendanceRecord.trainee_id)
            .where(
                Session.cohort_id == cohort.id,
                Session.date.between(monday, sunday),
                *expected_at(Session.date),
            )
            .group_by(AttendanceRecord.session_id)
        ).all()
    )
    return [
        TimetableLine(
            id=id_,
            date=day,
            slot=slot,
            minutes=minutes,
            kind=kind,
            module_code=code,
            module_title=title,
            expected=sum(
                1 for enrolled_on, left_on in enrolment if is_expected(day, enrolled_on, left_on)
            ),
            recorded=recorded.get(id_, 0),
            starts_at=starts_at or times.cohort_times(cohort, slot)[0],
            ends_at=ends_at or times.cohort_times(cohort, slot)[1],
        )
        for id_, day, slot, minutes, kind, code, title, starts_at, ends_at in sessions
    ]


# ---------------------------------------------------------------------------------------------
# The roll call


@dataclass(frozen=True)
class Mark:
    """What the roll call records for one trainee."""

    status: str = "present"
    minutes_missed: int = 0
    note: str | None = None


@dataclass(frozen=True)
class RecordedMark:
    """A mark as stored, with who recorded it and when."""

    mark: Mark
    recorded_at: datetime
    recorded_by: str | None


def roll_call_marks(session: Session) -> dict[int, RecordedMark]:
    """Load the marks of a session by trainee id, with the name of who recorded each."""
    rows = db.session.execute(
        select(
            AttendanceRecord.trainee_id,
            AttendanceRecord.status,
            AttendanceRecord.minutes_missed,
            AttendanceRecord.note,
            AttendanceRecord.recorded_at,
            User.name,
            User.email,
        )
        .outerjoin(User, User.id == AttendanceRecord.recorded_by_id)
        .where(AttendanceRecord.session_id == session.id)
    ).all()
    return {
        trainee_id: RecordedMark(
            Mark(status, minutes_missed, note), recorded_at, (name or email) if email else None
        )
        for trainee_id, status, minutes_missed, note, recorded_at, name, email in rows
    }


def check_mark(mark: Mark, session_minutes: int, started: bool = True) -> None:
    """Refuse a mark that breaks the rules of a roll call (rules.mark_problems)."""
    problems = rules.mark_problems(
        mark.status,
        mark.minutes_missed,
        mark.note,
        session_minutes=session_minutes,
        started=started,
    )
    if problems:
        raise AttendanceError(problems[0].message, problems[0].field)


def claim_version(model, row_id: int, column, seen_version: int) -> int:
    """Raise a row's version if it is still the one a page was drawn from, else refuse.

    The check and the raise are one UPDATE, so that of two saves from the same version only one
    can succeed, whichever the database (PostgreSQL makes the second wait on the row's lock).
    """
    claimed = db.session.execute(
        update(model)
        .where(model.id == row_id, column == seen_version)
        .values({column: column + 1})
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise StalePage()
    return seen_version + 1


def check_version(model, row_id: int, column, seen_version: int) -> None:
    """Refuse, writing nothing, when a row's version is no longer the one a page was drawn from:
    for a save that changes nothing, and so claims nothing."""
    if db.session.scalar(select(column).where(model.id == row_id)) != seen_version:
        raise StalePage()


def record_roll_call(
    session: Session,
    marks: Mapping[int, Mark | None],
    recorded_by: User | None,
    seen_version: int,
    now: datetime | None = None,
) -> int:
    """Record the roll call of one session (trainee id -> mark); return how many marks changed.

    Refuses with StalePage, writing nothing, when the roll call was saved since `seen_version`.
    Marks that do not change keep who recorded them and when; a save that changes no mark writes
    nothing, not even the roll call's version, so that pages, figures and reports drawn from the
    roll call stay as they are (as an import that changes nothing). Before the half-day starts (at
    `now`, by default the present instant) only excused absences can be recorded, and None stands
    for a trainee with no mark: an absence announced for them is withdrawn.
    """
    now = now or timeutil.utc_now()
    started = now >= times.starts(session)
    for mark in marks.values():
        if mark is not None:
            check_mark(mark, session.minutes, started)
        elif started:
            raise AttendanceError(
                _("The half-day has started: every expected trainee needs a mark."), "status"
            )
    if not_expected(session.cohort_id, marks, session.date):
        raise AttendanceError(
            _(
                "Some trainees of the page are no longer expected at this half-day: "
                "open the roll call again."
            )
        )
    stored = {
        trainee_id: (id_, Mark(status, minutes_missed, note))
        for id_, trainee_id, status, minutes_missed, note in db.session.execute(
            select(
                AttendanceRecord.id,
                AttendanceRecord.trainee_id,
                AttendanceRecord.status,
                AttendanceRecord.minutes_missed,
                AttendanceRecord.note,
            ).where(AttendanceRecord.session_id == session.id)
        )
    }
    recorded_by_id = recorded_by.id if recorded_by is not None else None
    new, changed, withdrawn = [], [], []
    for trainee_id, mark in marks.items():
        if mark is None:
            if trainee_id in stored:
                withdrawn.append(stored[trainee_id][0])
            continue
        mark = Mark(mark.status, mark.minutes_missed, (mark.note or "").strip() or None)
        values = {
            "status": mark.status,
            "minutes_missed": mark.minutes_missed,
            "note": mark.note,
            "recorded_by_id": recorded_by_id,
            "recorded_at": now,
        }
        if trainee_id not in stored:
            new.append({"session_id": session.id, "trainee_id": trainee_id, **values})
        elif stored[trainee_id][1] != mark:
            changed.append({"id": stored[trainee_id][0], **values})
    if not (new or changed or withdrawn):
        check_version(Session, session.id, Session.roll_call_version, seen_version)
        return 0
    # Claimed after the marks were read: a save that came in between has raised the version, and
    # the claim refuses this one.
    version = claim_version(Session, session.id, Session.roll_call_version, seen_version)
    set_committed_value(session, "roll_call_version", version)
    if new:
        db.session.execute(insert(AttendanceRecord), new)
    if changed:
        db.session.execute(update(AttendanceRecord), changed)
    if withdrawn:
        db.session.execute(
            delete(AttendanceRecord)
            .where(AttendanceRecord.id.in_(withdrawn))
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    return len(new) + len(changed) + len(withdrawn)


def record_mark(
    session: Session,
    trainee_id: int,
    mark: Mark,
    recorded_by: User | None,
    *,
    replacing: Sequence[str] = (),
    now: datetime | None = None,
) -> bool:
    """Record one trainee's mark, unless they have one already that it may not replace; return
    whether it wrote.

    For a mark that comes from elsewhere than the roll call page, such as a trainee's signature:
    it leaves alone a mark the instructor set, unless its status is one of `replacing`. When it
    writes, it raises the roll call's version, so that a page drawn before is told of the change
    when it is saved (StalePage), as by another person's save. It locks the session's row before
    reading the mark, as a save does, so that a save at the same instant either comes first and
    is seen here, or comes after and is told. Unlike the page, it may record a presence before
    the half-day starts: a trainee who signs in the room is there.
    """
    now = now or timeutil.utc_now()
    check_mark(mark, session.minutes)
    if not_expected(session.cohort_id, [trainee_id], session.date):
        raise AttendanceError(_("This trainee is not expected at this half-day."))
    db.session.execute(select(Session.id).where(Session.id == session.id).with_for_update())
    stored = db.session.execute(
        select(AttendanceRecord.id, AttendanceRecord.status).where(
            AttendanceRecord.session_id == session.id, AttendanceRecord.trainee_id == trainee_id
        )
    ).first()
    if stored is not None and stored.status not in replacing:
        return False
    values = {
        "status": mark.status,
        "minutes_missed": mark.minutes_missed,
        "note": (mark.note or "").strip() or None,
        "recorded_by_id": recorded_by.id if recorded_by is not None else None,
        "recorded_at": now,
    }
    if stored is None:
        new = {"session_id": session.id, "trainee_id": trainee_id, **values}
        db.session.execute(insert(AttendanceRecord), [new])
    else:
        db.session.execute(update(AttendanceRecord), [{"id": stored.id, **values}])
    db.session.execute(
        update(Session)
        .where(Session.id == session.id)
        .values(roll_call_version=Session.roll_call_version + 1)
        .execution_options(synchronize_session=False)
    )
    # Read again from the database if asked: another save may have raised it meanwhile.
    db.session.expire(session, ["roll_call_version"])
    db.session.flush()
    return True


# ---------------------------------------------------------------------------------------------
# The timetable's administration


def session_taken(cohort: Cohort, day: date, slot: str, but: Session | None = None) -> bool:
    """Tell whether the cohort already has a session on that half-day."""
    query: Select = select(Session.id).where(
        Session.cohort_id == cohort.id, Session.date == day, Session.slot == slot
    )
    if but is not None:
        query = query.where(Session.id != but.id)
    return db.session.scalar(query) is not None


def check_session(
    cohort: Cohort,
    module: Module,
    day: date,
    slot: str,
    minutes: int,
    kind: str,
    starts_at: time | None = None,
    ends_at: time | None = None,
):
    """Refuse a session that does not fit the cohort."""
    if module.cohort_id != cohort.id:
        raise AttendanceError(_("Choose a module of this cohort."), "module")
    problems = rules.session_problems(cohort, day, slot, minutes, kind, starts_at, ends_at)
    if problems:
        raise AttendanceError(problems[0].message, problems[0].field)


def add_session(
    cohort: Cohort,
    *,
    module: Module,
    day: date,
    slot: str,
    minutes: int,
    kind: str,
    starts_at: time | None = None,
    ends_at: time | None = None,
) -> Session:
    """Add one half-day to the cohort's timetable, on the cohort's times unless given its own."""
    check_session(cohort, module, day, slot, minutes, kind, starts_at, ends_at)
    if session_taken(cohort, day, slot):
        raise AttendanceError(_("This half-day already has a session."), "slot")
    session = Session(
        cohort_id=cohort.id,
        module_id=module.id,
        date=day,
        slot=slot,
        minutes=minutes,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    db.session.add(session)
    db.session.flush()
    return session


def roll_call_size(session: Session) -> int:
    """Count the marks recorded at a session."""
    return db.session.scalar(
        select(func.count(AttendanceRecord.id)).where(AttendanceRecord.session_id == session.id)
    )


def moving_problems(
    session: Session,
    day: date,
    slot: str,
    *,
    now: datetime,
    language: str = "fr",
    starts_at: time | None = None,
) -> list[str]:
    """Return why a session's marks cannot move with it to another half-day; empty when they can.

    Marks move with their session. They may not move to a French public holiday, nor to a
    half-day that has not started unless they are all absences announced in advance (the rules of
    a roll call, rules.mark_problems), nor to a day when the trainees marked are not expected.
    The half-day moved to starts at `starts_at`, or the cohort's time for its slot.
    """
    if (day, slot) == (session.date, session.slot):
        return []
    marks = db.session.execute(
        select(
            AttendanceRecord.status,
            AttendanceRecord.minutes_missed,
            AttendanceRecord.note,
            Trainee.enrolled_on,
            Trainee.left_on,
        )
        .join(Trainee, Trainee.id == AttendanceRecord.trainee_id)
        .where(AttendanceRecord.session_id == session.id)
    ).all()
    if not marks:
        return []
    problems = []
    holiday = rules.public_holidays(day, day, language).get(day)
    if holiday is not None:
        problems.append(
            ngettext(
                "%(day)s is a public holiday (%(holiday)s): the %(num)d mark of this roll call "
                "cannot move to it.",
                "%(day)s is a public holiday (%(holiday)s): the %(num)d marks of this roll call "
                "cannot move to it.",
                len(marks),
                day=day.strftime("%d/%m/%Y"),
                holiday=holiday,
            )
        )
    start = starts_at or (times.cohort_times(session.cohort, slot)[0] if slot in SLOTS else None)
    if slot in SLOTS and not rules.has_started(day, slot, now, start):
        announced = rules.half_day_start(day, slot, start)
        early = sum(
            1
            for status, minutes_missed, note, *_enrolment in marks
            if rules.mark_problems(
                status, minutes_missed, note, session_minutes=session.minutes, started=False
            )
        )
        if early:
            problems.append(
                ngettext(
                    "That half-day starts on %(start)s: %(num)d mark of this roll call is not an "
                    "absence announced in advance and cannot move to it.",
                    "That half-day starts on %(start)s: %(num)d marks of this roll call are not "
                    "absences announced in advance and cannot move to it.",
                    early,
                    start=announced.strftime("%d/%m/%Y %H:%M"),
                )
            )
    unexpected = sum(
        1 for *_mark, enrolled_on, left_on in marks if not is_expected(day, enrolled_on, left_on)
    )
    if unexpected:
        problems.append(
            ngettext(
                "%(num)d trainee marked at this session is not expected on %(day)s.",
                "%(num)d trainees marked at this session are not expected on %(day)s.",
                unexpected,
                day=day.strftime("%d/%m/%Y"),
            )
        )
    return problems


def change_session(
    session: Session,
    *,
    module: Module,
    day: date,
    slot: str,
    minutes: int,
    kind: str,
    starts_at: time | None = None,
    ends_at: time | None = None,
    now: datetime | None = None,
    language: str = "fr",
) -> Session:
    """Change a half-day of the timetable; its marks move with it where the rules allow.

    Its times become those given: None for the cohort's time of its slot.
    """
    cohort = session.cohort
    check_session(cohort, module, day, slot, minutes, kind, starts_at, ends_at)
    moving = moving_problems(
        session, day, slot, now=now or timeutil.utc_now(), language=language, starts_at=starts_at
    )
    if moving:
        raise AttendanceError(moving[0], "date")
    if session_taken(cohort, day, slot, but=session):
        raise AttendanceError(_("This half-day already has a session."), "slot")
    problems = rules.missed_problems(minutes, most_minutes_missed(session))
    if problems:
        raise AttendanceError(problems[0].message, problems[0].field)
    session.module_id = module.id
    session.date, session.slot, session.minutes, session.kind = day, slot, minutes, kind
    session.starts_at, session.ends_at = starts_at, ends_at
    db.session.flush()
    return session


def most_minutes_missed(session: Session) -> int | None:
    """Return the most minutes a trainee missed of a session, None when nothing is recorded."""
    return db.session.scalar(
        select(func.max(AttendanceRecord.minutes_missed)).where(
            AttendanceRecord.session_id == session.id
        )
    )


def has_roll_call(session: Session) -> bool:
    """Tell whether anything was recorded at a session."""
    return (
        db.session.scalar(
            select(AttendanceRecord.id).where(AttendanceRecord.session_id == session.id).limit(1)
        )
        is not None
    )


def delete_session(session: Session) -> None:
    """Remove a session that holds no roll call; one with marks is refused."""
    if has_roll_call(session):
        raise AttendanceError(
            _(
                "This session cannot be deleted: its roll call holds marks, which the funder's "
                "figures count."
            )
        )
    db.session.delete(session)
    db.session.flush()


@dataclass
class Generated:
    """What generating a timetable did."""

    created: int = 0
    already_there: int = 0  # half-days skipped because they already had a session
    public_holidays: dict[date, str] = field(default_factory=dict)  # weekdays left out


def working_days(
    first: date, last: date, language: str = "fr"
) -> Iterable[tuple[date, str | None]]:
    """Yield each weekday from first to last, with the name of its French public holiday if any."""
    french_holidays = rules.public_holidays(first, last, language)
    day = first
    while day <= last:
        if day.weekday() < 5:
            yield day, french_holidays.get(day)
        day += timedelta(days=1)


def generate_sessions(
    cohort: Cohort,
    *,
    module: Module,
    first: date,
    last: date,
    slots: Iterable[str],
    minutes: int,
    kind: str,
    language: str = "fr",
) -> Generated:
    """Add the half-days from first to last, skipping weekends, French public holidays and taken
    half-days."""
    slots = tuple(slot for slot in SLOTS if slot in set(slots))
    if not slots:
        raise AttendanceError(_("Choose mornings, afternoons or both."), "slots")
    if last < first:
        raise AttendanceError(_("The last day must be on or after the first day."), "last_day")
    check_session(cohort, module, first, slots[0], minutes, kind)
    check_session(cohort, module, last, slots[0], minutes, kind)
    taken = set(
        db.session.execute(
            select(Session.date, Session.slot).where(
                Session.cohort_id == cohort.id, Session.date.between(first, last)
            )
        ).all()
    )
    generated = Generated()
    new = []
    for day, holiday in working_days(first, last, language):
        if holiday is not None:
            generated.public_holidays[day] = holiday
            continue
        for slot in slots:
            if (day, slot) in taken:
                generated.already_there += 1
            else:
                new.append(
                    {
                        "cohort_id": cohort.id,
                        "module_id": module.id,
                        "date": day,
                        "slot": slot,
                        "minutes": minutes,
                        "kind": kind,
                    }
                )
    write_sessions(new, [])
    generated.created = len(new)
    db.session.flush()
    return generated


# ---------------------------------------------------------------------------------------------
# Batches: the importer and the demo write many rows at once, through these alone.


def write_sessions(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many sessions at once (rows of columns; a changed row holds its id)."""
    write_rows(Session, new, changed)


def write_marks(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many roll-call marks at once (rows of columns; a changed row holds its id)."""
    write_rows(AttendanceRecord, new, changed)
