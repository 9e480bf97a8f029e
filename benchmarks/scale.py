"""Scale benchmark: each page's server time with 1, 40 and 200 cohorts on PostgreSQL.

    .venv/bin/python benchmarks/scale.py [--cohorts 1,40,200] [--repeat 20] [--database URL]

Builds the cohorts on a throwaway PostgreSQL server with the generator of benchmarks/metrics.py
(the demo's, one seed per cohort, a cohort starting every 13 weeks), growing one database from
the smallest count to the largest, and at each count times the pages through Flask's test client
(median of warm requests, signed in without the password form) and the whole `tracker metrics`
command. Pages that show one cohort should not grow with the others; the pages that span cohorts
(the officer's home, the cohorts list, `/funding`) keep each cohort's figures by the version of
its records (the summaries of the home and the list in the database too), and are timed warm,
on their first request after a restart, on the first request of a new release once `tracker
init` has counted every summary again (the upgrade as the guide gives it, `tracker init` timed
too), and with nothing kept (a new release without `tracker init`). The administrator's home,
timed on a day when some cohorts run and today, is also timed on the next working days' first
request.
200 cohorts are some 5,000 trainees and 3 million roll calls: building them takes 5 to 12
minutes. With `--database`, the cohorts are grown in a PostgreSQL database of your own (its schema
made by `tracker init`), which is kept for the next run, rather than on a throwaway server.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).parent.parent))

from sqlalchemy import delete, func, select, text

from benchmarks.common import TRACKER, postgresql_database, timings
from benchmarks.web import signed_in_client
from tracker import create_app, timeutil
from tracker.attendance.models import AttendanceRecord
from tracker.auth.models import User
from tracker.auth.operations import add_user
from tracker.cohorts.models import Cohort, KeptSummary
from tracker.cohorts.pages import keep_every_summary
from tracker.demo.operations import load_cohort
from tracker.extensions import db
from tracker.metrics.versions import kept_data, kept_figures

PASSWORD = "scale-benchmark-2022"


def grow(app, count: int) -> None:
    """Add cohorts until the database holds `count`."""
    with app.app_context():
        present = db.session.scalar(select(func.count(Cohort.id)))
        for number in range(present, count):
            load_cohort(
                seed=1000 + number,
                slug=f"cohort-{number + 1:03d}",
                starts_on=date(2019, 9, 2) + timedelta(weeks=13 * (number % 20)),
            )
            db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def middle_of_the_first(app) -> tuple[str, date]:
    """The first cohort's slug and the middle of its course."""
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).order_by(Cohort.slug).limit(1))
        return cohort.slug, cohort.starts_on + (cohort.ends_on - cohort.starts_on) / 2


def pages(app) -> dict[str, tuple[str, str, datetime | None]]:
    """The pages timed, on the first cohort, as of its middle: who asks, the address, and the
    instant the application's clock is set to (None: now)."""
    slug, middle = middle_of_the_first(app)
    # Today no generated cohort runs: the administrator's home, which lists the trainees at risk
    # of every running cohort, is timed on the first cohort's middle day, when the cohorts of 3
    # start dates in 20 run.
    that_day = datetime.combine(middle, clock_time(10), tzinfo=UTC)
    return {
        "cohort overview": ("instructor", f"/cohorts/{slug}?as_of={middle}", None),
        "trainee page": ("instructor", f"/cohorts/{slug}/trainees/T05", None),
        "officer dashboard of one cohort": (
            "officer",
            f"/cohorts/{slug}/funding?as_of={middle}",
            None,
        ),
        "officer home (25 most recent cohorts)": ("officer", "/", None),
        "cohorts list as officer (a page of 25)": ("officer", "/cohorts", None),
        "/funding, a page of 8 cohorts side by side": ("officer", f"/funding?as_of={middle}", None),
        "administrator's home (trainees at risk of every running cohort: 3 in 20 that day)": (
            "admin",
            "/",
            that_day,
        ),
        # Today every generated cohort has ended: the home lists their roll calls not taken.
        "administrator's home today (every cohort ended)": ("admin", "/", None),
    }


def time_pages(app, repeat: int) -> dict[str, float]:
    """Return each page's median server time in milliseconds."""
    clients = {
        who: signed_in_client(app, f"{who}@scale.tracker.fr")
        for who in ("officer", "instructor", "admin")
    }
    medians = {}
    for label, (who, url, moment) in pages(app).items():
        clock = (
            mock.patch.object(timeutil, "utc_now", lambda moment=moment: moment)
            if moment is not None
            else nullcontext()
        )
        with clock:
            medians.update(time_page(app, label, clients[who], url, repeat))
        if who == "admin":
            medians[f"{label}, first request of the next working day"] = time_next_days(
                clients[who], url, moment or timeutil.utc_now()
            )
    return medians


def time_next_days(client, url: str, moment: datetime, days: int = 3) -> float:
    """Return the median time of a page's first request on each of the working days after
    `moment`, at the same hour, in a worker that keeps what it worked out the day before."""
    durations = []
    day = moment
    while len(durations) < days:
        day += timedelta(days=1)
        if day.weekday() >= 5:
            continue
        with mock.patch.object(timeutil, "utc_now", lambda day=day: day):
            started = time.perf_counter()
            response = client.get(url)
            durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(durations)


def time_page(app, label: str, client, url: str, repeat: int) -> dict[str, float]:
    """Return a page's median server time warm, after a restart and after a new release."""
    medians = {}

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    medians[label] = statistics.median(timings(get, repeat=repeat, warmup=3))

    # The first request after a restart: nothing kept in this process; the database keeps
    # each cohort's summary (the home and the list). On a new day, alike for the cohorts
    # that ended (their summary is kept under the date of their last change); here all have.
    def restarted() -> None:
        forget_in_the_worker()
        get()

    # A new release, upgraded as the guide says: `tracker init` counts every cohort's summary
    # again before the workers start; then the first request finds them kept.
    def upgraded() -> float:
        forget_the_summaries(app)
        with app.app_context():
            keep_every_summary(timeutil.today())
        forget_in_the_worker()
        started = time.perf_counter()
        get()
        return (time.perf_counter() - started) * 1000

    # The same without `tracker init`: the first request counts the cohorts it shows.
    def nothing_kept() -> None:
        forget_the_summaries(app)
        restarted()

    medians[f"{label}, first request after a restart"] = statistics.median(
        timings(restarted, repeat=3, warmup=0)
    )
    medians[f"{label}, first request of a new release after `tracker init`"] = statistics.median(
        upgraded() for _ in range(3)
    )
    medians[f"{label}, first request of a new release without `tracker init`"] = statistics.median(
        timings(nothing_kept, repeat=3, warmup=0)
    )
    return medians


def forget_in_the_worker() -> None:
    """What a worker keeps of the figures goes, as in a new worker process."""
    kept_figures.clear()
    kept_data.clear()


def forget_the_summaries(app) -> None:
    """The summaries the database keeps go, as after an upgrade to a new release."""
    with app.app_context():
        db.session.execute(delete(KeptSummary))
        db.session.commit()


def time_upgrade(app, url: str) -> float:
    """Return the wall time of the whole `tracker init` command after a new release (every
    cohort's summary counted again), in milliseconds."""
    environment = {**os.environ, "TRACKER_DATABASE_URL": url}
    durations = []
    for _ in range(3):
        forget_the_summaries(app)
        started = time.perf_counter()
        subprocess.run([TRACKER, "init"], env=environment, check=True, capture_output=True)
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations)


def time_command(url: str, slug: str) -> float:
    """Return the wall time of the whole `tracker metrics SLUG` command, in milliseconds."""
    environment = {**os.environ, "TRACKER_DATABASE_URL": url}
    durations = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([TRACKER, "metrics", slug], env=environment, check=True, capture_output=True)
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cohorts", default="1,40,200")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--database",
        help="a PostgreSQL database of your own (schema made by `tracker init`), kept for the "
        "next run: the cohorts are grown there, and the counts below what it holds are skipped",
    )
    options = parser.parse_args()
    counts = sorted(int(count) for count in options.cohorts.split(","))

    url = options.database or postgresql_database()
    subprocess.run(
        [TRACKER, "init"],
        env={**os.environ, "TRACKER_DATABASE_URL": url},
        check=True,
        capture_output=True,
    )
    app = create_app(
        # The test client speaks plain HTTP: cookies that are not Secure, and no warning.
        {"SECRET_KEY": "benchmark", "SQLALCHEMY_DATABASE_URI": url, "SECURE_COOKIES": False}
    )
    grow(app, 1)
    with app.app_context():
        first = db.session.scalar(select(Cohort).order_by(Cohort.slug).limit(1))
        # Each account the pages are timed as, unless a database of one's own has it already.
        for role, cohorts in (("officer", []), ("instructor", [first]), ("admin", [])):
            email = f"{role}@scale.tracker.fr"
            if db.session.scalar(select(User.id).filter_by(email=email)) is None:
                add_user(email, role, PASSWORD, cohorts=cohorts)
        slug = first.slug
        db.session.commit()
        present = db.session.scalar(select(func.count(Cohort.id)))

    columns: dict[int, dict[str, float]] = {}
    skipped = [count for count in counts if count < present]
    counts = [count for count in counts if count >= present]
    if skipped:
        print(f"The database holds {present} cohorts: {skipped} skipped.", flush=True)
    if not counts:
        parser.error(f"the database holds {present} cohorts: ask for {present} or more")
    for count in counts:
        started = time.perf_counter()
        grow(app, count)
        with app.app_context():
            records = db.session.scalar(select(func.count(AttendanceRecord.id)))
            size = db.session.scalar(text("SELECT pg_database_size(current_database())"))
        print(
            f"{count} cohorts: {records:,} roll calls, {size / 2**20:,.0f} MB "
            f"(built in {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        columns[count] = time_pages(app, options.repeat)
        columns[count]["`tracker metrics SLUG` (whole command)"] = time_command(url, slug)
        columns[count]["`tracker init` after a new release (whole command)"] = time_upgrade(
            app, url
        )

    print()
    print("| page | " + " | ".join(f"{count} cohorts" for count in counts) + " |")
    print("|---|" + "---|" * len(counts))
    for label in columns[counts[0]]:
        cells = " | ".join(f"{columns[count][label]:,.0f} ms" for count in counts)
        print(f"| {label} | {cells} |")


if __name__ == "__main__":
    main()
