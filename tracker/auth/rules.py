"""The rules of an account's password, role and links, in one place: the administrator's form, the
operations and the command line all ask `password_problems`, `role_problems` and `link_problems`.

Pure functions: texts, a role and what an account is linked to in, problems out.
"""

from flask_babel import gettext as _

from tracker.auth.models import ROLES
from tracker.auth.passwords import MIN_LENGTH
from tracker.rules import Problem


def password_problems(password: str) -> list[Problem]:
    """Return the problem of a password too short to resist guessing."""
    if len(password) >= MIN_LENGTH:
        return []
    return [
        Problem(
            "password",
            _("At least %(n)d characters.", n=MIN_LENGTH),
            in_file=_("must be at least %(n)d characters long", n=MIN_LENGTH),
        )
    ]


def role_problems(role: str) -> list[Problem]:
    """Return the problem of a role that does not exist."""
    if role in ROLES:
        return []
    message = _("“%(role)s” is not one of %(roles)s", role=role, roles=", ".join(ROLES))
    return [Problem("role", message)]


def link_problems(role: str, *, teaches: bool, trainee: bool) -> list[Problem]:
    """Return the links that the role does not take: cohorts taught are for instructors, a
    trainee's record for a trainee's account, which must have one."""
    problems = []
    if role == "trainee" and not trainee:
        problems.append(
            Problem(
                "trainee",
                _("Choose the trainee this account belongs to."),
                in_file=_("a trainee account must be linked to a trainee"),
            )
        )
    if role != "trainee" and trainee:
        problems.append(
            Problem(
                "trainee",
                _("Only a trainee account is linked to a trainee."),
                in_file=_("only a trainee account can be linked to a trainee"),
            )
        )
    if role != "instructor" and teaches:
        problems.append(
            Problem(
                "cohorts",
                _("Only instructors are linked to the cohorts they teach."),
                in_file=_("only instructors are linked to the cohorts they teach"),
            )
        )
    return problems
