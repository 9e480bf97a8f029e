"""The application core: configuration, the secret key, SQLite's settings and `tracker init`."""

import os
import stat
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tracker import create_app
from tracker.extensions import db


def test_secret_key_is_random_kept_in_the_instance_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    first = create_app()
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) == 64
    assert create_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]
    other = tmp_path / "other"
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(other))
    assert create_app().config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("SECRET_KEY = 'from-file'\n")
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    monkeypatch.setenv("TRACKER_DATABASE_URL", "sqlite:///" + str(tmp_path / "elsewhere.db"))
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("elsewhere.db")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "from-environment")
    assert create_app().config["SECRET_KEY"] == "from-environment"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'tracker.db'}"


def test_sqlite_connections_have_foreign_keys_wal_and_busy_timeout(tmp_path):
    app = create_app(
        {"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/t.db"}
    )
    with app.app_context(), db.engine.connect() as connection:
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
        assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
        assert connection.scalar(text("PRAGMA busy_timeout")) == 5000


def test_pages_are_in_french_by_default_and_in_english_on_request(client):
    page = client.get("/login")
    assert '<html lang="fr">' in page.text
    assert "Se connecter" in page.text
    page = client.get("/login?lang=en")
    assert '<html lang="en-GB">' in page.text
    assert "Sign in" in page.text
    assert "Sign in" in client.get("/login").text  # the choice is remembered
    assert "Se connecter" in client.get("/login?lang=fr").text


def test_each_text_follows_the_language_being_drawn_though_its_catalog_is_kept(app):
    """The catalog is looked up once per language, not per text: a report in another language
    inside a request (force_locale), and requests in turn in each language, still get theirs."""
    from flask import render_template_string
    from flask_babel import force_locale, gettext, lazy_gettext

    label = lazy_gettext("Sign in")
    template = "{{ _('Sign in') }}|{{ ngettext('%(num)d line', '%(num)d lines', 2) }}"
    for _round in range(2):
        with app.test_request_context("/?lang=fr"):
            assert gettext("Sign in") == str(label) == "Se connecter"
            french = render_template_string(template)
            with force_locale("en_GB"):
                assert gettext("Sign in") == str(label) == "Sign in"
                assert render_template_string(template) == "Sign in|2 lines"
            assert gettext("Sign in") == "Se connecter"
            assert render_template_string(template) == french
            assert french.startswith("Se connecter|")
        with app.test_request_context("/?lang=en"):
            assert str(label) == "Sign in"
            assert render_template_string(template) == "Sign in|2 lines"
            with force_locale("fr"):
                assert render_template_string(template) == french


def test_figures_are_formatted_for_the_language(app):
    from datetime import date
    from decimal import Decimal

    from tracker.i18n import day, hours, money, rate

    with app.test_request_context("/?lang=fr"):
        assert money(Decimal("273000")) == "273\u202f000,00\u00a0€"
        assert day(date(2026, 11, 27)) == "27/11/2026"
        assert hours(1234.5) == "1\u202f234,50\u00a0h"
        assert rate(0.8123) == "81,2\u00a0%"
    with app.test_request_context("/?lang=en"):
        assert money(Decimal("273000")) == "€273,000.00"
        assert day(date(2026, 11, 27)) == "27/11/2026"
        assert rate(None) == "—"


FORMATTING_APP = create_app({"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize("language", ["fr", "en"])
@settings(max_examples=300, deadline=None)
@given(
    value=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
    | st.decimals(min_value=-(10**9), max_value=10**9, places=4),
    places=st.integers(min_value=0, max_value=3),
)
def test_numbers_are_written_as_babel_writes_them(language, value, places):
    from flask_babel import format_decimal

    from tracker.i18n import grouped

    pattern = "#,##0." + "0" * places if places else "#,##0"
    with FORMATTING_APP.test_request_context(f"/?lang={language}"):
        assert grouped(value, places) == format_decimal(value, format=pattern)


def test_a_rate_rounded_as_shown_is_shown_as_the_rate_itself():
    """Every rate the figures give (four decimals, 0 to 100 %), rounded as shown, reads the same
    in both languages: the cohort's line drawn as shown is the one its table prints."""
    from tracker.i18n import rate, rate_as_shown

    with FORMATTING_APP.test_request_context("/?lang=fr"):
        for tenths_of_a_basis_point in range(10001):
            value = tenths_of_a_basis_point / 10000
            assert rate(rate_as_shown(value)) == rate(value), value
            assert rate_as_shown(rate_as_shown(value)) == rate_as_shown(value)
    assert rate_as_shown(0.8651) == 0.865
    assert rate_as_shown(0.8655) == 0.866  # half to even, as shown: 86,6 %
    assert rate_as_shown(None) is None


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def common_umask():
    """The usual umask (022), under which new files are readable by every local user."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_database_and_the_instance_folder_are_private_to_their_owner(
    tmp_path, monkeypatch, common_umask
):
    from tracker.cli import main

    instance = tmp_path / "instance"
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    app = create_app()
    result = app.test_cli_runner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    database = instance / "tracker.db"
    with app.app_context(), db.engine.connect() as connection:
        # While a connection writes, SQLite keeps its write-ahead log and shared memory files.
        connection.execute(text("CREATE TABLE probe (x INTEGER)"))
        connection.commit()
        wal, shm = instance / "tracker.db-wal", instance / "tracker.db-shm"
        assert wal.exists() and shm.exists()
        assert (mode(database), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
    assert mode(instance) == 0o700
    with app.app_context():
        db.engine.dispose()


def test_an_existing_instance_and_database_are_made_private(tmp_path, monkeypatch, common_umask):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    database = instance / "tracker.db"
    database.touch(mode=0o644)
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    create_app()
    assert (mode(instance), mode(database)) == (0o700, 0o600)


def test_a_database_named_relative_to_the_instance_is_made_private(
    tmp_path, monkeypatch, common_umask
):
    instance = tmp_path / "instance"
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(instance))
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite:///relative.db"})
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(text("CREATE TABLE probe (x INTEGER)"))
        connection.commit()
        assert mode(instance / "relative.db") == 0o600
    with app.app_context():
        db.engine.dispose()


# A command run on its own: what it imports is the process's, which the suite's has long done.
IMPORTS_OF_A_COMMAND = """
import sys
from tracker.cli import main

main(["init"], standalone_mode=False)
main(["report", "--help"], standalone_mode=False)
assert "weasyprint" not in sys.modules, "a command that makes no report imported WeasyPrint"
from tracker import create_app

create_app()
assert "weasyprint" in sys.modules, "a web worker must import WeasyPrint before it forks"
"""


def test_a_command_leaves_weasyprint_to_its_first_report_and_a_web_worker_imports_it(tmp_path):
    """Half a second of every command (`tracker metrics`, the nightly jobs) not spent; a web
    worker imports it when made, so that the report makers it forks find it imported."""
    environment = {
        **os.environ,
        "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
    }
    finished = subprocess.run(
        [sys.executable, "-c", IMPORTS_OF_A_COMMAND],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
