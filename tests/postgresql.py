"""A throwaway PostgreSQL server for the tests, started from the machine's own binaries."""

import itertools
import os
import shutil
import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg


def find_binaries() -> Path | None:
    """Return the folder of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return candidates[0].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    """A PostgreSQL cluster in a temporary folder, listening on a free loopback port."""

    binaries: Path
    folder: Path
    port: int = field(default_factory=_free_port)
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))
    # Drops the tests' databases while the next test runs (a drop takes about 50 ms).
    _dropper: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=1))
    _server_version: int | None = None

    @property
    def _run_as(self) -> str | None:
        # initdb and postgres refuse to run as root; CI and the sandboxes run as root.
        return "postgres" if os.geteuid() == 0 else None

    def _run(self, *args) -> None:
        done = subprocess.run(args, capture_output=True, text=True, user=self._run_as)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stderr or done.stdout}")

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._run_as:
            shutil.chown(self.folder, self._run_as)
        data = self.folder / "data"
        subprocess.run(
            [
                self.binaries / "initdb",
                "-D",
                data,
                "-U",
                "tracker",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            user=self._run_as,
        )
        # Another process (a second pytest worker) may take the free port first: then try another.
        for attempt in range(3):
            options = (
                f"-h 127.0.0.1 -p {self.port} -k {self.folder} -F "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            started = subprocess.run(
                [
                    self.binaries / "pg_ctl",
                    "-D",
                    data,
                    "-o",
                    options,
                    "-l",
                    self.folder / "log",
                    "-w",
                    "start",
                ],
                capture_output=True,
                text=True,
                user=self._run_as,
            )
            if started.returncode == 0:
                return
            if attempt < 2:
                self.port = _free_port()
        raise RuntimeError(f"pg_ctl start failed: {started.stderr or started.stdout}")

    def stop(self) -> None:
        self._dropper.shutdown(cancel_futures=True)  # the folder goes, and every database with it
        subprocess.run(
            [self.binaries / "pg_ctl", "-D", self.folder / "data", "-m", "immediate", "stop"],
            capture_output=True,
            user=self._run_as,
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://tracker@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=tracker dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(sql)

    def create_database(self, template: str | None = None) -> str:
        """Create an empty database (or a copy of a template) and return its name.

        From PostgreSQL 15 on, a copy is made file by file rather than written block by block
        through the write-ahead log (its default): half the time for the tests' small
        templates (11 ms against 22), on a server whose checkpoints cost nothing (fsync off)."""
        name = f"test_{next(self._names)}"
        sql = f'CREATE DATABASE "{name}"'
        if template:
            sql += f' TEMPLATE "{template}"'
            if self._version() >= 150000:
                sql += " STRATEGY FILE_COPY"
        self._admin(sql)
        return name

    def _version(self) -> int:
        if self._server_version is None:
            with psycopg.connect(
                f"host=127.0.0.1 port={self.port} user=tracker dbname=postgres"
            ) as connection:
                self._server_version = connection.info.server_version
        return self._server_version

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_database_later(self, name: str) -> None:
        """Drop a database in the background, so that the next test need not wait for it."""
        self._dropper.submit(self.drop_database, name)
