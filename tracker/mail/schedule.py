"""The scheduled messages, each switchable per cohort, put in the outbox by `tracker mail schedule`.

Each message has the key of the event that causes it (an absence, a half-day, a trainee's risks,
a week): running the schedule again, however often, never sends one twice.
"""

import calendar
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from tracker import timeutil
from tracker.attendance.models import AttendanceRecord, Session
from tracker.auth.models import User, instructor_cohorts
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.mail.models import MailSwitch
from tracker.mail.outbox import address_of, enqueue
from tracker.metrics.loading import cohort_metrics
from tracker.outcomes.links import survey_link
from tracker.outcomes.models import EXIT, Outcome
from tracker.signing.models import Justification

# The kinds of scheduled messages, as the cohort's mail page names them.
SCHEDULED = {
    "justification_request": _l(
        "A request for a justification to the trainee, the evening of an unjustified absence"
    ),
    "unclosed_half_day": _l("A reminder to the instructors of a half-day left unclosed"),
    "at_risk_alert": _l("An alert to the administrators when a trainee is at risk"),
    "weekly_summary": _l("A weekly summary of the cohort to the Region officers"),
    "survey_invitation": _l(
        "An invitation to each trainee to tell their situation: at their exit, then 3 and 6 "
        "months after"
    ),
}
# The months after a trainee's exit at which their situation is asked (tracker.outcomes).
SURVEY_MONTHS = {EXIT: 0, "3_months": 3, "6_months": 6}
# How far back the schedule looks for absences and unclosed half-days: a cohort whose messages
# are switched on is not sent its whole past.
LOOK_BACK = timedelta(days=7)


def switches(cohort: Cohort) -> dict[str, bool]:
    """Return whether the cohort sends each kind of scheduled message (on unless switched off)."""
    stored = dict(
        db.session.execute(
            select(MailSwitch.kind, MailSwitch.enabled).where(MailSwitch.cohort_id == cohort.id)
        ).all()
    )
    return {kind: stored.get(kind, True) for kind in SCHEDULED}


def set_switches(cohort: Cohort, enabled: dict[str, bool]) -> None:
    """Switch the cohort's scheduled messages on or off."""
    rows = {
        row.kind: row
        for row in db.session.scalars(select(MailSwitch).where(MailSwitch.cohort_id == cohort.id))
    }
    for kind in SCHEDULED:
        if kind in rows:
            rows[kind].enabled = enabled[kind]
        else:
            db.session.add(MailSwitch(cohort_id=cohort.id, kind=kind, enabled=enabled[kind]))
    db.session.flush()


def schedule(now: datetime | None = None) -> dict[str, int]:
    """Put in the outbox the scheduled messages due at this instant; return how many of each."""
    now = now or timeutil.utc_now()
    day = now.astimezone(timeutil.COURSE_TIME_ZONE).date()
    counts = dict.fromkeys(SCHEDULED, 0)
    cohorts = db.session.scalars(
        select(Cohort).where(Cohort.starts_on <= day, Cohort.ends_on >= day - LOOK_BACK)
    ).all()
    for cohort in cohorts:
        on = switches(cohort)
        if on["justification_request"]:
            counts["justification_request"] += request_justifications(cohort, day)
        if on["unclosed_half_day"]:
            counts["unclosed_half_day"] += remind_unclosed_half_days(cohort, day)
        if on["at_risk_alert"] or on["weekly_summary"]:
            figures = cohort_metrics(cohort, day)
            if on["at_risk_alert"]:
                counts["at_risk_alert"] += alert_at_risk(cohort, figures)
            if on["weekly_summary"]:
                counts["weekly_summary"] += summarise_last_week(cohort, day)
    # Surveys go on for six months after a cohort's end.
    surveyed = db.session.scalars(
        select(Cohort).where(
            Cohort.starts_on <= day,
            Cohort.ends_on >= months_after(day, -max(SURVEY_MONTHS.values())) - LOOK_BACK,
        )
    ).all()
    for cohort in surveyed:
        if switches(cohort)["survey_invitation"]:
            counts["survey_invitation"] += invite_to_surveys(cohort, day)
    db.session.flush()
    return counts


def active_accounts(role: str) -> list[User]:
    """Return the active accounts of a role."""
    return list(
        db.session.scalars(
            select(User).where(User.role == role, User.active.is_(True)).order_by(User.id)
        )
    )


def request_justifications(cohort: Cohort, day: date) -> int:
    """Ask each trainee marked absent (unjustified) lately, and who declared nothing for that
    day, for a justification."""
    covered = select(Justification.id).where(
        Justification.trainee_id == Trainee.id,
        Justification.first_day <= Session.date,
        Justification.last_day >= Session.date,
    )
    absences = db.session.execute(
        select(AttendanceRecord, Session, Trainee, User)
        .join(Session, AttendanceRecord.session_id == Session.id)
        .join(Trainee, AttendanceRecord.trainee_id == Trainee.id)
        .outerjoin(User, and_(User.trainee_id == Trainee.id, User.active.is_(True)))
        .where(
            Session.cohort_id == cohort.id,
            AttendanceRecord.status == "absent",
            Session.date <= day,
            Session.date > day - LOOK_BACK,
            ~covered.exists(),
        )
        .order_by(Session.date, Session.slot, Trainee.ref)
    ).all()
    sent = 0
    for record, session, trainee, account in absences:
        recipient = account.email if account is not None else trainee.email
        if not recipient:
            continue
        message = enqueue(
            recipient=recipient,
            language=account.language if account is not None else "fr",
            kind="justification_request",
            subject=_l("Your absence: a justification is needed"),
            template="justification_request",
            cohort=cohort,
            event_key=f"justification_request:{record.id}",
            name=trainee.first_name,
            day=session.date,
            slot=session.slot,
            link=address_of("justifications.declare", slug=cohort.slug, ref=trainee.ref),
        )
        sent += message is not None
    return sent


def remind_unclosed_half_days(cohort: Cohort, day: date) -> int:
    """Remind the instructors of the cohort of each half-day before today still open."""
    sessions = db.session.scalars(
        select(Session)
        .where(
            Session.cohort_id == cohort.id,
            Session.closed_at.is_(None),
            Session.date < day,
            Session.date >= day - LOOK_BACK,
        )
        .order_by(Session.date, Session.slot)
    ).all()
    if not sessions:
        return 0
    instructors = db.session.scalars(
        select(User)
        .join(instructor_cohorts, instructor_cohorts.c.user_id == User.id)
        .where(instructor_cohorts.c.cohort_id == cohort.id, User.active.is_(True))
        .order_by(User.id)
    ).all()
    sent = 0
    for session in sessions:
        for instructor in instructors:
            message = enqueue(
                recipient=instructor.email,
                language=instructor.language,
                kind="unclosed_half_day",
                subject=_l("A half-day's roll call is still open"),
                template="unclosed_half_day",
                cohort=cohort,
                event_key=f"unclosed_half_day:{session.id}:{instructor.id}",
                name=instructor.name,
                cohort_name=cohort.name,
                day=session.date,
                slot=session.slot,
                link=address_of("attendance.roll_call", slug=cohort.slug, session_id=session.id),
            )
            sent += message is not None
    return sent


def alert_at_risk(cohort: Cohort, figures: dict) -> int:
    """Alert the administrators of each active trainee at risk, once for each set of reasons."""
    at_risk = [
        trainee
        for trainee in figures["trainees"]
        if trainee["at_risk"] and trainee["status"] == "active"
    ]
    if not at_risk:
        return 0
    ids = dict(
        db.session.execute(
            select(Trainee.ref, Trainee.id).where(Trainee.cohort_id == cohort.id)
        ).all()
    )
    sent = 0
    for administrator in active_accounts("admin"):
        for trainee in at_risk:
            reasons = sorted(trainee["at_risk"])
            message = enqueue(
                recipient=administrator.email,
                language=administrator.language,
                kind="at_risk_alert",
                subject=_l("A trainee is at risk"),
                template="at_risk_alert",
                cohort=cohort,
                event_key=(
                    f"at_risk_alert:{ids[trainee['ref']]}:{'+'.join(reasons)}:{administrator.id}"
                ),
                name=administrator.name,
                cohort_name=cohort.name,
                trainee_name=trainee["name"],
                ref=trainee["ref"],
                reasons=reasons,
                link=address_of("cohorts.trainee", slug=cohort.slug, ref=trainee["ref"]),
            )
            sent += message is not None
    return sent


def summarise_last_week(cohort: Cohort, day: date) -> int:
    """Send the officers the cohort's figures at the end of last week, once a week."""
    monday = day - timedelta(days=day.weekday() + 7)
    sunday = monday + timedelta(days=6)
    if cohort.starts_on > sunday or cohort.ends_on < monday:
        return 0
    figures = cohort_metrics(cohort, sunday)
    sent = 0
    for officer in active_accounts("officer"):
        message = enqueue(
            recipient=officer.email,
            language=officer.language,
            kind="weekly_summary",
            subject=_l("The cohort's week"),
            template="weekly_summary",
            cohort=cohort,
            event_key=f"weekly_summary:{cohort.id}:{monday.isoformat()}:{officer.id}",
            name=officer.name,
            cohort_name=cohort.name,
            monday=monday,
            sunday=sunday,
            figures=figures,
            at_risk=sum(1 for trainee in figures["trainees"] if trainee["at_risk"]),
            link=address_of("funding.cohort", slug=cohort.slug),
        )
        sent += message is not None
    return sent


def months_after(day: date, months: int) -> date:
    """Return the same day `months` later (or earlier), the month's last day when it has none."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def invite_to_surveys(cohort: Cohort, day: date) -> int:
    """Invite each trainee whose exit, or its third or sixth month after, fell in the last week
    to tell their situation through their survey link, unless it is known already.

    A trainee exits when they leave, else at the cohort's end.
    """
    known = set(
        db.session.execute(
            select(Outcome.trainee_id, Outcome.moment)
            .join(Trainee, Trainee.id == Outcome.trainee_id)
            .where(Trainee.cohort_id == cohort.id)
        ).all()
    )
    trainees = db.session.execute(
        select(Trainee, User)
        .outerjoin(User, and_(User.trainee_id == Trainee.id, User.active.is_(True)))
        .where(Trainee.cohort_id == cohort.id, Trainee.enrolled_on <= day)
        .order_by(Trainee.ref)
    ).all()
    sent = 0
    for trainee, account in trainees:
        exited_on = min(trainee.left_on or cohort.ends_on, cohort.ends_on)
        recipient = account.email if account is not None else trainee.email
        if not recipient:
            continue
        for moment, months in SURVEY_MONTHS.items():
            due = months_after(exited_on, months)
            if not day - LOOK_BACK < due <= day or (trainee.id, moment) in known:
                continue
            message = enqueue(
                recipient=recipient,
                language=account.language if account is not None else "fr",
                kind="survey_invitation",
                subject=_l("What has become of you? A question from your training centre"),
                template="survey_invitation",
                cohort=cohort,
                event_key=f"survey_invitation:{trainee.id}:{moment}",
                name=trainee.first_name,
                cohort_name=cohort.name,
                months=months,
                link=survey_link(trainee, moment),
            )
            sent += message is not None
    return sent
