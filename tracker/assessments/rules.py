"""The rules of assessments and of their results, in one place: the forms, the operations and the
importer all ask `assessment_problems`, `maximum_problems` and `score_problems`.

Pure functions: dates, kinds, scores and maxima in, problems out.
"""

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from tracker.assessments.models import ASSESSMENT_KINDS
from tracker.cohorts.rules import outside_cohort_problems
from tracker.i18n import number
from tracker.rules import Problem


def show_score(value: float | Decimal) -> str:
    """Show a score with the language's separators and no trailing zeros: 12,5."""
    return number(float(value), 2).rstrip("0").rstrip(",.")


def assessment_problems(
    cohort, day: date | None, kind: str, max_score: Decimal | None, weight: Decimal | None
) -> list[Problem]:
    """Return what is wrong with an assessment of a cohort (which has starts_on and ends_on)."""
    problems = outside_cohort_problems(cohort, day)
    if kind not in ASSESSMENT_KINDS:
        problems.append(Problem("kind", _("Choose a kind of assessment.")))
    if max_score is not None and max_score <= 0:
        problems.append(Problem("max_score", _("The maximum score must be more than 0.")))
    if weight is not None and weight <= 0:
        problems.append(Problem("weight", _("The weight must be more than 0.")))
    return problems


def maximum_problems(max_score: Decimal, best_score: float | None) -> list[Problem]:
    """Return the problem of a maximum below a score already recorded (`best_score`, None when
    no result is recorded)."""
    if best_score is None or max_score >= Decimal(str(best_score)):
        return []
    return [
        Problem(
            "max_score",
            _(
                "A trainee already has a score of %(score)s: the maximum cannot be lower.",
                score=show_score(best_score),
            ),
            in_file=_(
                "%(maximum)s is below a score of %(best)s already recorded",
                maximum=max_score,
                best=f"{best_score:g}",
            ),
        )
    ]


def score_problems(
    score: Decimal | None,
    max_score: float,
    comment: str | None = None,
    *,
    trainee: str | None = None,
    assessment: str | None = None,
) -> list[Problem]:
    """Return what is wrong with a result: a score outside 0 to the maximum, a comment without a
    score. `trainee` names the trainee in the messages of a grid, `assessment` the assessment's
    code in those of a file."""
    maximum = Decimal(str(max_score))
    if score is None:
        if trainee is not None and (comment or "").strip():
            message = _("%(trainee)s: enter a score, or clear the comment.", trainee=trainee)
            return [Problem("score", message)]
        return []
    if 0 <= score <= maximum:
        return []
    if trainee is None:
        message = _("A score must be between 0 and %(maximum)s.", maximum=show_score(maximum))
    else:
        message = _(
            "%(trainee)s: the score must be between 0 and %(maximum)s.",
            trainee=trainee,
            maximum=show_score(maximum),
        )
    in_file = None
    if score > maximum:
        in_file = _(
            "%(score)s is above the maximum of %(maximum)s for %(code)s",
            score=score,
            maximum=f"{max_score:g}",
            code=assessment,
        )
    return [Problem("score", message, in_file)]
