"""Creating cohorts from the command line."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from tracker.cohorts.models import Cohort
from tracker.extensions import db


def test_cohort_create_stores_every_field(app, run_tracker):
    result = run_tracker(
        "cohort",
        "create",
        "ibm-ai-1",
        "--name",
        "Développeur IA",
        "--starts",
        "2021-09-06",
        "--ends",
        "2023-03-03",
        "--grant",
        "273000",
        "--trainees",
        "25",
        "--hours",
        "1400",
        "--funder",
        "Région Occitanie",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "ibm-ai-1"))
        assert cohort.grant_amount == Decimal("273000.00")
        assert cohort.planned_minutes_per_trainee == 1400 * 60
        assert cohort.funder == "Région Occitanie"
        assert cohort.attendance_threshold == 0.8


def cohort_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Cohort)).all())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bad Slug"], "slug: 'Bad Slug' must be up to 64 lowercase letters"),
        (["ok", "--ends", "2021-01-01"], "ends: the cohort must end on or after"),
        (["ok", "--starts", "2021-02-30"], "--starts: '2021-02-30' is not a date"),
        (["ok", "--grant", "lots"], "--grant: 'lots' is not a number"),
        (["ok", "--grant", "-5"], "grant: must be an amount in euros and cents, not negative"),
        (["ok", "--grant", "10.001"], "grant: must be an amount in euros and cents"),
        (["ok", "--trainees", "0"], "trainees: must be at least 1"),
        (["ok", "--threshold", "1.5"], "threshold: must be between 0 and 1"),
        (["ok", "--hours", "-1"], "hours: must not be negative"),
    ],
)
def test_cohort_create_refuses_bad_input_and_changes_nothing(app, run_tracker, args, message):
    options = {"--name": "IA", "--starts": "2021-09-06", "--ends": "2023-03-03", "--grant": "1000"}
    slug, *overrides = args
    options.update(dict(zip(overrides[::2], overrides[1::2], strict=True)))
    result = run_tracker("cohort", "create", slug, *[x for pair in options.items() for x in pair])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert cohort_count(app) == 0


def test_cohort_create_refuses_a_slug_taken(app, run_tracker):
    args = (
        "cohort",
        "create",
        "ibm-ai-1",
        "--name",
        "IA",
        "--starts",
        "2021-09-06",
        "--ends",
        "2023-03-03",
        "--grant",
        "1000",
    )
    assert run_tracker(*args).exit_code == 0
    result = run_tracker(*args)
    assert result.exit_code == 1
    assert "a cohort ibm-ai-1 already exists" in result.output
    assert cohort_count(app) == 1
