"""In Debian's Chromium: the pages keep working under the Content-Security-Policy."""

import pytest

from tests.test_browser import sign_in_with_the_keyboard
from tests.world import PASSWORD


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


def end_login_sessions(app) -> None:
    """Leave the signed-in sessions idle past the timeout, as a morning away from the screen."""
    from datetime import timedelta

    from sqlalchemy import select

    from tracker.auth.models import LoginSession
    from tracker.extensions import db

    with app.app_context():
        for login in db.session.scalars(select(LoginSession)):
            login.last_seen_at -= timedelta(minutes=61)
        db.session.commit()


def recorded_status(app, world, ref: str):
    from sqlalchemy import select

    from tracker.attendance.models import AttendanceRecord
    from tracker.cohorts.models import Cohort, Trainee
    from tracker.extensions import db

    with app.app_context():
        return db.session.scalar(
            select(AttendanceRecord.status)
            .join(Trainee)
            .join(Cohort)
            .where(
                Cohort.slug == "alpha",
                Trainee.ref == ref,
                AttendanceRecord.session_id == world.session,
            )
        )


def mark_the_first_trainee_absent(page) -> None:
    line = page.locator("form.roll-call .marks > li").first
    line.locator("input[type=radio][value=absent]").check(force=True)
    line.locator("input[name$='-note']").fill("Parti chez le médecin")


def the_first_trainee_is_marked_absent(page) -> bool:
    line = page.locator("form.roll-call .marks > li").first
    return (
        line.locator("input[type=radio][value=absent]").is_checked()
        and line.locator("input[name$='-note']").input_value() == "Parti chez le médecin"
    )


def save_the_roll_call(page) -> None:
    with page.expect_navigation():
        page.locator("form.roll-call button[type=submit]").click()


def test_a_roll_call_sent_after_the_idle_timeout_is_saved_after_signing_in_again(
    app, page, live_server, world
):
    complaints = policy_complaints(page)
    sign_in_with_the_keyboard(page, live_server, "prof@centre.fr")
    roll_call = f"{live_server}/cohorts/alpha/sessions/{world.session}/roll-call"
    page.goto(roll_call)
    mark_the_first_trainee_absent(page)
    end_login_sessions(app)
    save_the_roll_call(page)
    assert page.url.startswith(f"{live_server}/login?next=")
    assert recorded_status(app, world, "T01") == "present"  # nothing saved yet
    page.fill("input[name=email]", "prof@centre.fr")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    # Back on the roll call, with what was typed put back and said so.
    assert page.url == roll_call
    assert the_first_trainee_is_marked_absent(page)
    assert page.locator("p.flash[role=status]").filter(has_text="remis").count() == 1
    save_the_roll_call(page)
    assert recorded_status(app, world, "T01") == "absent"
    # Saved: nothing is put back any more.
    page.goto(roll_call)
    assert page.locator("p.flash[role=status]").filter(has_text="remis").count() == 0
    assert complaints == []


def test_a_roll_call_refused_for_its_token_is_put_back_from_the_error_page(
    app, page, live_server, world
):
    sign_in_with_the_keyboard(page, live_server, "prof@centre.fr")
    roll_call = f"{live_server}/cohorts/alpha/sessions/{world.session}/roll-call"
    page.goto(roll_call)
    mark_the_first_trainee_absent(page)
    # Meanwhile, in another tab: signed out and in again, which gives the forms a new token.
    other = page.context.new_page()
    other.goto(f"{live_server}/")
    with other.expect_navigation():
        other.locator("form[data-forgets-typed-work] button").click()
    sign_in_with_the_keyboard(other, live_server, "prof@centre.fr")
    other.close()
    save_the_roll_call(page)
    assert page.locator("h1").inner_text() == "Le formulaire avait expiré"
    with page.expect_navigation():
        page.get_by_role("link", name="Revenir au formulaire").click()
    assert page.url == roll_call
    assert the_first_trainee_is_marked_absent(page)
    save_the_roll_call(page)
    assert recorded_status(app, world, "T01") == "absent"


def test_an_open_roll_call_keeps_its_session_alive_while_someone_types(page, live_server, world):
    page.clock.install()
    sign_in_with_the_keyboard(page, live_server, "prof@centre.fr")
    page.goto(f"{live_server}/cohorts/alpha/sessions/{world.session}/roll-call")
    pings = []
    page.on("request", lambda request: pings.append(request.url) if "alive" in request.url else 0)
    line = page.locator("form.roll-call .marks > li").first
    line.locator("input[type=radio][value=absent]").check(force=True)  # shows the note field
    note = line.locator("input[name$='-note']")
    note.fill("a")
    assert pings == []  # just opened: the session is fresh
    page.clock.fast_forward("03:00")
    with page.expect_response("**/account/alive") as answer:
        note.press("b")
    assert answer.value.status == 204
    page.clock.fast_forward("00:30")
    note.press("c")
    page.wait_for_timeout(200)
    assert len(pings) == 1  # at most one every two minutes
