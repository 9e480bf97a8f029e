"""Time the server side of the main pages on the demo cohort, through Flask's test client.

    .venv/bin/python benchmarks/web.py
    TRACKER_BENCHMARK_DATABASE=postgresql .venv/bin/python benchmarks/web.py

Median of many requests for each page, signed in as the demo instructor (the officer's pages as
the demo officer). Target on the 2-core machine: under 30 ms for the cohort overview, a roll call
and a trainee page. The demo database is built under benchmarks/results/ on the first run.
"""

import sys
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent.parent))

from benchmarks.common import RESULTS, demo_app, report, timings
from tracker.attendance.models import Session
from tracker.audit.models import AuditEntry
from tracker.auth.models import User
from tracker.auth.operations import start_login_session
from tracker.auth.views import TOKEN_KEY
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db

AS_OF = "2022-12-15"


def signed_in_client(app, email: str):
    """Return a test client signed in as an account, without the password form."""
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        token = start_login_session(user)
        db.session.commit()
        user_id = str(user.id)
    with client.session_transaction() as session:
        session[TOKEN_KEY] = token
        session["_user_id"] = user_id
    return client


def main() -> None:
    app = demo_app()
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "ibm-ai-1"))
        session_id = db.session.scalar(
            select(Session.id).where(
                Session.cohort_id == cohort.id, Session.date == date(2022, 12, 1)
            )
        )
    instructor = signed_in_client(app, "formateur@demo.tracker.fr")
    pages = {
        "cohort overview": f"/cohorts/ibm-ai-1?as_of={AS_OF}",
        "roll call of one session": f"/cohorts/ibm-ai-1/sessions/{session_id}/roll-call",
        "trainee page (T05)": "/cohorts/ibm-ai-1/trainees/T05",
        "home page": "/",
        "timetable of a week": "/cohorts/ibm-ai-1/timetable?week=2022-W48",
    }
    for label, url in pages.items():

        def get(url=url):
            response = instructor.get(url)
            assert response.status_code == 200, (url, response.status_code)

        target = 30 if label in ("cohort overview", "roll call of one session") else None
        if label.startswith("trainee page"):
            target = 30
        report(label, timings(get, repeat=100, warmup=5), target_ms=target)
    officer_pages()
    audit_pages()


def officer_pages() -> None:
    """Time the officer's funding pages as the demo officer, the charts drawn once beforehand.

    Target: under 50 ms for the cohort's funding dashboard with its four charts cached. The
    charts are cached under benchmarks/results/charts; the warm-up draws those missing.
    """
    app = demo_app(CHART_CACHE_FOLDER=str(RESULTS / "charts"))
    officer = signed_in_client(app, "region@demo.tracker.fr")
    pages = {
        "officer: cohort funding dashboard, charts cached": (
            f"/cohorts/ibm-ai-1/funding?as_of={AS_OF}",
            50,
        ),
        "officer: every cohort's funding figures": (f"/funding?as_of={AS_OF}", None),
        "officer: monthly statement": ("/cohorts/ibm-ai-1/funding/statement?month=2022-06", None),
        "officer: figures as XLSX": (
            f"/cohorts/ibm-ai-1/funding/export/figures.xlsx?as_of={AS_OF}",
            None,
        ),
        "officer: monthly statement as CSV": (
            "/cohorts/ibm-ai-1/funding/export/statement.csv?month=2022-06",
            None,
        ),
    }
    for label, (url, target) in pages.items():

        def get(url=url):
            response = officer.get(url)
            assert response.status_code == 200, (url, response.status_code)

        report(label, timings(get, repeat=100, warmup=5), target_ms=target)


def audit_pages() -> None:
    """Time the administrator's trail of changes on the demo's trail (some 18,000 entries).

    Target: under 50 ms for a page of 50 entries, filtered or not, first or last. The export
    reads every entry and the check recomputes every hash: timed, without a target.
    """
    app = demo_app()
    admin = signed_in_client(app, "admin@demo.tracker.fr")
    with app.app_context():
        trainee = db.session.scalar(select(Trainee.id).where(Trainee.ref == "T05").limit(1))
        entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    print(f"trail of the demo: {entries} entries")
    last_page = -(-entries // 50)
    pages = {
        "admin: trail, newest page": ("/audit", 50, 100),
        "admin: trail, one cohort's roll calls": (
            "/audit?cohort=ibm-ai-1&entity=roll-calls",
            50,
            100,
        ),
        "admin: trail, about one trainee": (f"/audit?person=t{trainee}", 50, 100),
        "admin: trail, one month": ("/audit?since=2022-06-01&until=2022-06-30", 50, 100),
        "admin: trail, amendments only": ("/audit?amendments=1", 50, 100),
        "admin: trail, last page": (f"/audit?page={last_page}", 50, 100),
        "admin: trail as CSV, every entry": ("/audit/export.csv", None, 5),
        "admin: check of the whole trail": ("/audit/verify", None, 5),
    }
    for label, (url, target, repeat) in pages.items():

        def get(url=url):
            response = admin.get(url)
            assert response.status_code == 200, (url, response.status_code)
            response.get_data()  # the export is written as it is read

        report(label, timings(get, repeat=repeat, warmup=2), target_ms=target)


if __name__ == "__main__":
    main()
