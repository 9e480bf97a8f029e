"""GET /api/cohorts/<slug>/metrics serves the JSON of `tracker metrics`."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.world import build_world
from tracker.auth.models import User
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.metrics.loading import cohort_metrics


@pytest.fixture
def officer(app, login_as):
    with app.app_context():
        world = build_world()
        return login_as(app.test_client(), db.session.get(User, world.accounts["officer"]))


def test_the_api_serves_the_same_figures_as_the_command(app, officer, run_tracker):
    response = officer.get("/api/cohorts/alpha/metrics?as_of=2022-06-30")
    assert response.status_code == 200
    assert response.is_json
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        expected = cohort_metrics(cohort, date(2022, 6, 30))
    assert response.get_json() == json.loads(json.dumps(expected))
    printed = run_tracker("metrics", "alpha", "--as-of", "2022-06-30")
    assert json.loads(printed.output) == response.get_json()
    assert response.get_json()["budget"]["spent"] == "12500.50"


@pytest.mark.parametrize("as_of", ["30/06/2022", "2022-02-30", "yesterday"])
def test_a_bad_date_gets_a_json_400(officer, as_of):
    response = officer.get(f"/api/cohorts/alpha/metrics?as_of={as_of}")
    assert response.status_code == 400
    assert response.get_json()["error"] == f"as_of: {as_of!r} is not a date YYYY-MM-DD"


def test_an_unknown_cohort_gets_a_json_404(officer):
    response = officer.get("/api/cohorts/nope/metrics")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_anonymous_callers_get_a_json_401(client):
    response = client.get("/api/cohorts/alpha/metrics")
    assert response.status_code == 401
    assert response.get_json() == {"error": "sign in first", "status": 401}
