"""In Debian's Chromium: signing in with the keyboard alone, access by URL, and axe-core checks."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.world import PASSWORD, build_world


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


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


def sign_in_with_the_keyboard(page, base, email):
    """Sign in pressing keys only: the skip link, then the fields, then Enter."""
    page.goto(f"{base}/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "email"
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def serious_violations(page) -> list[str]:
    """Run axe-core on the page; return its serious and critical violations, described."""
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_an_instructor_signs_in_with_the_keyboard_alone(page, live_server, world):
    sign_in_with_the_keyboard(page, live_server, "prof@centre.fr")
    assert page.url.split("#")[0] == f"{live_server}/"
    assert "Olivier Prof" in page.content() or page.locator("h1").count() == 1
    assert page.locator("text=Se déconnecter").count() == 1


def test_a_trainee_cannot_open_another_trainees_page(page, live_server, world):
    sign_in_with_the_keyboard(page, live_server, "ada@example.org")
    own = page.goto(f"{live_server}/cohorts/alpha/trainees/T01")
    assert own.status == 200
    assert "Ada" in page.content()
    other = page.goto(f"{live_server}/cohorts/alpha/trainees/T02")
    assert other.status == 404
    assert "Turing" not in page.content()


PUBLIC_PAGES = ["/login"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_sign_in_page_has_no_serious_accessibility_violation(
    page, live_server, world, language
):
    page.goto(f"{live_server}/login?lang={language}")
    assert page.locator("html").get_attribute("lang") == ("fr" if language == "fr" else "en-GB")
    assert serious_violations(page) == []
