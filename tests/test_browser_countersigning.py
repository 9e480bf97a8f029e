"""In Debian's Chromium, on a phone: an instructor draws their signature on the pad, comes back
to the roll call and closes it by countersigning; the pages pass axe-core and fit 360 px."""

from datetime import UTC, datetime

from sqlalchemy import select

from tests.signatures_data import sign
from tests.test_browser import (  # noqa: F401 (database_url: the browser tests' SQLite)
    WIDER_THAN_THE_PAGE,
    database_url,
    serious_violations,
    sign_in_with_the_keyboard,
)
from tracker import timeutil
from tracker.cohorts.models import Trainee
from tracker.extensions import db
from tracker.signing import countersigning
from tracker.signing.models import Countersignature, DrawnSignature


def fits(page) -> None:
    measured = page.evaluate(WIDER_THAN_THE_PAGE)
    assert measured["width"] <= 360, measured
    assert serious_violations(page) == []


def test_an_instructor_draws_their_signature_then_countersigns_on_a_phone(
    app, browser, live_server, world, monkeypatch
):
    monkeypatch.setattr(timeutil, "utc_now", lambda: datetime(2022, 1, 10, 12, 0, tzinfo=UTC))
    with app.app_context():
        t01 = db.session.scalar(select(Trainee.id).where(Trainee.email == "ada@example.org"))
    sign(app, world.session, t01, datetime(2022, 1, 10, 8, 4, tzinfo=UTC))
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in_with_the_keyboard(page, live_server, "prof@centre.fr")

    page.goto(f"{live_server}/cohorts/alpha/sessions/{world.session}/roll-call?lang=en")
    assert page.locator(f"#line-{t01}").get_by_text("Signed at 09:04").count() == 1
    fits(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Draw my signature first").click()
    fits(page)

    # Two strokes drawn with the pointer on the pad.
    box = page.locator("[data-signature-pad] canvas").bounding_box()
    for y in (0.4, 0.7):
        page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * y)
        page.mouse.down()
        for step in range(1, 8):
            x = 0.1 + step * 0.1
            page.mouse.move(
                box["x"] + box["width"] * x, box["y"] + box["height"] * (y - 0.1 * (step % 2))
            )
        page.mouse.up()
    with page.expect_navigation():
        page.get_by_role("button", name="Save my signature").click()
    assert "/roll-call" in page.url
    assert page.locator("#close svg title").text_content().startswith("Your signature, drawn on")

    page.get_by_label("I countersign").check()
    with page.expect_navigation():
        page.locator("#close button[type=submit]").click()
    assert "Countersigned by Olivier Prof on 10/01/2022 13:00." in page.content()
    fits(page)
    context.close()

    with app.app_context():
        drawn = db.session.scalar(select(DrawnSignature))
        countersignature = db.session.scalar(select(Countersignature))
        assert len(countersignature.strokes) > 50 and countersignature.strokes == drawn.strokes
        assert countersigning.is_intact(countersignature)
        assert countersignature.user_agent.startswith("Mozilla/")
