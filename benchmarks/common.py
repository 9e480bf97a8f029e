"""What the benchmarks share: an app on a database file, timing and a printed table.

The demo's benchmarks run on SQLite, or on PostgreSQL with `TRACKER_BENCHMARK_DATABASE=postgresql`:
a throwaway server started from the machine's own binaries, as the tests start theirs, and stopped
at the end.
"""

import atexit
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from tracker import create_app
from tracker.extensions import db
from tracker.health.checks import newest_migration

RESULTS = Path(__file__).parent / "results"
DEMO = RESULTS / "demo.db"
TRACKER = Path(sys.executable).parent / "tracker"


def app_on(path: Path, **config) -> Flask:
    """Create the app on an SQLite file (kept between runs) with the schema in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {"SECRET_KEY": "benchmark", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", **config}
    )
    with app.app_context():
        db.create_all()
    return app


def on_postgresql() -> bool:
    """Tell whether the benchmarks were asked to run on PostgreSQL."""
    database = os.environ.get("TRACKER_BENCHMARK_DATABASE", "sqlite")
    if database not in ("sqlite", "postgresql"):
        raise SystemExit(
            f"TRACKER_BENCHMARK_DATABASE: {database!r} is neither sqlite nor postgresql"
        )
    return database == "postgresql"


_servers = []


def postgresql_database() -> str:
    """Create a database on a throwaway PostgreSQL server (started once) and return its URL."""
    from tests.postgresql import PostgresServer, find_binaries

    if not _servers:
        binaries = find_binaries()
        if binaries is None:
            raise SystemExit("PostgreSQL binaries (initdb, pg_ctl) not found")
        server = PostgresServer(binaries, Path(tempfile.mkdtemp(prefix="tracker-pg-")))
        server.start()
        _servers.append(server)

        def stop() -> None:
            server.stop()
            shutil.rmtree(server.folder, ignore_errors=True)

        atexit.register(stop)
    server = _servers[0]
    return server.url(server.create_database())


def build_demo(url: str) -> None:
    """Load the demo into a database, in a child process, as a user would."""
    environment = {**os.environ, "TRACKER_DATABASE_URL": url}
    for command in (["init"], ["demo"]):
        subprocess.run([TRACKER, *command], env=environment, check=True, capture_output=True)


_demo_on_postgresql = []


def demo_app(**config) -> Flask:
    """Create the app on the demo database, built once by `tracker init` and `tracker demo`.

    The demo is loaded in a child process, as a user would: loading it here would leave this
    process's heap full of its objects and slow every measurement after it.
    """
    if on_postgresql():
        if not _demo_on_postgresql:
            _demo_on_postgresql.append(postgresql_database())
            build_demo(_demo_on_postgresql[0])
        url = _demo_on_postgresql[0]
        return create_app({"SECRET_KEY": "benchmark", "SQLALCHEMY_DATABASE_URI": url, **config})
    if DEMO.exists() and schema_version(DEMO) != newest_schema_version():
        DEMO.unlink()  # built by an earlier version: its demo lacks what later ones carry
    if not DEMO.exists():
        DEMO.parent.mkdir(parents=True, exist_ok=True)
        build_demo(f"sqlite:///{DEMO}")
    return app_on(DEMO, **config)


def schema_version(path: Path) -> str | None:
    """Return the migration an SQLite database file stands at."""
    with sqlite3.connect(path) as connection:
        try:
            return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        except sqlite3.Error:
            return None


def newest_schema_version() -> str:
    """Return the newest migration shipped with the package."""
    return newest_migration()


def timings(run: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    """Run a function several times after a warm-up and return each duration in milliseconds."""
    for _ in range(warmup):
        run()
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def report(label: str, durations: list[float], target_ms: float | None = None) -> None:
    """Print the median and spread of a measurement against its target."""
    median = statistics.median(durations)
    ordered = sorted(durations)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    verdict = ""
    if target_ms is not None:
        verdict = f"  target < {target_ms:g} ms: {'met' if median < target_ms else 'MISSED'}"
    print(f"{label:<58} median {median:8.1f} ms  p90 {p90:8.1f} ms  (n={len(durations)}){verdict}")
