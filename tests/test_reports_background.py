"""A report asked for on the web and not made yet is laid out in a process of its own
(REPORT_MAKING_IN_BACKGROUND): the request answers at once that it is being made (202, and its
page asks again by itself), the worker serves other pages meanwhile, and the next request once
it is made downloads it."""

import os
import sys
import time
from pathlib import Path

import pytest

from tracker.reports import background, limits, making

pytestmark = pytest.mark.skipif(
    not background.available(), reason="reports are made in a process of their own on Linux"
)

URL = "/cohorts/alpha/trainees/T01/report.pdf?as_of=2022-06-30"


@pytest.fixture
def in_background(app):
    app.config["REPORT_MAKING_IN_BACKGROUND"] = True
    return app


def wait_for_the_report(client, url: str, seconds: float = 60):
    """Ask for a report as its page does until it is there (202 meanwhile), and return it."""
    deadline = time.monotonic() + seconds
    while True:
        answer = client.get(url)
        if answer.status_code != 202:
            return answer
        assert time.monotonic() < deadline, "the report was never made"
        time.sleep(0.1)


def laid_out_when(gate, record):
    """A write_pdf that notes where it runs (process and nice value) in `record`, then waits
    until the file `gate` exists before laying out: what a long making looks like."""
    real = making.write_pdf

    def write_pdf(html, kind):
        record.write_text(f"{os.getpid()} {os.nice(0)}")
        while not gate.exists():
            time.sleep(0.05)
        return real(html, kind)

    return write_pdf


def test_a_report_not_made_yet_answers_at_once_then_downloads(in_background, signed_in):
    client = signed_in("trainee")
    answer = client.get(URL + "&lang=en")
    assert answer.status_code == 202
    assert answer.headers["Retry-After"] == str(making.BEING_MADE_RETRY_SECONDS)
    page = answer.get_data(as_text=True)
    assert "Your report is being made" in page
    assert f'<meta http-equiv="refresh" content="{making.BEING_MADE_RETRY_SECONDS}">' in page
    assert 'role="status"' in page

    made = wait_for_the_report(client, URL + "&lang=en")
    assert made.status_code == 200
    assert made.mimetype == "application/pdf"
    assert "alpha_T01_progress_2022-06-30_en.pdf" in made.headers["Content-Disposition"]
    # The very report the request would have made itself.
    for pdf in list(Path(in_background.config["REPORT_CACHE_FOLDER"]).rglob("*.pdf")):
        pdf.unlink()
    in_background.config["REPORT_MAKING_IN_BACKGROUND"] = False
    assert client.get(URL + "&lang=en").data == made.data


@pytest.mark.parametrize(
    "url",
    [
        "/cohorts/alpha/trainees/T01/report.pdf?as_of=2022-06-30&lang=fr",
        "/cohorts/alpha/trainees/T01/certificate.pdf?as_of=2022-06-30&lang=en",
        "/cohorts/alpha/trainees/T01/attestation.pdf?as_of=2022-12-16&lang=fr",
        "/cohorts/alpha/report.pdf?as_of=2022-06-30&lang=en",
        "/cohorts/alpha/funding-report.pdf?as_of=2022-06-30&lang=fr",
        "/cohorts/alpha/attendance-sheets/2022-W02.pdf?lang=en",
    ],
)
def test_every_kind_is_rendered_and_laid_out_without_the_database(in_background, signed_in, url):
    """The making process renders the HTML and draws the charts with no connection of its own
    (it closed the worker's): what it shows was gathered in the request, and the PDF is the one
    the request would have made."""
    client = signed_in("admin")
    assert client.get(url).status_code == 202
    made = wait_for_the_report(client, url)
    assert made.status_code == 200, made.get_data(as_text=True)[:300]
    for pdf in list(Path(in_background.config["REPORT_CACHE_FOLDER"]).rglob("*.pdf")):
        pdf.unlink()
    in_background.config["REPORT_MAKING_IN_BACKGROUND"] = False
    assert client.get(url).data == made.data


def test_the_page_of_a_report_being_made_speaks_french(in_background, signed_in):
    client = signed_in("trainee")
    page = client.get(URL + "&lang=fr").get_data(as_text=True)
    assert "Votre rapport est en cours de préparation" in page
    assert "being made" not in page
    assert wait_for_the_report(client, URL + "&lang=fr").status_code == 200


def test_the_layout_runs_in_another_process_of_lower_priority_holding_its_slot(
    in_background, signed_in, monkeypatch, tmp_path
):
    """While the report is laid out, the request has returned, the making process holds the
    server's making slot and the document's lock: another request for it starts nothing."""
    in_background.config["REPORT_MAKING_SLOTS"] = 1
    gate, record = tmp_path / "gate", tmp_path / "where"
    monkeypatch.setattr(making, "write_pdf", laid_out_when(gate, record))
    starts = []
    real_start = background.start
    monkeypatch.setattr(background, "start", lambda work: starts.append(1) or real_start(work))
    client = signed_in("instructor")
    try:
        assert client.get(URL + "&lang=en").status_code == 202
        deadline = time.monotonic() + 30
        while not record.exists() or not record.read_text():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        pid, nice = map(int, record.read_text().split())
        assert pid != os.getpid()
        assert nice == min(os.nice(0) + background.MAKING_NICENESS, 19)
        # The making process holds the only slot: another report would wait for it.
        with pytest.raises(limits.ServerBusy):
            limits.making_slot(in_background.config["REPORT_CACHE_FOLDER"], 1).__enter__()
        # Asked again meanwhile: being made, and not started again.
        assert client.get(URL + "&lang=en").status_code == 202
        assert len(starts) == 1
    finally:
        gate.touch()
    assert wait_for_the_report(client, URL + "&lang=en").status_code == 200
    assert len(starts) == 1
    # The process ends once the report is written, and its slot is free again.
    deadline = time.monotonic() + 30
    while True:
        try:
            with limits.making_slot(in_background.config["REPORT_CACHE_FOLDER"], 1):
                break
        except limits.ServerBusy:
            assert time.monotonic() < deadline, "the making process never released its slot"
            time.sleep(0.05)


def test_a_failed_making_says_so_once_then_the_report_is_made_again(
    in_background, signed_in, monkeypatch
):
    def broken(html, kind):
        raise RuntimeError("no more room")

    monkeypatch.setattr(making, "write_pdf", broken)
    client = signed_in("admin")
    assert client.get(URL + "&lang=en").status_code == 202
    failed = wait_for_the_report(client, URL + "&lang=en")
    assert failed.status_code == 500
    assert "Traceback" not in failed.get_data(as_text=True)
    monkeypatch.undo()
    assert client.get(URL + "&lang=en").status_code == 202
    assert wait_for_the_report(client, URL + "&lang=en").status_code == 200


def test_a_report_made_already_downloads_at_once(in_background, signed_in):
    client = signed_in("admin")
    first = wait_for_the_report(client, URL + "&lang=en")
    again = client.get(URL + "&lang=en")
    assert again.status_code == 200
    assert again.data == first.data


@pytest.mark.skipif(sys.platform != "linux", reason="/proc/self/fd")
def test_the_making_process_keeps_none_of_the_workers_sockets(tmp_path):
    """The client's connection ends when the worker closes it, not when a making ends."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    record = tmp_path / "sockets"

    def note_sockets():
        import stat

        kinds = [
            stat.S_ISSOCK(os.fstat(int(fd)).st_mode)
            for fd in os.listdir("/proc/self/fd")
            if _open(int(fd))
        ]
        record.write_text(str(sum(kinds)))

    background.start(note_sockets)
    deadline = time.monotonic() + 30
    while not record.exists() or not record.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    server.close()
    assert record.read_text() == "0"


def _open(descriptor: int) -> bool:
    try:
        os.fstat(descriptor)
    except OSError:
        return False
    return True
