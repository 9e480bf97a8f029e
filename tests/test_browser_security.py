"""In Debian's Chromium: the pages keep working under the Content-Security-Policy."""

import pytest

from tests.test_browser import sign_in_with_the_keyboard


@pytest.fixture
def database_url(tmp_path):
    """Browser tests run on SQLite only: what they check is the page, not the SQL."""
    from sqlalchemy import create_engine

    from tracker.extensions import db

    url = f"sqlite:///{tmp_path / 'browser.db'}"
    engine = create_engine(url)
    db.metadata.create_all(engine)
    engine.dispose()
    return url


def policy_complaints(page) -> list[str]:
    """Collect what the browser reports on the console while the page is used."""
    complaints = []
    page.on("console", lambda message: complaints.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: complaints.append(f"pageerror: {error}"))
    return complaints


@pytest.mark.parametrize(
    ("email", "path"),
    [
        ("region@laregion.fr", "/cohorts/alpha/funding"),
        ("ada@example.org", "/cohorts/alpha/trainees/T01"),
        ("prof@centre.fr", "/cohorts/alpha/trainees/T01"),
    ],
)
def test_pages_with_charts_render_under_the_policy(page, live_server, world, email, path):
    complaints = policy_complaints(page)
    sign_in_with_the_keyboard(page, live_server, email)
    response = page.goto(f"{live_server}{path}")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    charts = page.locator("figure.chart svg")
    assert charts.count() >= 1
    box = charts.first.bounding_box()
    assert box["width"] > 100 and box["height"] > 50
    assert complaints == []
