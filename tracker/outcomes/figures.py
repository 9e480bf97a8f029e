"""The outcome figures of a group of trainees (a cohort, or a course's cohorts), as pure functions
over plain data. docs/figures.md ("Outcomes") defines each one; this module is that definition.

- Only cohorts whose course is over by D count (their end date on or before D): before that,
  nobody has completed and the rates would say nothing.
- **Trainees**: those who entered, i.e. enrolled in one of those cohorts by D, withdrawn or not.
- **Completion rate**: trainees who completed the course (not withdrawn by D) over trainees.
- **Certification rate**: trainees certified in full over trainees; in part likewise. A trainee
  whose certification is not recorded counts as not certified (and is counted apart).
- **At 6 months**: over the trainees whose situation 6 months after their exit is known
  (recorded by D, and not "unknown"): the **employment rate** counts employment of any kind
  (permanent, fixed-term of any length, temporary, self-employed); the **positive outcome rate**
  counts employment of any kind and further training.
- **Period**: the first entry and the last exit (withdrawal, or the course's end) of the
  trainees counted.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from tracker.metrics.figures import ratio
from tracker.outcomes.models import EMPLOYMENT, FURTHER_TRAINING, MOMENTS, SITUATIONS, UNKNOWN

# Below this many trainees, a public figure could point at a person: it is not published.
SMALLEST_PUBLISHED_GROUP = 5
NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class TraineeOutcome:
    """What the figures need of one trainee of a cohort whose course is over by D."""

    entered_on: date
    # The day the trainee left (withdrawal), or the course's end for those who completed it.
    exited_on: date
    completed: bool
    # "full", "part", "none", or None when not recorded by D.
    certification: str | None = None
    # moment -> situation, for the moments recorded by D.
    situations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rate:
    """A count over its number of trainees (the denominator), and their ratio to 4 places."""

    count: int
    of: int

    @property
    def value(self) -> float | None:
        """Return count / of rounded half up to 4 places, None when there is nobody to count."""
        return ratio(self.count, self.of)


@dataclass(frozen=True)
class OutcomeFigures:
    """The outcome figures of a group of trainees, with their number and period."""

    trainees: int
    first_entry: date | None
    last_exit: date | None
    completion: Rate
    certified_in_full: Rate
    certified_in_part: Rate
    certification_not_recorded: int
    employment_at_6_months: Rate
    positive_at_6_months: Rate
    # moment -> situation (or NOT_RECORDED) -> trainees, every situation listed.
    situations: Mapping[str, Mapping[str, int]]

    def publishable(self, rate: Rate) -> bool:
        """Tell whether a rate counts enough trainees to be published."""
        return rate.of >= SMALLEST_PUBLISHED_GROUP


def outcome_figures(trainees: Iterable[TraineeOutcome]) -> OutcomeFigures:
    """Compute the outcome figures of a group of trainees (docs/figures.md, "Outcomes")."""
    trainees = list(trainees)
    total = len(trainees)
    completed = sum(1 for t in trainees if t.completed)
    full = sum(1 for t in trainees if t.certification == "full")
    part = sum(1 for t in trainees if t.certification == "part")
    not_recorded = sum(1 for t in trainees if t.certification is None)
    at_6 = [t.situations.get("6_months") for t in trainees]
    known = [s for s in at_6 if s is not None and s != UNKNOWN]
    employed = sum(1 for s in known if s in EMPLOYMENT)
    positive = employed + sum(1 for s in known if s == FURTHER_TRAINING)
    situations = {}
    for moment in MOMENTS:
        counts = dict.fromkeys((*SITUATIONS, NOT_RECORDED), 0)
        for t in trainees:
            counts[t.situations.get(moment, NOT_RECORDED)] += 1
        situations[moment] = counts
    return OutcomeFigures(
        trainees=total,
        first_entry=min((t.entered_on for t in trainees), default=None),
        last_exit=max((t.exited_on for t in trainees), default=None),
        completion=Rate(completed, total),
        certified_in_full=Rate(full, total),
        certified_in_part=Rate(part, total),
        certification_not_recorded=not_recorded,
        employment_at_6_months=Rate(employed, len(known)),
        positive_at_6_months=Rate(positive, len(known)),
        situations=situations,
    )
