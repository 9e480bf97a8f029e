"""Copies of the whole database, and putting one back into an empty database.

SQLite copies with its online backup API: a consistent copy while the application keeps serving.
PostgreSQL copies with `pg_dump` in its custom format and puts back with `pg_restore` in a
single transaction: a copy that fails half-way leaves the database as empty as it was.

A copy is written beside its final name and renamed once complete, so that a copy cut short by
a full disk or a stopped job never passes for a whole one.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, Engine

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class CopyError(Exception):
    """A copy that cannot be made or put back, in words for the person running the command."""


def backup(engine: Engine, file: Path) -> None:
    """Copy the whole database into FILE, which must not exist yet."""
    if file.exists():
        raise CopyError(f"{file} already exists: choose a new name, a copy is never overwritten")
    if not file.parent.is_dir():
        raise CopyError(f"{file.parent} is not a folder")
    partial = file.with_name(f".{file.name}.partial")
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine.url, partial)
        else:
            _pg_dump(engine.url, partial)
        # Only a complete copy takes the name asked for.
        partial.rename(file)
    finally:
        partial.unlink(missing_ok=True)


def restore(engine: Engine, file: Path) -> None:
    """Put the copy in FILE back into the application's database, which must be empty."""
    if not file.is_file():
        raise CopyError(f"{file}: no such file")
    with file.open("rb") as opened:
        header = opened.read(len(SQLITE_HEADER))
    tables = inspect(engine).get_table_names()
    engine.dispose()
    if tables:
        raise CopyError(
            f"the database is not empty ({len(tables)} tables): a copy is put back only into a "
            "new, empty database, so that nothing of another one is mixed in"
        )
    if engine.dialect.name == "sqlite":
        if not header.startswith(SQLITE_HEADER):
            raise CopyError(f"{file} is not a copy of a SQLite database made by `tracker backup`")
        _sqlite_restore(file, engine.url)
    else:
        if not header.startswith(PG_DUMP_HEADER):
            raise CopyError(
                f"{file} is not a copy of a PostgreSQL database made by `tracker backup`"
                + (" (it is a SQLite copy)" if header.startswith(SQLITE_HEADER) else "")
            )
        _pg_restore(file, engine.url)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise CopyError("the database is in memory: there is nothing to copy or put back")
    return Path(url.database)


def _sqlite_backup(url: URL, target: Path) -> None:
    source = sqlite3.connect(_sqlite_path(url))
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def _sqlite_restore(file: Path, url: URL) -> None:
    source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        problem = source.execute("PRAGMA integrity_check").fetchone()[0]
        if problem != "ok":
            raise CopyError(f"{file} is damaged: {problem}")
        database = _sqlite_path(url)
        target = sqlite3.connect(database)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
    except sqlite3.DatabaseError as error:
        raise CopyError(f"{file} cannot be read as a SQLite database: {error}") from None
    finally:
        source.close()


def _program(name: str) -> str:
    """Find one of PostgreSQL's client programs: on the PATH, else Debian's newest version."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    if not candidates:
        raise CopyError(f"{name} not found: install PostgreSQL's client programs")
    return str(candidates[0])


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The database's address for libpq's programs, and the environment carrying its password
    (never on the command line, where any account on the machine reads it)."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    address = url.set(drivername="postgresql", password=None)
    return address.render_as_string(hide_password=False), environment


def _run(arguments: list[str], environment: dict[str, str]) -> None:
    done = subprocess.run(arguments, capture_output=True, text=True, env=environment)
    if done.returncode:
        program = Path(arguments[0]).name
        raise CopyError(f"{program} failed: {(done.stderr or done.stdout).strip()}")


def _pg_dump(url: URL, target: Path) -> None:
    address, environment = _libpq(url)
    _run(
        [_program("pg_dump"), "--format=custom", f"--file={target}", f"--dbname={address}"],
        environment,
    )


def _pg_restore(file: Path, url: URL) -> None:
    address, environment = _libpq(url)
    _run(
        [
            _program("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            # The copy's owner and grants belong to the server it came from.
            "--no-owner",
            "--no-privileges",
            f"--dbname={address}",
            str(file),
        ],
        environment,
    )
