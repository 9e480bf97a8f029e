"""Who may do what: the rights of each role (`GRANTS`), checked on objects. Denied unless a rule
grants it.

Every view states the roles it admits with `@allow(...)`; a view without it answers 404 to everyone
(`deny_unruled_views`). Within a view, `cohort_or_404` and `trainee_or_404` check the object:
a cohort an instructor does not teach, or another trainee's page, is answered 404 as if it did not
exist; an action the role may not take on an object it may see is answered 403.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user
from sqlalchemy import Select, select

from tracker.auth.models import User, instructor_cohorts
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db

PUBLIC = "public"

# What each role may do on a cohort it reaches.
GRANTS: dict[str, set[str]] = {
    "edit_curriculum": {"admin"},  # cohorts, modules, timetable, trainees
    "record_teaching": {"admin", "instructor"},  # roll call, assessments, results
    "see_trainees": {"admin", "instructor", "officer"},  # per-trainee attendance and hours
    "see_scores": {"admin", "instructor"},  # individual scores and instructors' comments
    "edit_budget": {"admin"},  # budget lines and expenses
    "see_funding": {"admin", "officer"},  # budget, funding figures and reports
    "manage_accounts": {"admin"},
}


def allow(*roles: str) -> Callable:
    """Admit the signed-in users of these roles to a view (or anyone, with PUBLIC)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            if PUBLIC not in roles:
                if not current_user.is_authenticated:
                    return current_app.login_manager.unauthorized()
                if current_user.role not in roles:
                    abort(404 if current_user.role == "trainee" else 403)
            return view(*args, **kwargs)

        checked.allowed_roles = frozenset(roles)
        return checked

    return decorate


def deny_unruled_views() -> None:
    """Answer 404 to any request whose view states no rule (before_request hook)."""
    if request.endpoint is None or request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "allowed_roles", None) is None:
        abort(404)


def may(user: User, action: str) -> bool:
    """Tell whether the user's role may take an action at all."""
    return user.is_authenticated and user.role in GRANTS[action]


def reachable_cohorts(user: User) -> Select:
    """Select the cohorts a user reaches: all for admins and officers, taught or own for others."""
    query = select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.slug)
    if user.role in ("admin", "officer"):
        return query
    if user.role == "instructor":
        return query.join(instructor_cohorts).where(instructor_cohorts.c.user_id == user.id)
    if user.role == "trainee" and user.trainee_id is not None:
        return query.join(Trainee).where(Trainee.id == user.trainee_id)
    return query.where(False)


def reaches(user: User, cohort: Cohort) -> bool:
    """Tell whether a user reaches a cohort."""
    return db.session.scalar(reachable_cohorts(user).where(Cohort.id == cohort.id)) is not None


def cohort_or_404(slug: str, action: str | None = None) -> Cohort:
    """Load a cohort the current user reaches (else 404) and may take the action on (else 403)."""
    cohort = db.session.scalar(reachable_cohorts(current_user).where(Cohort.slug == slug))
    if cohort is None:
        abort(404)
    if action is not None and not may(current_user, action):
        abort(404 if current_user.role == "trainee" else 403)
    return cohort


def trainee_or_404(cohort: Cohort, ref: str) -> Trainee:
    """Load a trainee of the cohort whom the current user may see: trainees only themselves."""
    trainee = db.session.scalar(
        select(Trainee).where(Trainee.cohort_id == cohort.id, Trainee.ref == ref)
    )
    if trainee is None:
        abort(404)
    if current_user.role == "trainee" and current_user.trainee_id != trainee.id:
        abort(404)
    return trainee
