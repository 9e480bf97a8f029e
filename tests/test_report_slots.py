"""Report making is bounded across the server's processes: beyond REPORT_MAKING_SLOTS reports
in the making at once, a request for one more answers 503 at once (and its page tries again by
itself), so that the workers left serve the pages; a report made already is served anyway."""

import pytest
from sqlalchemy import select

from tracker.auth.models import User
from tracker.extensions import db
from tracker.reports import limits

URL = "/cohorts/alpha/trainees/T01/report.pdf"


def every_slot_taken(app):
    """Hold every making slot, as other worker processes making reports would."""
    folder, slots = app.config["REPORT_CACHE_FOLDER"], app.config["REPORT_MAKING_SLOTS"]
    held = [limits.making_slot(folder, slots) for _ in range(slots)]
    for slot in held:
        slot.__enter__()
    return held


def release(held) -> None:
    for slot in held:
        slot.__exit__(None, None, None)


def test_a_report_to_make_while_every_slot_is_taken_answers_503_and_tries_again(
    app, signed_in, tmp_path
):
    app.config["REPORT_MAKING_SLOTS"] = 2
    client = signed_in("admin")
    held = every_slot_taken(app)
    try:
        busy = client.get(URL + "?as_of=2022-06-30&lang=en")
        busy_fr = client.get(URL + "?as_of=2022-06-30&lang=fr")
    finally:
        release(held)
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == str(limits.BUSY_RETRY_SECONDS)
    page = busy.get_data(as_text=True)
    assert "other reports" in page
    assert f'<meta http-equiv="refresh" content="{limits.BUSY_RETRY_SECONDS}">' in page
    assert "Traceback" not in page
    assert "autres rapports" in busy_fr.get_data(as_text=True)
    # Nothing was made, and the refusals took nothing of the account's share.
    assert not list((tmp_path / "cache" / "reports").rglob("*.pdf"))
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
    makings = tmp_path / "cache" / "reports" / limits.FILE_NAME
    assert not makings.exists() or str(admin.id) not in makings.read_text()

    made = client.get(URL + "?as_of=2022-06-30&lang=en")
    assert made.status_code == 200
    assert made.mimetype == "application/pdf"


def test_a_report_made_already_is_served_while_every_slot_is_taken(app, signed_in):
    app.config["REPORT_MAKING_SLOTS"] = 1
    client = signed_in("admin")
    first = client.get(URL + "?as_of=2022-06-30&lang=en")
    assert first.status_code == 200
    held = every_slot_taken(app)
    try:
        again = client.get(URL + "?as_of=2022-06-30&lang=en")
    finally:
        release(held)
    assert again.status_code == 200
    assert again.data == first.data


def test_a_slot_is_free_again_once_its_report_is_made(app, tmp_path):
    folder = tmp_path / "slots"
    with limits.making_slot(folder, 1):
        pass
    with limits.making_slot(folder, 1):
        pass  # taken again: the first was released
    with (
        limits.making_slot(folder, 2),
        limits.making_slot(folder, 2),
        pytest.raises(limits.ServerBusy) as busy,
        limits.making_slot(folder, 2),
    ):
        pass  # a third slot of two: never reached
    assert busy.value.retry_after == limits.BUSY_RETRY_SECONDS
