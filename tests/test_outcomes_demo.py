"""The demo carries outcomes: every exited trainee's, some answered through survey links."""

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from tracker import timeutil
from tracker.extensions import db
from tracker.outcomes.models import AnsweredSurvey, Outcome
from tracker.outcomes.queries import course_slug, courses


@pytest.fixture
def demo_in_2024(app, run_tracker, monkeypatch):
    """The demo loaded on 15 January 2024 (its outcomes depend on the day)."""
    monkeypatch.setattr(timeutil, "today", lambda: date(2024, 1, 15))
    result = run_tracker("demo")
    assert result.exit_code == 0, result.output


def test_the_demo_has_outcomes_from_staff_and_surveys(app, demo_in_2024):
    with app.app_context():
        rows = db.session.scalars(select(Outcome)).all()
        by_moment = Counter(outcome.moment for outcome in rows)
        assert by_moment["exit"] == 25
        assert by_moment["3_months"] == 25
        assert 20 <= by_moment["6_months"] < 25  # a few never told
        sources = Counter(outcome.source for outcome in rows)
        assert sources["survey"] >= 5 and sources["staff"] > sources["survey"]
        answered = db.session.scalars(select(AnsweredSurvey)).all()
        assert len(answered) == sources["survey"]
        certifications = Counter(o.certification for o in rows if o.moment == "exit")
        assert set(certifications) == {"full", "part", "none"}
        assert all(o.block_list for o in rows if o.certification == "part")
        slug = course_slug(next(iter(courses().values()))[0])
    text = app.test_client().get(f"/results/{slug}?lang=en").get_data(as_text=True)
    assert "25 trainees entered" in text
    assert "Employment rate 6 months after exit" in text
