"""Report making is bounded across the server's processes: beyond REPORT_MAKING_SLOTS reports
in the making at once, a request for one more answers 503 at once (and its page tries again by
itself), so that the workers left serve the pages; a report made already is served anyway."""

import os
import sys
import threading

import pytest
from sqlalchemy import select

from tracker.auth.models import User
from tracker.extensions import db
from tracker.reports import limits, making

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


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="a nice value of its own per thread: Linux's"
)
def test_a_report_is_laid_out_at_a_lower_priority_than_the_pages(app, signed_in, monkeypatch):
    """Another worker's page is served first while a report is laid out: the layout runs in a
    thread whose nice value is MAKING_NICENESS above the request's."""
    laid_out = []
    real = making.write_pdf

    def watched(html, kind):
        thread = threading.get_native_id()
        laid_out.append((thread, os.getpriority(os.PRIO_PROCESS, thread)))
        return real(html, kind)

    monkeypatch.setattr(making, "write_pdf", watched)
    request_thread = threading.get_native_id()
    request_nice = os.getpriority(os.PRIO_PROCESS, request_thread)
    answer = signed_in("admin").get(URL + "?as_of=2022-06-30&lang=en")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    [(thread, nice)] = laid_out
    assert thread != request_thread
    assert nice == min(request_nice + making.MAKING_NICENESS, 19)
    # The request's own priority is left as it was.
    assert os.getpriority(os.PRIO_PROCESS, request_thread) == request_nice
