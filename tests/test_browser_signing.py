"""In Debian's Chromium: the instructor's projector shows the room's code, trainees on 390 px phones
read it (typed, or the QR code's address), draw their signature with pointer events and confirm,
and the roll call shows them; the pages fit a phone, pass axe-core, and are photographed.

Set TRACKER_SCREENSHOTS to a folder to keep the screenshots (1366 and 390 px, fr and en).
"""

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.test_browser import (  # noqa: F401  (database_url: the browser tests' SQLite)
    WIDER_THAN_THE_PAGE,
    database_url,
    serious_violations,
    sign_in_with_the_keyboard,
    wait_until,
)
from tracker import timeutil
from tracker.attendance import operations as attendance
from tracker.attendance.models import Session
from tracker.auth.models import User
from tracker.auth.operations import add_user
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db
from tracker.signing.models import Signature

DAY = date(2022, 1, 11)  # a Tuesday: 09:00–12:30 in Paris
TWENTY_MINUTES_LATE = datetime(2022, 1, 11, 8, 20, 10, tzinfo=UTC)  # 09:20:10 in Paris
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def morning(app, world, monkeypatch):
    """Tuesday morning's half-day, Ada (T01) and Alan (T02) marked absent at 09:05, an account
    for Alan; the tracker's clock at 09:20."""
    with app.app_context():
        alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        module = db.session.scalar(select(Module).where(Module.cohort_id == alpha.id))
        session = Session(cohort_id=alpha.id, module=module, date=DAY, slot="AM", minutes=210)
        db.session.add(session)
        trainees = {
            trainee.ref: trainee
            for trainee in db.session.scalars(select(Trainee).where(Trainee.cohort == alpha))
        }
        add_user("alan@example.org", "trainee", "password-1", trainee=trainees["T02"])
        db.session.flush()
        instructor = db.session.scalar(select(User).where(User.email == "prof@centre.fr"))
        attendance.record_roll_call(
            session,
            {
                trainees["T01"].id: attendance.Mark("absent"),
                trainees["T02"].id: attendance.Mark("absent"),
            },
            instructor,
            0,
            now=datetime(2022, 1, 11, 8, 5, tzinfo=UTC),
        )
        db.session.commit()
        session_id = session.id
    monkeypatch.setattr(timeutil, "utc_now", lambda: TWENTY_MINUTES_LATE)
    return session_id


def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def draw_a_signature(page) -> None:
    """Draw two strokes on the pad with pointer events, as a finger would."""
    canvas = page.locator("[data-signature-pad] canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for line in ((0.1, 0.6, 0.45, 0.3), (0.5, 0.7, 0.9, 0.4)):
        x0, y0, x1, y1 = line
        page.mouse.move(box["x"] + x0 * box["width"], box["y"] + y0 * box["height"])
        page.mouse.down()
        for step in range(1, 11):
            x = x0 + (x1 - x0) * step / 10
            y = y0 + (y1 - y0) * step / 10 + (0.05 if step % 2 else -0.05)
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
        page.mouse.up()
    wait_until(page, "document.querySelector('input[name=strokes]').value.length > 0")


def test_trainees_sign_on_their_phones_from_the_projector(browser, live_server, app, morning):
    desk = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    projector = desk.new_page()
    projector.set_default_timeout(10_000)
    sign_in_with_the_keyboard(projector, live_server, "prof@centre.fr")
    projector.goto(f"{live_server}/cohorts/alpha/sessions/{morning}/projector")
    code = projector.locator("[data-code]").get_attribute("data-code")
    address = projector.locator("[data-signing-url]").get_attribute("data-signing-url")
    assert len(code) == 6 and address.startswith(f"{live_server}/sign/{morning}/")
    assert "0 stagiaire" in projector.locator("[data-count]").inner_text() or "0 of" in (
        projector.locator("[data-count]").inner_text()
    )

    # Ada types the code on her home page.
    context, ada = phone(browser)
    sign_in_with_the_keyboard(ada, live_server, "ada@example.org")
    ada.locator("input[name=code]").fill(f"{code[:3].lower()} {code[3:]}")
    with ada.expect_navigation():
        ada.locator("form.code-form button[type=submit]").click()
    assert "/sign?code=" in ada.url
    assert ada.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    draw_a_signature(ada)
    with ada.expect_navigation():
        ada.locator(".signing-form button[type=submit]").click()
    assert ada.url == f"{live_server}/"
    assert ada.locator(".flash.success").count() == 1
    context.close()

    # The projector counts her without being reloaded.
    wait_until(projector, "document.querySelector('[data-count]').textContent.includes('1')", 10)
    assert projector.locator("[data-code]").get_attribute("data-code") == code

    # Alan follows the QR code's address.
    context, alan = phone(browser)
    sign_in_with_the_keyboard(alan, live_server, "alan@example.org")
    alan.goto(address)
    draw_a_signature(alan)
    with alan.expect_navigation():
        alan.locator(".signing-form button[type=submit]").click()
    assert alan.locator(".flash.success").count() == 1
    context.close()
    wait_until(projector, "document.querySelector('[data-count]').textContent.includes('2')", 10)

    with app.app_context():
        kept = db.session.scalars(select(Signature).order_by(Signature.id)).all()
        assert [signature.time_step is not None for signature in kept] == [True, True]
        assert all(len(signature.digest) == 64 for signature in kept)
    # The roll call shows both, marked absent at 09:05, now late by 20 minutes.
    projector.goto(f"{live_server}/cohorts/alpha/sessions/{morning}/roll-call")
    with app.app_context():
        ids = dict(
            db.session.execute(
                select(Trainee.ref, Trainee.id).join(Cohort).where(Cohort.slug == "alpha")
            ).all()
        )
    ada_line = projector.locator(f"#line-{ids['T01']}")
    assert ada_line.locator("input[value=late]").is_checked()
    assert ada_line.locator("input[name$=minutes_missed]").input_value() == "20"
    assert projector.locator(f"#line-{ids['T02']} input[value=late]").is_checked()
    state = projector.locator("#roll-call-state").inner_text()
    assert "2 sur 2" in state
    desk.close()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_projector_and_the_signing_page_fit_and_are_photographed(
    browser, live_server, app, morning, language, tmp_path, monkeypatch
):
    folder = Path(os.environ.get("TRACKER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    found = {}
    for width, viewport in (("1366", DESKTOP), ("390", PHONE)):
        context = browser.new_context(viewport=viewport, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in_with_the_keyboard(page, live_server, "prof@centre.fr")
        page.goto(f"{live_server}/cohorts/alpha/sessions/{morning}/projector?lang={language}")
        page.screenshot(path=str(folder / f"projector-{width}-{language}.png"))
        measured = page.evaluate(WIDER_THAN_THE_PAGE)
        if measured["width"] > viewport["width"] or measured["wider"]:
            found[f"projector {width}"] = measured
        found.update({f"projector {width} axe": v for v in serious_violations(page)})
        token = page.locator("[data-signing-url]").get_attribute("data-signing-url")
        context.close()

        context = browser.new_context(viewport=viewport, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in_with_the_keyboard(page, live_server, "ada@example.org")
        page.goto(f"{live_server}/?lang={language}")
        page.screenshot(path=str(folder / f"home-{width}-{language}.png"), full_page=True)
        page.goto(f"{token}?lang={language}")
        draw_a_signature(page)
        page.screenshot(path=str(folder / f"sign-{width}-{language}.png"), full_page=True)
        measured = page.evaluate(WIDER_THAN_THE_PAGE)
        if measured["width"] > viewport["width"] or measured["wider"]:
            found[f"sign {width}"] = measured
        found.update({f"sign {width} axe": v for v in serious_violations(page)})
        context.close()
    # Before the window: the projector says when it opens.
    monkeypatch.setattr(timeutil, "utc_now", lambda: datetime(2022, 1, 11, 7, 30, tzinfo=UTC))
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    page = context.new_page()
    sign_in_with_the_keyboard(page, live_server, "prof@centre.fr")
    page.goto(f"{live_server}/cohorts/alpha/sessions/{morning}/projector?lang={language}")
    page.screenshot(path=str(folder / f"projector-before-1366-{language}.png"))
    assert page.locator("[data-code]").count() == 0
    context.close()
    assert found == {}
