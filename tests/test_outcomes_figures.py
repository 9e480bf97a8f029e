"""The outcome figures, hand-computed on a small cohort with drop-outs and unknowns; and the
same figures loaded from the database, per cohort and per course."""

from datetime import date

import pytest

from tracker.cohorts.models import Trainee
from tracker.extensions import db
from tracker.outcomes import queries
from tracker.outcomes.figures import NOT_RECORDED, Rate, TraineeOutcome, outcome_figures
from tracker.outcomes.models import Outcome

START, END = date(2022, 1, 3), date(2022, 12, 16)


def completed(certification, **situations):
    return TraineeOutcome(START, END, True, certification, situations)


# Eight trainees: six completed, two dropped out (one of them answered at 6 months).
SMALL_COHORT = [
    completed("full", exit="seeking_work", **{"6_months": "permanent_contract"}),
    completed("full", **{"6_months": "fixed_term_shorter"}),
    completed("part", **{"6_months": "further_training"}),
    completed("part", **{"6_months": "seeking_work"}),
    completed("none", **{"6_months": "unknown"}),  # asked, not known: not counted at 6 months
    completed(None),  # nothing recorded
    TraineeOutcome(date(2022, 1, 10), date(2022, 3, 4), False, None, {"6_months": "temporary"}),
    TraineeOutcome(START, date(2022, 5, 20), False, "none", {}),
]


def test_every_rate_hand_computed_on_a_small_cohort():
    figures = outcome_figures(SMALL_COHORT)
    assert figures.trainees == 8
    assert (figures.first_entry, figures.last_exit) == (START, END)
    # Completion: 6 finished of 8 entered.
    assert figures.completion == Rate(6, 8)
    assert figures.completion.value == 0.75
    # Certification over the 8 who entered: 2 in full, 2 in part; 2 not recorded.
    assert figures.certified_in_full == Rate(2, 8)
    assert figures.certified_in_part.value == 0.25
    assert figures.certification_not_recorded == 2
    # At 6 months, known for 5: permanent, fixed-term, further training, seeking, temporary
    # (the drop-out counts); "unknown" and nothing recorded are left out.
    assert figures.employment_at_6_months == Rate(3, 5)
    assert figures.employment_at_6_months.value == 0.6
    assert figures.positive_at_6_months == Rate(4, 5)
    assert figures.positive_at_6_months.value == 0.8
    assert figures.situations["6_months"]["unknown"] == 1
    assert figures.situations["6_months"][NOT_RECORDED] == 2
    assert figures.situations["exit"]["seeking_work"] == 1
    assert figures.situations["exit"][NOT_RECORDED] == 7


def test_rates_round_half_up_to_4_places_and_are_empty_over_nobody():
    assert Rate(2, 3).value == 0.6667
    assert Rate(1, 8).value == 0.125
    assert Rate(0, 0).value is None
    empty = outcome_figures([])
    assert (empty.trainees, empty.first_entry, empty.completion.value) == (0, None, None)


def test_a_group_under_5_is_not_published():
    figures = outcome_figures(SMALL_COHORT)
    assert figures.publishable(figures.completion)
    assert figures.publishable(figures.employment_at_6_months)
    assert not figures.publishable(Rate(4, 4))


@pytest.fixture
def two_cohorts_of_one_course(make_cohort):
    """Two cohorts whose agreements name the same course, one over by D and one not."""
    first = make_cohort(
        slug="ia-1",
        name="IA 1",
        starts_on=START,
        ends_on=END,
        title_in_agreement="Développeur en intelligence artificielle",
    )
    second = make_cohort(
        slug="ia-2",
        name="IA 2",
        starts_on=date(2023, 1, 9),
        ends_on=date(2024, 6, 28),
        title_in_agreement="Développeur en intelligence artificielle",
    )
    people = []
    for index, cohort in enumerate((first, second, first)):
        trainee = Trainee(
            cohort=cohort,
            ref=f"T{index}",
            first_name="A",
            last_name="B",
            email=f"t{index}@example.org",
            enrolled_on=cohort.starts_on,
            left_on=date(2022, 6, 1) if index == 2 else None,
        )
        db.session.add(trainee)
        people.append(trainee)
    db.session.flush()
    db.session.add_all(
        [
            Outcome(
                trainee_id=people[0].id,
                moment="6_months",
                situation="self_employed",
                recorded_on=date(2023, 6, 20),
                source="survey",
            ),
            Outcome(
                trainee_id=people[0].id,
                moment="exit",
                situation="seeking_work",
                certification="full",
                recorded_on=date(2022, 12, 16),
                source="staff",
            ),
        ]
    )
    db.session.flush()
    return first, second


def test_loaded_from_the_database_per_cohort_and_per_course(two_cohorts_of_one_course):
    first, second = two_cohorts_of_one_course
    assert queries.course_slug(first) == "developpeur-en-intelligence-artificielle"
    assert queries.courses()["developpeur-en-intelligence-artificielle"] == [second, first]
    # As of 30 June 2023 the second cohort is not over: only the first one counts.
    figures = outcome_figures(queries.trainee_outcomes([first, second], date(2023, 6, 30)))
    assert figures.trainees == 2
    assert figures.completion == Rate(1, 2)
    assert figures.certified_in_full == Rate(1, 2)
    assert figures.employment_at_6_months == Rate(1, 1)
    assert (figures.first_entry, figures.last_exit) == (START, END)
    # As of a day before the 6-month answer was recorded, it is not known yet.
    earlier = outcome_figures(queries.trainee_outcomes([first], date(2023, 6, 19)))
    assert earlier.employment_at_6_months == Rate(0, 0)
    # Before the first cohort's end, nothing is counted.
    assert queries.trainee_outcomes([first, second], date(2022, 12, 15)) == []
