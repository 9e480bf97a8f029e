"""Changes to the weeks' paper sheets: upload (or replace) a week's signed sheet, remove it.

Changes flush and never commit; the trail records each (the earlier sheet's SHA-256 stays in
it, and its file in the upload folder).
"""

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import attachments, timeutil
from tracker.attachments import Attachment
from tracker.attendance.models import Session
from tracker.auth.models import User
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.paper import rules
from tracker.paper.queries import paper_sheet
from tracker.signing.models import PaperSheet


class PaperError(ValueError):
    """A paper sheet that the rules refuse; the message is for people, in their language."""


def has_sessions(cohort: Cohort, monday: date) -> bool:
    """Tell whether the cohort's timetable holds a session in the week of a Monday."""
    return (
        db.session.scalar(
            select(Session.id)
            .where(
                Session.cohort_id == cohort.id,
                Session.date.between(monday, monday + timedelta(days=6)),
            )
            .limit(1)
        )
        is not None
    )


def upload_problems(cohort: Cohort, monday: date, today: date) -> list[str]:
    """Return why no signed sheet can be uploaded for a week of the cohort; empty when it can."""
    problems = [problem.message for problem in rules.week_problems(cohort, monday, today)]
    if not problems and not has_sessions(cohort, monday):
        problems.append(_("This week has no session in the timetable: there is nothing to sign."))
    return problems


def upload_sheet(
    cohort: Cohort,
    monday: date,
    attachment: Attachment,
    uploaded_by: User | None,
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> tuple[PaperSheet, bool]:
    """Keep the scanned signed sheet of a cohort's week; return it, and whether it replaced one.

    The file is kept before the row is written, so that a row never names a missing file; an
    earlier sheet's file stays where it was.
    """
    problems = upload_problems(cohort, monday, today or timeutil.today())
    if problems:
        raise PaperError(problems[0])
    attachments.store(attachment)
    sheet = paper_sheet(cohort.id, monday)
    replaced = sheet is not None
    if sheet is None:
        sheet = PaperSheet(cohort_id=cohort.id, week=monday)
        db.session.add(sheet)
    sheet.file_name = attachment.file_name
    sheet.content_type = attachment.content_type
    sheet.size = attachment.size
    sheet.sha256 = attachment.sha256
    sheet.uploaded_by_id = uploaded_by.id if uploaded_by is not None else None
    sheet.uploaded_at = now or timeutil.utc_now()
    db.session.flush()
    return sheet, replaced


def remove_sheet(sheet: PaperSheet) -> None:
    """Remove a week's signed sheet uploaded by mistake: the week is no longer signed on paper.

    Its file stays in the upload folder, which the trail names.
    """
    db.session.delete(sheet)
    db.session.flush()
