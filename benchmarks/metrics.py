"""Time the figures of a cohort and the import of attendance rows.

    .venv/bin/python benchmarks/metrics.py          (or: make benchmark)

1. The figures of the demo cohort, in-process, from a database holding it alone.
2. The figures of one cohort in a database holding 40 cohorts (about 700,000 attendance records):
   the time must not grow with the other cohorts.
3. The import of 20,000 attendance rows (a cohort of 40 trainees and 500 sessions).

Targets on the 2-core machine: figures under 50 ms; the 20,000-row import under 3 s. The
databases are SQLite files under benchmarks/results/, built on the first run and reused.
"""

import csv
import io
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event, func, insert, select

sys.path.insert(0, str(Path(__file__).parent.parent))

from benchmarks.common import RESULTS, app_on, demo_app, report, timings
from tracker.attendance.models import AttendanceRecord, Session
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.cohorts.operations import create_cohort
from tracker.demo.operations import load_cohort
from tracker.extensions import db
from tracker.imports.operations import import_file
from tracker.metrics.loading import cohort_metrics

AS_OF = date(2022, 12, 15)
COHORTS = 40


def count_records() -> int:
    return db.session.scalar(select(func.count(AttendanceRecord.id)))


def figures_of_the_demo() -> None:
    app = demo_app()
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "ibm-ai-1"))
        queries = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: queries.append(1))
        cohort_metrics(cohort, AS_OF)
        print(
            f"demo cohort: {count_records():,} attendance records, "
            f"{len(queries)} queries for its figures"
        )
        report(
            "figures of the demo cohort (as of 2022-12-15)",
            timings(lambda: cohort_metrics(cohort, AS_OF), repeat=50),
            target_ms=50,
        )
        report(
            "figures of the demo cohort (as of its end)",
            timings(lambda: cohort_metrics(cohort, cohort.ends_on), repeat=50),
            target_ms=50,
        )


def figures_among_forty_cohorts() -> None:
    app = app_on(RESULTS / "forty-cohorts.db")
    with app.app_context():
        present = db.session.scalar(select(func.count(Cohort.id)))
        if present < COHORTS:
            started = time.perf_counter()
            for number in range(present, COHORTS):
                load_cohort(
                    seed=1000 + number,
                    slug=f"cohort-{number + 1:02d}",
                    starts_on=date(2019, 9, 2) + timedelta(weeks=13 * number),
                )
                db.session.commit()
            print(f"built {COHORTS} cohorts in {time.perf_counter() - started:.0f} s")
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "cohort-20"))
        print(f"40 cohorts: {count_records():,} attendance records in the database")
        middle = cohort.starts_on + (cohort.ends_on - cohort.starts_on) / 2
        report(
            "figures of one cohort among 40 (as of its middle)",
            timings(lambda: cohort_metrics(cohort, middle), repeat=50),
            target_ms=50,
        )
        report(
            "figures of one cohort among 40 (as of its end)",
            timings(lambda: cohort_metrics(cohort, cohort.ends_on), repeat=50),
            target_ms=50,
        )


def attendance_file(trainees: list[str], sessions: list[tuple[date, str]]) -> bytes:
    """Write the roll calls of every trainee at every session as a French spreadsheet would."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["date", "slot", "trainee", "status", "minutes_missed", "note"])
    statuses = ["present"] * 16 + ["late", "left_early", "absent", "excused"]
    for number, (day, slot) in enumerate(sessions):
        for index, ref in enumerate(trainees):
            status = statuses[(number * 7 + index * 3) % len(statuses)]
            minutes = "15" if status in ("late", "left_early") else ""
            note = "Rendez-vous médical" if status == "excused" else ""
            writer.writerow([day.strftime("%d/%m/%Y"), slot, ref, status, minutes, note])
    return out.getvalue().encode("cp1252")


def cohort_to_import_into(path: Path):
    """Create a database file with a cohort of 40 trainees and 500 sessions, no roll call yet;
    return the app (its context pushed by the caller), the cohort's slug and the file's rows."""
    path.unlink(missing_ok=True)
    app = app_on(path)
    with app.app_context():
        cohort = create_cohort(
            slug="import",
            name="Import",
            starts_on=date(2022, 1, 3),
            ends_on=date(2024, 12, 31),
            grant_amount=Decimal("100000"),
        )
        module = Module(cohort=cohort, code="M01", title="Module", planned_minutes=105_000)
        db.session.add(module)
        refs = [f"T{number:02d}" for number in range(1, 41)]
        db.session.execute(
            insert(Trainee),
            [
                {
                    "cohort_id": cohort.id,
                    "ref": ref,
                    "first_name": "Prénom",
                    "last_name": ref,
                    "email": f"{ref.lower()}@example.org",
                    "enrolled_on": cohort.starts_on,
                }
                for ref in refs
            ],
        )
        days = [cohort.starts_on + timedelta(days=offset) for offset in range(400)]
        days = [day for day in days if day.weekday() < 5][:250]
        sessions = [(day, slot) for day in days for slot in ("AM", "PM")]
        db.session.flush()
        db.session.execute(
            insert(Session),
            [
                {
                    "cohort_id": cohort.id,
                    "module_id": module.id,
                    "date": day,
                    "slot": slot,
                    "minutes": 210,
                    "kind": "classroom",
                }
                for day, slot in sessions
            ],
        )
        db.session.commit()
    return app, refs, sessions


def import_twenty_thousand_rows() -> None:
    app, refs, sessions = cohort_to_import_into(RESULTS / "import.db")
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "import"))
        data = attendance_file(refs, sessions)
        print(f"attendance file: {len(refs) * len(sessions):,} rows, {len(data) / 1e6:.1f} MB")

        def run() -> None:
            import_file(cohort, "attendance", data)
            db.session.commit()

        started = time.perf_counter()
        run()
        first = (time.perf_counter() - started) * 1000
        report("import of 20,000 attendance rows (all new)", [first], target_ms=3000)
        report(
            "import of the same 20,000 rows again (unchanged)",
            timings(run, 3, warmup=0),
            target_ms=3000,
        )
        assert count_records() == 20_000


if __name__ == "__main__":
    figures_of_the_demo()
    figures_among_forty_cohorts()
    import_twenty_thousand_rows()
