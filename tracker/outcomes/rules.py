"""The rules of an outcome, in one place: the staff's form, the survey and the operation ask
these. Pure functions: values in, problems out."""

from collections.abc import Collection
from datetime import date

from flask_babel import gettext as _

from tracker.i18n import day as show_day
from tracker.outcomes.models import CERTIFICATIONS, EXIT, MOMENTS, SITUATIONS
from tracker.rules import Problem


def outcome_problems(
    *,
    moment: str,
    situation: str,
    certification: str | None,
    blocks: Collection[str],
    known_blocks: Collection[str],
    recorded_on: date,
    enrolled_on: date,
    today: date,
) -> list[Problem]:
    """Return what is wrong with a trainee's outcome at a moment; an empty list when nothing."""
    problems = []
    if moment not in MOMENTS:
        problems.append(Problem("moment", _("Choose exit, 3 months or 6 months.")))
    if situation not in SITUATIONS:
        problems.append(Problem("situation", _("Choose one of the situations listed.")))
    if certification is not None and certification not in CERTIFICATIONS:
        problems.append(Problem("certification", _("Choose in full, in part or not obtained.")))
    if certification is not None and moment != EXIT:
        problems.append(Problem("certification", _("The certification is recorded with the exit.")))
    if certification == "part" and not blocks and known_blocks:
        problems.append(Problem("blocks", _("Tick the blocks obtained.")))
    if blocks and certification != "part":
        problems.append(
            Problem("blocks", _("Blocks are ticked only for a certification obtained in part."))
        )
    unknown = sorted(set(blocks) - set(known_blocks))
    if unknown:
        problems.append(
            Problem(
                "blocks",
                _(
                    "%(blocks)s: not a block of the cohort's competencies.",
                    blocks=", ".join(unknown),
                ),
            )
        )
    if recorded_on > today:
        problems.append(Problem("recorded_on", _("The date recorded cannot be in the future.")))
    elif recorded_on < enrolled_on:
        problems.append(
            Problem(
                "recorded_on",
                _(
                    "The date recorded cannot be before the trainee enrolled (%(day)s).",
                    day=show_day(enrolled_on),
                ),
            )
        )
    return problems
