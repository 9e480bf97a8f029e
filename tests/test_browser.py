"""In Debian's Chromium: signing in with the keyboard alone, access by URL, axe-core checks, and
every main page of every role on a 360 px wide phone."""

import time

import pytest
from axe_playwright_python.sync_playwright import Axe

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


def wait_until(page, condition: str, seconds: float = 5) -> None:
    """Wait until a JavaScript expression holds in the page.

    Playwright's wait_for_function evaluates its text with eval(), which the pages' Content
    Security Policy forbids; page.evaluate goes through the browser's debugging protocol.
    """
    deadline = time.monotonic() + seconds
    while not page.evaluate(condition):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {condition}"
        page.wait_for_timeout(50)


def tab_until(page, condition: str, limit: int = 60) -> None:
    """Press Tab until a JavaScript condition on document.activeElement holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(e => {condition})(document.activeElement)"):
            return
    raise AssertionError(f"never reached an element where {condition}")


def test_an_instructor_takes_a_roll_call_then_enters_results_with_the_keyboard(
    app, page, live_server, world
):
    from sqlalchemy import select

    from tracker.assessments.models import Result
    from tracker.attendance.models import AttendanceRecord
    from tracker.cohorts.models import Trainee
    from tracker.extensions import db

    sign_in_with_the_keyboard(page, live_server, "prof@centre.fr")
    page.goto(f"{live_server}/cohorts/alpha/sessions/{world.session}/roll-call")
    # T01, recorded present: arrow to "late", then the minutes and a note.
    tab_until(page, "e.type === 'radio' && e.checked")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.type("20")
    page.keyboard.press("Tab")
    page.keyboard.type("Bus en retard")
    # T02, recorded excused: arrow to "absent".
    tab_until(page, "e.type === 'radio' && e.checked")
    page.keyboard.press("ArrowRight")
    tab_until(page, "e.type === 'submit'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".flash").count() >= 1

    page.goto(f"{live_server}/cohorts/alpha/assessments/A1/results")
    tab_until(page, "(e.name || '').includes('score')")
    page.keyboard.press("Control+A")
    page.keyboard.type("16,5")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("Progrès nets")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    with app.app_context():
        marks = dict(
            db.session.execute(
                select(Trainee.ref, AttendanceRecord)
                .join(AttendanceRecord.trainee)
                .where(AttendanceRecord.session_id == world.session)
            ).all()
        )
        assert (marks["T01"].status, marks["T01"].minutes_missed) == ("late", 20)
        assert marks["T01"].note == "Bus en retard"
        assert marks["T02"].status == "absent"
        first = db.session.scalar(
            select(Result)
            .join(Result.trainee)
            .where(Trainee.ref == "T01", Trainee.first_name == "Ada")
        )
        assert (first.score, first.comment) == (16.5, "Progrès nets")


MAIN_PAGES = {
    "prof@centre.fr": [
        "/",
        "/cohorts",
        "/cohorts/alpha?as_of=2022-06-30",
        "/cohorts/alpha/timetable?week=2022-W02",
        "/cohorts/alpha/sessions/{session}/roll-call",
        "/cohorts/alpha/modules",
        "/cohorts/alpha/assessments/new",
        "/cohorts/alpha/assessments/A1/results",
        "/cohorts/alpha/trainees/T02?as_of=2022-06-30",
        "/roll-calls/not-taken",
        "/account/password",
        "/cohorts/alpha/justifications",
        "/cohorts/alpha/justifications/{justification}",
        "/cohorts/alpha/paper-sheets/{paper_week}",
    ],
    "admin@centre.fr": [
        "/cohorts/alpha/paper-sheets",
        "/cohorts/alpha/paper-sheets/{paper_week}",
        "/admin/accounts",
        "/admin/accounts/new",
        "/admin/accounts/{user}",
        "/admin/organisation",
        "/audit",
        "/cohorts/new",
        "/cohorts/alpha/edit",
        "/cohorts/alpha/curriculum",
        "/cohorts/alpha/trainees",
        "/cohorts/alpha/trainees/new",
        "/cohorts/alpha/sessions/generate",
        "/cohorts/alpha/sessions/new",
        "/cohorts/alpha/import",
    ],
    "ada@example.org": [
        "/",
        "/cohorts/alpha/trainees/T01",
        "/cohorts/alpha/trainees/T01/justifications",
        "/cohorts/alpha/trainees/T01/justifications/new",
        "/cohorts/alpha/justifications/{justification}",
    ],
    "region@laregion.fr": [
        "/",
        "/cohorts",
        "/funding?as_of=2022-06-30",
        "/cohorts/alpha/funding?as_of=2022-06-30",
        "/cohorts/alpha/funding/statement?month=2022-01",
        "/cohorts/alpha/funding/signatures?month=2022-01",
        "/cohorts/alpha/budget?as_of=2022-06-30",
        "/cohorts/alpha/budget/expenses",
        "/cohorts/alpha/paper-sheets",
    ],
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("email", list(MAIN_PAGES))
def test_the_main_pages_have_no_serious_accessibility_violation(
    page, live_server, world, email, language
):
    sign_in_with_the_keyboard(page, live_server, email)
    found = []
    for template in MAIN_PAGES[email]:
        url = live_server + world.url(template)
        separator = "&" if "?" in url else "?"
        response = page.goto(f"{url}{separator}lang={language}")
        assert response.status == 200, url
        found += [f"{template}: {violation}" for violation in serious_violations(page)]
    assert found == []


def test_the_accessibility_check_does_find_violations(page):
    # Guards the checks above against passing vacuously: a form field without a label is serious.
    page.set_content("<html lang='fr'><body><main><input type='text'></main></body></html>")
    assert any(violation.startswith("label") for violation in serious_violations(page))


# Every page that each role reaches from its menus, at 360 px: a phone held upright.
PHONE_PAGES = {
    "admin@centre.fr": [
        "/",
        "/cohorts",
        "/cohorts/alpha?as_of=2022-06-30",
        "/cohorts/alpha/timetable?week=2022-W02",
        "/cohorts/alpha/sessions/{session}/roll-call",
        "/cohorts/alpha/modules",
        "/cohorts/alpha/assessments/A1/results",
        "/cohorts/alpha/trainees/T02?as_of=2022-06-30",
        "/cohorts/alpha/curriculum",
        "/cohorts/alpha/curriculum/modules/new",
        "/cohorts/alpha/trainees",
        "/cohorts/alpha/trainees/new",
        "/cohorts/alpha/trainees/T01/withdrawal",
        "/cohorts/alpha/edit",
        "/cohorts/alpha/sessions/generate",
        "/cohorts/alpha/sessions/{session}/edit",
        "/cohorts/alpha/import",
        "/cohorts/alpha/budget?as_of=2022-06-30",
        "/cohorts/alpha/budget/expenses",
        "/cohorts/alpha/budget/expenses/new",
        "/cohorts/alpha/budget/expenses/import",
        "/funding?as_of=2022-06-30",
        "/cohorts/alpha/funding?as_of=2022-06-30",
        "/cohorts/alpha/funding/statement?month=2022-01",
        "/admin/accounts",
        "/admin/accounts/new",
        "/admin/accounts/{user}",
        "/admin/organisation",
        "/audit",
        "/cohorts/new",
        "/cohorts/alpha/paper-sheets",
        "/cohorts/alpha/paper-sheets/{paper_week}",
        "/cohorts/alpha/justifications",
        "/cohorts/alpha/justifications/{justification}",
    ],
    "prof@centre.fr": [
        "/",
        "/cohorts",
        "/cohorts/alpha?as_of=2022-06-30",
        "/cohorts/alpha/timetable?week=2022-W02",
        "/cohorts/alpha/sessions/{session}/roll-call",
        "/cohorts/alpha/modules",
        "/cohorts/alpha/assessments/new",
        "/cohorts/alpha/assessments/A1/edit",
        "/cohorts/alpha/assessments/A1/results",
        "/cohorts/alpha/trainees/T02?as_of=2022-06-30",
        "/roll-calls/not-taken",
        "/account/password",
    ],
    "region@laregion.fr": [
        "/",
        "/cohorts",
        "/funding?as_of=2022-06-30",
        "/cohorts/alpha/funding?as_of=2022-06-30",
        "/cohorts/alpha/funding/statement?month=2022-01",
        "/cohorts/alpha/funding/signatures?month=2022-01",
        "/cohorts/alpha/budget?as_of=2022-06-30",
        "/cohorts/alpha/budget/expenses",
        "/cohorts/alpha/paper-sheets",
        "/cohorts/alpha/paper-sheets/{paper_week}",
    ],
    "ada@example.org": [
        "/",
        "/cohorts/alpha/trainees/T01?as_of=2022-06-30",
        "/account/password",
        "/cohorts/alpha/trainees/T01/justifications",
        "/cohorts/alpha/trainees/T01/justifications/new",
        "/cohorts/alpha/justifications/{justification}",
    ],
}

# What sticks out to the right of the page, outside the boxes that scroll on their own.
WIDER_THAN_THE_PAGE = """() => {
  const width = document.documentElement.clientWidth;
  const wider = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.parentElement.closest(".table-wrap");
    if (box) continue;
    const right = element.getBoundingClientRect().right;
    if (right > width + 0.5) {
      const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + [...element.classList].map((c) => "." + c).join("");
      wider.push(`${name} (${Math.round(right)} px)`);
    }
  }
  return {width: document.documentElement.scrollWidth, wider: wider.slice(0, 5)};
}"""


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("email", list(PHONE_PAGES))
def test_every_main_page_fits_a_360_px_phone(browser, live_server, world, email, language):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in_with_the_keyboard(page, live_server, email)
    found = {}
    for template in PHONE_PAGES[email]:
        url = live_server + world.url(template)
        separator = "&" if "?" in url else "?"
        response = page.goto(f"{url}{separator}lang={language}")
        assert response.status == 200, url
        measured = page.evaluate(WIDER_THAN_THE_PAGE)
        if measured["width"] > 360 or measured["wider"]:
            found[template] = measured
        if language == "fr":
            # Narrow, tables scroll in their box: the keyboard must reach it (once is enough).
            violations = serious_violations(page)
            if violations:
                found[template] = violations
    context.close()
    assert found == {}


def test_a_table_wider_than_a_phone_scrolls_with_the_keyboard(browser, live_server, world):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in_with_the_keyboard(page, live_server, "region@laregion.fr")
    page.goto(f"{live_server}/cohorts/alpha/funding/statement?month=2022-01")
    tab_until(page, "e.classList.contains('table-wrap')")
    box = page.evaluate_handle("document.activeElement")
    assert "Heures de chaque stagiaire en janvier 2022" in box.get_attribute("aria-label")
    page.keyboard.press("ArrowRight")
    wait_until(page, "document.activeElement.scrollLeft > 0")  # scrolls smoothly
    # Wide enough, the same table does not scroll and is no stop for the keyboard.
    page.set_viewport_size({"width": 1366, "height": 740})
    wait_until(page, "!document.querySelector('.table-wrap').hasAttribute('tabindex')")
    context.close()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_roll_call_and_the_results_fit_a_phone(page, live_server, world, language):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in_with_the_keyboard(page, live_server, "prof@centre.fr")
    page.goto(f"{live_server}/cohorts/alpha/sessions/{world.session}/roll-call?lang={language}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # T01, present: their name, one row of five buttons and a line saying whether they signed;
    # minutes and note hidden.
    line = page.locator(".marks > li").first
    buttons = line.locator(".segmented label")
    assert buttons.count() == 5
    tops = {round(box["y"]) for box in (buttons.nth(n).bounding_box() for n in range(5))}
    assert len(tops) == 1
    assert line.bounding_box()["height"] < 130
    assert not line.locator(".minutes-field").is_visible()
    # One tap on "late" chooses it and shows the minutes field.
    buttons.nth(1).click()
    assert line.locator("input[value=late]").is_checked()
    assert line.locator(".minutes-field input").is_visible()
    # Back to present: the minutes field hides again, emptied.
    line.locator(".minutes-field input").fill("20")
    buttons.nth(0).click()
    assert not line.locator(".minutes-field").is_visible()
    assert line.locator(".minutes-field input").input_value() == ""
    assert serious_violations(page) == []

    page.goto(f"{live_server}/cohorts/alpha/assessments/A1/results?lang={language}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator(".grid-lines > li").first.bounding_box()["height"] < 110
    assert serious_violations(page) == []
