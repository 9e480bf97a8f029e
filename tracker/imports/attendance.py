"""Sessions (the timetable) and attendance (the roll calls) files."""

from collections.abc import Hashable
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from tracker import timeutil
from tracker.attendance import closing, rules, times
from tracker.attendance import operations as attendance_operations
from tracker.attendance.models import SESSION_KINDS, SLOTS, STATUSES, AttendanceRecord, Session
from tracker.audit import capture
from tracker.cohorts.models import Module, Trainee
from tracker.cohorts.rules import not_expected_problems
from tracker.extensions import db
from tracker.hours import hours_to_minutes
from tracker.imports.kinds import Column, Kind, Summary, Values, stored
from tracker.imports.problems import Problem, on_line
from tracker.imports.reading import a_date, a_time, choice, codes, number, text, whole_number

PARTLY_ATTENDED = rules.PARTLY_ATTENDED


class Sessions(Kind):
    name = "sessions"
    model = Session
    columns = (
        Column("date", a_date),
        Column("slot", choice(SLOTS, upper=True)),
        Column("module", codes, refers_to="modules"),
        Column(
            "hours", number(above=Decimal(0), maximum=Decimal(12)), required=False, default="3.5"
        ),
        Column("kind", choice(SESSION_KINDS), required=False, default="classroom"),
        # Empty: the cohort's times for the slot.
        Column("starts_at", a_time, required=False),
        Column("ends_at", a_time, required=False),
    )
    key = ("date", "slot")
    defaults = {
        "minutes": 210,
        "kind": "classroom",
        "starts_at": None,
        "ends_at": None,
        "most_missed": None,
    }
    write_rows = staticmethod(attendance_operations.write_sessions)

    def load(self) -> dict[Hashable, Values]:
        self.modules = dict(
            db.session.execute(
                select(Module.code, Module.id).where(Module.cohort_id == self.cohort.id)
            ).all()
        )
        return stored(
            select(
                Session.id,
                Session.date,
                Session.slot,
                Session.module_id,
                Session.minutes,
                Session.kind,
                Session.starts_at,
                Session.ends_at,
                func.max(AttendanceRecord.minutes_missed).label("most_missed"),
            )
            .outerjoin(AttendanceRecord)
            .where(Session.cohort_id == self.cohort.id)
            .group_by(Session.id),
            ("date", "slot"),
        )

    def check(self, line: int, values: Values) -> list[Problem]:
        key = (values["date"], values["slot"])
        record = {"date": values["date"], "slot": values["slot"], "module_id": values["module"]}
        if "hours" in values:
            record["minutes"] = hours_to_minutes(values["hours"])
        for column in ("kind", "starts_at", "ends_at"):
            if column in values:
                record[column] = values[column]
        now = self.current(key, record)
        problems = rules.session_problems(
            self.cohort,
            values["date"],
            values["slot"],
            now["minutes"],
            now["kind"],
            now["starts_at"],
            now["ends_at"],
        )
        if not any(problem.field == "hours" for problem in problems):
            problems += rules.missed_problems(now["minutes"], now["most_missed"])
        self.records[key] = record
        return on_line(line, problems)


class Attendance(Kind):
    name = "attendance"
    model = AttendanceRecord
    columns = (
        Column("date", a_date),
        Column("slot", choice(SLOTS, upper=True)),
        Column("trainee", codes, refers_to="trainees"),
        Column("status", choice(STATUSES)),
        Column("minutes_missed", whole_number, required=False, default="0"),
        Column("note", text(), required=False),
        # Why the row changes a closed roll call (an amendment); else the import's --reason.
        Column("reason", text(500), required=False),
    )
    key = ("date", "slot", "trainee")
    defaults = {"minutes_missed": 0, "note": None}
    write_rows = staticmethod(attendance_operations.write_marks)

    def load(self) -> dict[Hashable, Values]:
        # One instant for the whole file: which half-days have started (rules.has_started).
        self.now = timeutil.utc_now()
        # Which roll calls are closed, as of now: their changes are amendments with a reason.
        closing.close_overdue(self.cohort, self.now)
        # The rows' own reasons, by the record's key in the trail (session id, trainee id).
        self.reasons: dict[tuple[int, int], str] = {}
        self.sessions = stored(
            select(
                Session.id,
                Session.date,
                Session.slot,
                Session.minutes,
                Session.starts_at,
                Session.closed_at,
            ).where(Session.cohort_id == self.cohort.id),
            ("date", "slot"),
        )
        self.trainees = stored(
            select(Trainee.id, Trainee.ref, Trainee.enrolled_on, Trainee.left_on).where(
                Trainee.cohort_id == self.cohort.id
            ),
            "ref",
        )
        return stored(
            select(
                AttendanceRecord.id,
                AttendanceRecord.session_id,
                AttendanceRecord.trainee_id,
                AttendanceRecord.status,
                AttendanceRecord.minutes_missed,
                AttendanceRecord.note,
            )
            .join(Session)
            .where(Session.cohort_id == self.cohort.id),
            ("session_id", "trainee_id"),
        )

    def check(self, line: int, values: Values) -> list[Problem]:
        day, slot, trainee, status = (
            values[name] for name in ("date", "slot", "trainee", "status")
        )
        session = self.sessions.get((day, slot))
        if session is None:
            missing = _("no %(slot)s session on %(day)s in this cohort", slot=slot, day=day)
            return [Problem(line, "date", missing)]
        problems = not_expected_problems(
            trainee["ref"], day, trainee["enrolled_on"], trainee["left_on"]
        )
        key = (session["id"], trainee["id"])
        stored_row = self.existing.get(key, self.defaults)
        # Without the column, a partial attendance keeps the minutes already recorded.
        minutes = values.get(
            "minutes_missed", stored_row["minutes_missed"] if status in PARTLY_ATTENDED else 0
        )
        note = values.get("note", stored_row["note"])
        problems += rules.mark_problems(
            status,
            minutes,
            note,
            session_minutes=session["minutes"],
            started=rules.has_started(
                day,
                slot,
                self.now,
                session["starts_at"] or times.cohort_times(self.cohort, slot)[0],
            ),
        )
        record = {
            "session_id": session["id"],
            "trainee_id": trainee["id"],
            "status": status,
            "minutes_missed": minutes,
            "note": note,
        }
        self.records[key] = record
        if values.get("reason"):
            self.reasons[key] = values["reason"].strip()
        changes = key not in self.existing or any(
            self.existing[key][name] != value for name, value in record.items()
        )
        found = on_line(line, problems)
        if (
            changes
            and session["closed_at"] is not None
            and not (self.reasons.get(key) or capture.current_reason())
        ):
            found.append(
                Problem(
                    line,
                    "reason",
                    _(
                        "the roll call of this half-day is closed: this change is an amendment, "
                        "give its reason (a reason column, or the import's reason)"
                    ),
                )
            )
        return found

    def write(self) -> Summary:
        summary = Summary(self.name)
        recorded_by_id = self.recorded_by.id if self.recorded_by is not None else None
        with capture.acting(reasons={"attendance_records": self.reasons}):
            created, changed = self.upsert(
                summary, on_change={"recorded_by_id": recorded_by_id, "recorded_at": self.now}
            )
        # A roll call page opened before the import must not save over what it brought.
        touched = {session_id for session_id, _ in created + changed}
        if touched:
            db.session.execute(
                update(Session)
                .where(Session.id.in_(touched))
                .values(roll_call_version=Session.roll_call_version + 1)
            )
        return summary
