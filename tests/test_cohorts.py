"""Creating cohorts from the command line."""

from decimal import Decimal

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
