"""Settings from the environment (TRACKER_NAME); the warnings when Secure cookies cannot work."""

import logging
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker import create_app
from tracker.cli import main
from tracker.config import FROM_ENVIRONMENT, SettingError

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(autouse=True)
def environment(tmp_path, monkeypatch):
    """Start each test from a deployment's blank environment, in an instance of its own."""
    for name in list(os.environ):
        if name.startswith("TRACKER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    return monkeypatch


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.parametrize(
    ("value", "secure"),
    [("false", False), ("False", False), ("no", False), ("0", False), ("true", True), ("on", True)],
)
def test_secure_cookies_from_the_environment(environment, value, secure):
    environment.setenv("TRACKER_SECURE_COOKIES", value)
    assert create_app().config["SESSION_COOKIE_SECURE"] is secure


def test_secure_cookies_are_on_by_default_and_the_environment_overrides_the_instance(
    tmp_path, environment
):
    assert create_app().config["SESSION_COOKIE_SECURE"] is True
    (tmp_path / "instance" / "config.py").write_text("SECURE_COOKIES = False\n")
    assert create_app().config["SESSION_COOKIE_SECURE"] is False
    environment.setenv("TRACKER_SECURE_COOKIES", "true")
    assert create_app().config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("TRACKER_SECURE_COOKIES", "maybe", "TRACKER_SECURE_COOKIES must be true or false"),
        ("TRACKER_SESSION_IDLE_MINUTES", "an hour", "TRACKER_SESSION_IDLE_MINUTES must be a whole"),
        ("TRACKER_PROXY_FIX_X_PROTO", "-1", "TRACKER_PROXY_FIX_X_PROTO must be a whole number"),
        ("TRACKER_PREFERRED_URL_SCHEME", "ftp", "TRACKER_PREFERRED_URL_SCHEME must be http or"),
    ],
)
def test_a_setting_it_cannot_take_stops_the_start_with_its_name(environment, name, value, expected):
    environment.setenv(name, value)
    with pytest.raises(SettingError, match=expected):
        create_app()
    # The command line says so in a line and exits with 1, no traceback.
    result = CliRunner().invoke(main, ["routes"])
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output


def test_numbers_texts_and_never_from_the_environment(environment):
    environment.setenv("TRACKER_SESSION_IDLE_MINUTES", "30")
    environment.setenv("TRACKER_SIGN_IN_MAX_FAILURES_PER_ACCOUNT", "3")
    environment.setenv("TRACKER_ORGANISATION_NAME", "Centre de Sète")
    environment.setenv("TRACKER_ROLL_CALL_CLOSES_AFTER_DAYS", "never")
    environment.setenv("TRACKER_PREFERRED_URL_SCHEME", "https")
    environment.setenv("TRACKER_SURVEY_DAYS", "45")
    config = create_app().config
    assert config["SURVEY_DAYS"] == 45
    assert config["SESSION_IDLE_MINUTES"] == 30
    assert config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"] == 3
    assert config["ORGANISATION_NAME"] == "Centre de Sète"
    assert config["ROLL_CALL_CLOSES_AFTER_DAYS"] is None
    assert config["PREFERRED_URL_SCHEME"] == "https"


def test_every_setting_from_the_environment_is_in_the_readme():
    table = README.read_text(encoding="utf-8")
    missing = [
        name
        for name in [*FROM_ENVIRONMENT, "DATABASE_URL", "SECRET_KEY", "INSTANCE_PATH", "ENV"]
        if not re.search(rf"^\| `TRACKER_{name}` \|", table, re.MULTILINE)
    ]
    assert missing == []


def test_secure_cookies_without_https_in_front_warn_at_start(environment, caplog):
    create_app()
    assert any("TRACKER_SECURE_COOKIES" in message for message in warnings_of(caplog))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRACKER_SECURE_COOKIES", "false"),
        ("TRACKER_PROXY_FIX_X_PROTO", "1"),
        ("TRACKER_PREFERRED_URL_SCHEME", "https"),
        ("TRACKER_ENV", "development"),
    ],
)
def test_no_warning_at_start_when_https_is_in_front_or_cookies_are_plain(
    environment, caplog, name, value
):
    environment.setenv(name, value)
    create_app()
    assert warnings_of(caplog) == []


def test_a_request_over_plain_http_with_secure_cookies_warns_once(environment, caplog):
    environment.setenv("TRACKER_PROXY_FIX_X_PROTO", "1")  # no warning at start
    client = create_app().test_client()
    client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert warnings_of(caplog) == []
    client.get("/login")
    client.get("/login")
    (warning,) = warnings_of(caplog)
    assert "plain HTTP (http://localhost/)" in warning
    assert "TRACKER_SECURE_COOKIES" in warning


def test_no_request_warning_when_cookies_are_not_secure(environment, caplog):
    environment.setenv("TRACKER_SECURE_COOKIES", "false")
    create_app().test_client().get("/login")
    assert warnings_of(caplog) == []


def test_no_warning_at_start_for_a_command_of_the_command_line(tmp_path, monkeypatch, caplog):
    """A report or an import serves nobody: the `tracker` command says nothing of cookies."""

    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.delenv("TRACKER_SECURE_COOKIES", raising=False)
    with caplog.at_level("WARNING"):
        result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code in (0, 1), result.output
    assert "Secure" not in caplog.text
