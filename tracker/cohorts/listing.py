"""Lists of cohorts, which grow with the courses a Region funds: filtered, a page at a time.

The cohorts list, `/funding` and the officer's home show a page of cohorts, the most recent
first; the figures of a page's cohorts only are computed (`tracker.metrics.versions`), so that a
page costs the same with 20 cohorts or 2,000.
"""

import math
from dataclasses import dataclass
from datetime import date

from flask import abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from sqlalchemy.sql import Select
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from tracker.cohorts.models import Cohort
from tracker.extensions import db

# Rows of the cohorts list; `/funding` puts cohorts side by side and shows fewer.
PER_PAGE = 25

STATES = {
    "running": _l("Running"),
    "upcoming": _l("Not started"),
    "finished": _l("Finished"),
}


class CohortFilterForm(FlaskForm):
    """Which cohorts a list shows, read from the query string (?search=, ?state=, ?page=)."""

    class Meta:
        csrf = False

    search = StringField(_l("Name contains"), validators=[Optional(), Length(max=100)])
    state = SelectField(
        _l("State"),
        choices=[SelectChoice("", _l("Any"))]
        + [SelectChoice(state, label) for state, label in STATES.items()],
        validators=[Optional()],
        default="",
    )
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1)])


@dataclass(frozen=True)
class CohortPage:
    """One page of a list of cohorts."""

    cohorts: list[Cohort]
    number: int
    pages: int
    total: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def filtered(query: Select, search: str | None, state: str | None, day: date) -> Select:
    """Keep the cohorts whose name or short name contains `search`, in `state` on `day`.

    A cohort runs from its first day to the day before its end, as the figures count it.
    """
    if search:
        query = query.where(
            or_(
                Cohort.name.icontains(search, autoescape=True),
                Cohort.slug.icontains(search, autoescape=True),
            )
        )
    if state == "running":
        query = query.where(Cohort.starts_on <= day, Cohort.ends_on > day)
    elif state == "upcoming":
        query = query.where(Cohort.starts_on > day)
    elif state == "finished":
        query = query.where(Cohort.ends_on <= day)
    return query


def page_of(query: Select, number: int, per_page: int = PER_PAGE) -> CohortPage:
    """Return the page `number` (from 1) of the cohorts the query selects, in its order.

    A page past the last one is refused (404) naming how many there are; page 1 of an empty
    list is an empty page.
    """
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, math.ceil(total / per_page))
    if number > pages:
        abort(
            404,
            description=_(
                "There is no page %(number)s: the list has %(pages)s.",
                number=number,
                pages=pages,
            ),
        )
    cohorts = db.session.scalars(query.limit(per_page).offset((number - 1) * per_page)).all()
    return CohortPage(list(cohorts), number, pages, total)


def cohort_list(
    query: Select, day: date, per_page: int = PER_PAGE
) -> tuple[CohortFilterForm, CohortPage | None]:
    """Read the list's filter from the request and return it with the page it selects (None,
    and the form's errors, when the filter is not valid)."""
    form = CohortFilterForm(formdata=request.args)
    if not form.validate():
        return form, None
    query = filtered(query, (form.search.data or "").strip(), form.state.data, day)
    return form, page_of(query, form.page.data or 1, per_page)
