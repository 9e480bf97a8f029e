"""Load benchmark: the demo on PostgreSQL behind gunicorn, 25 users at once, driven by locust.

    .venv/bin/python benchmarks/load.py [--seconds 60] [--workers 4] [--threads 1]
                                        [--edits-per-second 1] [--report-bursts]

Starts a throwaway PostgreSQL server, loads the demo into it (`tracker init`, `tracker demo`),
adds the benchmark's accounts (10 instructors, 5 officers, 10 trainees, each their own, so that no
account's own limits are what is measured) and opens their sessions (signing in checks an Argon2id
hash, slow on purpose, and is not measured), serves the application with gunicorn in production
settings (sync workers on loopback, plain HTTP, hence `SECURE_COOKIES = False`) and drives it with
locust for a bounded time (benchmarks/locustfile.py: 0.5–1.5 s between clicks). Prints, per
endpoint: requests, errors, p50, p95 and p99, beside the sign-in page measured in the same run as
the floor; then the same requests as gunicorn timed them (from the worker reading the request to
its answer written), which leave out the wait for a free worker and locust's own share of the
processor: where the two differ, the time went in waiting, not in the page's work; then the
verdicts: no error, pages' p95 under 150 ms.

`--edits-per-second N` adds a user saving a roll call N times a second, each save a changed mark;
`--report-bursts` adds an officer asking for ten reports nobody made yet at once, every five
seconds (the other users' p95 should not double). Locust runs on the same machine: on two cores
its own share of the processor is part of what is measured.
"""

import argparse
import csv
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from sqlalchemy import select

from benchmarks.common import build_demo, postgresql_database
from tracker import create_app
from tracker.assessments.models import Assessment
from tracker.attendance.models import Session
from tracker.auth.models import User
from tracker.auth.operations import add_user, start_login_session
from tracker.auth.views import TOKEN_KEY
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent
PASSWORD = "load-benchmark-2022"
# The sessions' cookies are signed here and read by gunicorn's workers: one key for both.
SECRET_KEY = "load-benchmark-secret-key-not-for-production"
PAGE_TARGET_MS = 150


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_accounts(url: str) -> dict:
    """Add the benchmark's accounts to the demo, open a session for each, and return locust's
    plan with each account's session cookie."""
    app = create_app({"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "ibm-ai-1"))
        trainees = db.session.scalars(
            select(Trainee).where(Trainee.cohort_id == cohort.id).order_by(Trainee.ref)
        ).all()
        plan = {
            "password": PASSWORD,
            "instructor_accounts": [],
            "officer_accounts": [],
            "trainee_accounts": [],
            "trainee_refs": {},
        }
        for number in range(1, 11):
            email = f"instructor{number}@load.tracker.fr"
            add_user(email, "instructor", PASSWORD, name=f"Instructor {number}", cohorts=[cohort])
            plan["instructor_accounts"].append(email)
        for number in range(1, 6):
            email = f"officer{number}@load.tracker.fr"
            add_user(email, "officer", PASSWORD, name=f"Officer {number}")
            plan["officer_accounts"].append(email)
        for trainee in trainees[2:12]:  # T01 and T02 have the demo's accounts
            email = f"{trainee.ref.lower()}@load.tracker.fr"
            add_user(email, "trainee", PASSWORD, trainee=trainee)
            plan["trainee_accounts"].append(email)
            plan["trainee_refs"][email] = trainee.ref
        add_user("editor@load.tracker.fr", "instructor", PASSWORD, cohorts=[cohort])
        add_user("burst@load.tracker.fr", "officer", PASSWORD)
        plan["editor_accounts"] = ["editor@load.tracker.fr"]
        plan["burst_accounts"] = ["burst@load.tracker.fr"]
        plan["cookie_name"] = app.config["SESSION_COOKIE_NAME"]
        serializer = app.session_interface.get_signing_serializer(app)
        plan["cookies"] = {}
        for user in db.session.scalars(select(User).where(User.email.like("%@load.tracker.fr"))):
            token = start_login_session(user)
            plan["cookies"][user.email] = serializer.dumps(
                {TOKEN_KEY: token, "_user_id": str(user.id)}
            )
        db.session.commit()
        # Twenty past half-days of the course's second year: closed roll calls, edited as
        # amendments.
        plan["sessions"] = db.session.scalars(
            select(Session.id)
            .where(Session.cohort_id == cohort.id, Session.date >= date(2022, 9, 1))
            .order_by(Session.date)
            .limit(20)
        ).all()
        plan["assessments"] = db.session.scalars(
            select(Assessment.code).where(Assessment.cohort_id == cohort.id).limit(10)
        ).all()
        plan["months"] = [f"2022-{month:02d}" for month in range(1, 13)]
        first, last = cohort.starts_on, cohort.ends_on
        plan["burst_dates"] = [
            date.fromordinal(day).isoformat() for day in range(first.toordinal(), last.toordinal())
        ]
        db.engine.dispose()
    return plan


def serve(url: str, instance: Path, port: int, workers: int, threads: int) -> subprocess.Popen:
    """Start gunicorn on the database, in production settings, and wait until /healthz is 200."""
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text(
        "# Served on loopback over plain HTTP: the cookies cannot be Secure.\n"
        "SECURE_COOKIES = False\n"
        "# The burst asks ten reports at a time; the limit per account is not what is measured.\n"
        "REPORT_MAKINGS_PER_MINUTE = 1000\n"
    )
    environment = {
        **os.environ,
        "TRACKER_DATABASE_URL": url,
        "TRACKER_INSTANCE_PATH": str(instance),
        "TRACKER_SECRET_KEY": SECRET_KEY,
    }
    environment.pop("TRACKER_ENV", None)
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            # A first chart on a busy machine may outlast gunicorn's 30 s default.
            "--timeout",
            "120",
            # Each request's answer and time in the worker, in microseconds (server_times).
            "--access-logfile",
            str(access_log(instance)),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",
            "tracker:create_app()",
        ],
        env=environment,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not answer /healthz 200 within 60 s")


def access_log(instance: Path) -> Path:
    return instance.parent / "access.log"


# The endpoints of benchmarks/locustfile.py by method and path (the query left out): the saves
# of the instructors and of the editor are the same request.
ENDPOINTS = (
    ("GET", r"/", "instructor: home"),
    ("GET", r"/cohorts/[^/]+", "instructor: cohort overview"),
    ("GET", r"/cohorts/[^/]+/sessions/\d+/roll-call", "instructor: roll call"),
    ("POST", r"/cohorts/[^/]+/sessions/\d+/roll-call", "roll call saved (all)"),
    ("GET", r"/cohorts/[^/]+/assessments/[^/]+/results", "instructor: results grid"),
    ("GET", r"/cohorts/[^/]+/funding", "officer: dashboard with charts"),
    ("GET", r"/api/cohorts/[^/]+/metrics", "officer: figures (API)"),
    ("GET", r"/cohorts/[^/]+/funding/statement", "officer: monthly statement"),
    ("GET", r"/cohorts/[^/]+/funding/export/statement\.csv", "officer: statement as CSV"),
    ("GET", r"/login", "sign-in page (floor)"),
    ("GET", r"/cohorts/[^/]+/trainees/[^/]+", "trainee: own page"),
    ("GET", r"/cohorts/[^/]+/trainees/[^/]+/report\.pdf", "trainee: own report (PDF)"),
    ("GET", r"/cohorts/[^/]+/funding-report\.pdf", "burst: uncached report"),
)


def server_times(lines: list[str]) -> dict[str, list[float]]:
    """Return the time gunicorn took for each request of the access log, in ms, by endpoint;
    the answers other than a page (200) or a save's redirect (302) apart, under their status
    (a report being made, 202; a save refused, 409)."""
    times: dict[str, list[float]] = {}
    for line in lines:
        method, path, status, microseconds = line.split()
        name = next(
            (
                name
                for verb, pattern, name in ENDPOINTS
                if verb == method and re.fullmatch(pattern, path)
            ),
            f"{method} {path}",
        )
        if status not in ("200", "302"):
            name = f"{name} ({status})"
        times.setdefault(name, []).append(int(microseconds) / 1000)
    return times


def print_server_times(times: dict[str, list[float]]) -> None:
    """Print each endpoint's requests as gunicorn timed them."""
    print()
    print("the same requests, as timed in gunicorn's workers (no wait for a free worker):")
    print(f"{'endpoint':<44}{'requests':>9}{'p50':>8}{'p95':>8}{'p99':>8}  (ms)")
    for name, values in sorted(times.items()):
        print(
            f"{name:<44}{len(values):>9}{percentile(values, 50):>8.0f}"
            f"{percentile(values, 95):>8.0f}{percentile(values, 99):>8.0f}"
        )


def percentile(values: list[float], percent: int) -> float:
    """Return the value below which lie `percent` per cent of the values (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * percent / 100) - 1)]


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def warm_up(port: int, plan: dict, workers: int) -> None:
    """Ask each page a few times at once before measuring, as a server in use has them: every
    worker process with its modules imported (matplotlib, WeasyPrint), the figures computed and
    the charts drawn (on a busy machine the first charts outlast a worker's timeout)."""

    def cookie(email: str) -> str:
        return f"{plan['cookie_name']}={plan['cookies'][email]}"

    officer = cookie(plan["officer_accounts"][0])
    instructor = cookie(plan["instructor_accounts"][0])
    pages = [
        (officer, "/cohorts/ibm-ai-1/funding"),
        (officer, "/api/cohorts/ibm-ai-1/metrics"),
        (officer, f"/cohorts/ibm-ai-1/funding/statement?month={plan['months'][0]}"),
        (instructor, "/cohorts/ibm-ai-1"),
        (instructor, "/"),
        (instructor, f"/cohorts/ibm-ai-1/sessions/{plan['sessions'][0]}/roll-call"),
        (instructor, f"/cohorts/ibm-ai-1/assessments/{plan['assessments'][0]}/results"),
    ]
    pages += [
        (cookie(email), f"/cohorts/ibm-ai-1/trainees/{plan['trainee_refs'][email]}")
        for email in plan["trainee_accounts"]
    ]

    def ask(page: tuple[str, str]) -> None:
        cookie_header, path = page
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie_header}
        )
        with urllib.request.urlopen(request, timeout=300) as answer:
            answer.read()

    # Once alone (the figures and charts made once), then each page from every worker at once.
    for page in pages:
        ask(page)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(ask, [page for page in pages for _ in range(workers)]))
        # The charts above are drawn once and read from the cache by the other workers, which
        # would import matplotlib (about a second) with the first chart they draw in the
        # measured minute, once in their life. Charts of dates nobody asked for, at once: each
        # worker draws some.
        trainee = plan["trainee_accounts"][0]
        ref = plan["trainee_refs"][trainee]
        # From the course's end: the report bursts take its days from the start.
        days = [plan["burst_dates"][-1 - 7 * week] for week in range(3 * workers)]
        list(
            pool.map(
                ask,
                [(officer, f"/cohorts/ibm-ai-1/funding?as_of={day}") for day in days]
                + [
                    (cookie(trainee), f"/cohorts/ibm-ai-1/trainees/{ref}?as_of={day}")
                    for day in days
                ],
            )
        )


def drive(port: int, plan: dict, seconds: int, classes: list[str], folder: Path) -> list[dict]:
    """Run locust headless for a bounded time and return its statistics per endpoint."""
    users = 26 + len(classes) - 4  # 10 + 5 + 10 weighted, the floor and each extra class
    prefix = folder / "locust"
    subprocess.run(
        [
            BIN / "locust",
            "--locustfile",
            HERE / "locustfile.py",
            "--headless",
            "--host",
            f"http://127.0.0.1:{port}",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "ERROR",
            *classes,
        ],
        env={**os.environ, "TRACKER_LOAD_PLAN": json.dumps({**plan, "host": "127.0.0.1"})},
        check=False,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as opened:
        return [row for row in csv.DictReader(opened) if row["Name"] != "Aggregated"]


def print_table(rows: list[dict]) -> dict:
    """Print each endpoint's figures; return the verdicts."""
    print(f"{'endpoint':<44}{'requests':>9}{'errors':>8}{'p50':>8}{'p95':>8}{'p99':>8}  (ms)")
    worst_page, errors = 0.0, 0
    for row in sorted(rows, key=lambda row: row["Name"]):
        p95 = float(row["95%"])
        errors += int(row["Failure Count"])
        print(
            f"{row['Name']:<44}{row['Request Count']:>9}{row['Failure Count']:>8}"
            f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
        )
        if is_page(row["Name"]):
            worst_page = max(worst_page, p95)
    return {"errors": errors, "worst_page_p95": worst_page}


def is_page(name: str) -> bool:
    """A page a user waits for: not a PDF, an export, the floor, a sign-in or the burst."""
    return not any(word in name for word in ("PDF", "CSV", "floor", "burst", "saved"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--edits-per-second", type=float, default=0)
    parser.add_argument("--report-bursts", action="store_true")
    options = parser.parse_args()

    url = postgresql_database()
    started = time.perf_counter()
    build_demo(url)
    plan = add_accounts(url)
    plan["edits_per_second"] = options.edits_per_second
    print(f"demo loaded on PostgreSQL in {time.perf_counter() - started:.0f} s")
    classes = ["Instructor", "Officer", "Trainee", "Floor"]
    if options.edits_per_second:
        classes.append("Editor")
    if options.report_bursts:
        classes.append("ReportBurst")
    with tempfile.TemporaryDirectory(prefix="tracker-load-") as folder:
        port = free_port()
        server = serve(url, Path(folder) / "instance", port, options.workers, options.threads)
        try:
            warm_up(port, plan, options.workers)
            print(
                f"gunicorn: {options.workers} workers × {options.threads} threads; "
                f"users: {', '.join(classes)}; {options.seconds} s"
            )
            log = access_log(Path(folder) / "instance")
            warm = log.read_text().splitlines() if log.exists() else []
            rows = drive(port, plan, options.seconds, classes, Path(folder))
            measured = log.read_text().splitlines()[len(warm) :]
        finally:
            stop(server)
    verdict = print_table(rows)
    print_server_times(server_times(measured))
    floor = next((row for row in rows if row["Name"] == "sign-in page (floor)"), None)
    if floor:
        print(f"floor (sign-in page): p95 {floor['95%']} ms")
    print(f"errors: {verdict['errors']}  target 0: {'met' if not verdict['errors'] else 'MISSED'}")
    worst = verdict["worst_page_p95"]
    met = "met" if worst < PAGE_TARGET_MS else "MISSED"
    print(f"pages' worst p95: {worst:.0f} ms  target < {PAGE_TARGET_MS} ms: {met}")


if __name__ == "__main__":
    main()
