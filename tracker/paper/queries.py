"""What the pages read of the weeks' paper sheets: which weeks were signed on paper, and each
week's sheet."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.signing.models import PaperSheet


def paper_weeks(cohort_id: int, mondays: Iterable[date]) -> set[date]:
    """Return those of the Mondays whose week of the cohort has a signed paper sheet."""
    mondays = set(mondays)
    if not mondays:
        return set()
    return set(
        db.session.scalars(
            select(PaperSheet.week).where(
                PaperSheet.cohort_id == cohort_id, PaperSheet.week.in_(mondays)
            )
        )
    )


def paper_sheet(cohort_id: int, monday: date) -> PaperSheet | None:
    """Load the signed paper sheet of a cohort's week (the latest upload), with who uploaded it."""
    return db.session.scalar(
        select(PaperSheet)
        .options(joinedload(PaperSheet.uploaded_by))
        .where(PaperSheet.cohort_id == cohort_id, PaperSheet.week == monday)
    )


def cohort_sheets(cohort_id: int) -> list[PaperSheet]:
    """Load the cohort's signed paper sheets, the latest week first."""
    return list(
        db.session.scalars(
            select(PaperSheet)
            .options(joinedload(PaperSheet.uploaded_by))
            .where(PaperSheet.cohort_id == cohort_id)
            .order_by(PaperSheet.week.desc())
        )
    )


def all_paper_weeks(cohort_id: int) -> set[date]:
    """Return the Mondays of every week of the cohort whose signed paper sheet is kept."""
    return set(db.session.scalars(select(PaperSheet.week).where(PaperSheet.cohort_id == cohort_id)))
