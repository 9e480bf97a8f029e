"""Time what the trail costs: an import with its entries, a roll call saved, the demo verified.

    .venv/bin/python benchmarks/trail.py

1. The import of 20,000 roll calls (40 trainees, 500 sessions) into a fresh database, with an
   entry per record, then the same import with the trail paused: the ratio is the trail's share,
   which does not depend on the machine. Then 20,000 changed marks, likewise. Target on the
   2-core machine: under 3 s with the entries.
2. The server time of saving one roll call of the demo (25 trainees), through Flask's test
   client, each save changing every mark so that each writes 25 entries. Target: under 30 ms.
3. `tracker audit verify` on the demo's trail (its hash chain recomputed), and the figures of
   the demo rebuilt as recorded half-way through its trail.
"""

import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent.parent))

from benchmarks.common import DEMO, RESULTS, app_on, demo_app, report, timings
from benchmarks.metrics import attendance_file, cohort_to_import_into
from benchmarks.web import signed_in_client
from tracker.attendance.models import AttendanceRecord, Session
from tracker.audit import capture, chain, replay
from tracker.audit.models import AuditEntry
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.imports.operations import import_file
from tracker.metrics.loading import cohort_metrics


def timed_import(path: Path, *, with_trail: bool) -> tuple[float, float, int]:
    """Import 20,000 new roll calls, then change them all; return both times (ms), entries."""
    app, refs, sessions = cohort_to_import_into(path)
    first = attendance_file(refs, sessions)
    # Every status moved on: each of the 20,000 records changes.
    changed = first.replace(b";present;", b";absent;")
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "import"))
        durations = []
        for data in (first, changed):
            started = time.perf_counter()
            # The half-days are past: the first import closes them (automatic closing), so the
            # second one amends them, with the reason that `tracker import --reason` gives.
            with capture.acting(reason="Relevé papier ressaisi"):
                if with_trail:
                    import_file(cohort, "attendance", data)
                else:
                    with capture.paused():
                        import_file(cohort, "attendance", data)
            db.session.commit()
            durations.append((time.perf_counter() - started) * 1000)
        assert db.session.scalar(select(func.count(AttendanceRecord.id))) == 20_000
        entries = db.session.scalar(select(func.count(AuditEntry.id)))
    return durations[0], durations[1], entries


def imports() -> None:
    runs = {True: [], False: []}
    for _ in range(3):
        for with_trail in (True, False):
            runs[with_trail].append(timed_import(RESULTS / "trail.db", with_trail=with_trail))
    for index, what in ((0, "all new"), (1, "all changed")):
        kept = [run[index] for run in runs[True]]
        paused = [run[index] for run in runs[False]]
        report(f"import of 20,000 roll calls ({what}) with entries", kept, target_ms=3000)
        report(f"the same with the trail paused ({what})", paused)
        print(f"{'':<58} trail's cost: x{statistics.median(kept) / statistics.median(paused):.2f}")
    print(f"entries written by the trail for both imports: {runs[True][0][2]:,}")


def roll_call_save() -> None:
    # On a copy of the demo: a hundred saves would otherwise stay in the demo that the pages'
    # benchmarks read, and give its roll call a history of thousands of changes.
    demo_app()
    copy = RESULTS / "trail-demo.db"
    shutil.copyfile(DEMO, copy)
    app = app_on(copy, WTF_CSRF_ENABLED=False)
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "ibm-ai-1"))
        session = db.session.scalar(
            select(Session).where(Session.cohort_id == cohort.id, Session.date == "2022-12-01")
        )
        session_id = session.id
        trainees = [record.trainee_id for record in session.records]
    pausing = []

    @app.before_request
    def pause_the_trail() -> None:
        db.session().info[capture.PAUSED] = bool(pausing)

    instructor = signed_in_client(app, "formateur@demo.tracker.fr")
    url = f"/cohorts/ibm-ai-1/sessions/{session_id}/roll-call"
    turn = iter(range(10_000))

    def save() -> None:
        with app.app_context():
            version = db.session.get(Session, session_id).roll_call_version
        status = ("present", "absent")[next(turn) % 2]
        # The demo's past roll calls are closed: each save is an amendment, with its reason.
        data = {"version": str(version), "reason": "Feuille papier relue"}
        for trainee_id in trainees:
            data |= {f"t{trainee_id}-status": status, f"t{trainee_id}-minutes_missed": ""}
        response = instructor.post(url, data=data)
        assert response.status_code == 302, response.status_code

    # Includes reading the version in a context of its own (a fraction of a millisecond).
    kept = timings(save, 50)
    report(f"roll call of {len(trainees)} saved, every mark changed", kept, target_ms=30)

    # The same saves with the trail paused for the request (the benchmark's own switch): what
    # the entries cost, whatever the machine.
    pausing.append(True)
    paused = timings(save, 50)
    report("the same with the trail paused", paused)
    print(f"{'':<58} trail's cost: x{statistics.median(kept) / statistics.median(paused):.2f}")


def demo_trail() -> None:
    app = demo_app()
    with app.app_context():
        connection = db.session.connection()
        count = 0

        def verify() -> None:
            nonlocal count
            count, broken = chain.verify(connection)
            assert broken is None, broken

        report("verify the demo's trail", timings(verify, 5, warmup=1))
        print(f"{'':<58} {count:,} entries")
        first, last = db.session.execute(
            select(func.min(AuditEntry.recorded_at), func.max(AuditEntry.recorded_at))
        ).one()
        db.session.rollback()
        halfway = first + (last - first) / 2
        cohort_id = db.session.scalar(select(Cohort.id).where(Cohort.slug == "ibm-ai-1"))

        def as_recorded() -> None:
            with replay.as_recorded(halfway):
                cohort_metrics(db.session.get(Cohort, cohort_id), date(2022, 12, 15))

        undone = db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.recorded_at > halfway)
        )
        db.session.rollback()
        report(
            f"demo's figures as recorded, {undone:,} entries undone",
            timings(as_recorded, 3, warmup=1),
        )


if __name__ == "__main__":
    imports()
    roll_call_save()
    demo_trail()
