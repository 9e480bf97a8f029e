"""Configuration: defaults, then instance/config.py, then the environment, or the tests' dict."""

import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask
from sqlalchemy.engine import make_url

from tracker import resources

SECRET_KEY_FILE = "secret_key"


class SettingError(click.ClickException):
    """A setting given a value it cannot take: the command stops with the message and status 1,
    and a WSGI server does not start."""


def text(name: str, value: str) -> str:
    """Read a setting that is any text: a path, a name, a password."""
    return value


def whole_number(name: str, value: str) -> int:
    """Read a setting that is a count: 0, 1, 2…"""
    if not re.fullmatch(r"[0-9]+", value.strip()):
        raise SettingError(f"{name} must be a whole number (0, 1, 2…), not {value!r}")
    return int(value)


def days_or_never(name: str, value: str) -> int | None:
    """Read a number of days, or `never`."""
    if value.strip().lower() == "never":
        return None
    return whole_number(name, value)


def true_or_false(name: str, value: str) -> bool:
    """Read a setting that is on or off: true or false (yes/no, on/off, 1/0 too)."""
    word = value.strip().lower()
    if word in ("true", "yes", "on", "1"):
        return True
    if word in ("false", "no", "off", "0"):
        return False
    raise SettingError(f"{name} must be true or false, not {value!r}")


def url_scheme(name: str, value: str) -> str:
    """Read a scheme of addresses: http or https."""
    if value.strip().lower() not in ("http", "https"):
        raise SettingError(f"{name} must be http or https, not {value!r}")
    return value.strip().lower()


def base_url(name: str, value: str) -> str:
    """Read the address people reach the tracker at: http(s)://host[:port][/path]."""
    address = value.strip().rstrip("/")
    if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", address):
        raise SettingError(f"{name} must be an address such as https://tracker.example.org")
    return address


def mail_security(name: str, value: str) -> str:
    """Read how the connection to the mail server is secured: none, starttls or tls."""
    word = value.strip().lower()
    if word not in ("none", "starttls", "tls"):
        raise SettingError(f"{name} must be none, starttls or tls, not {value!r}")
    return word


# The settings a deployment may give in the environment as TRACKER_NAME, each with its reader (and
# TRACKER_DATABASE_URL, TRACKER_SECRET_KEY, TRACKER_INSTANCE_PATH, TRACKER_ENV); the README's
# table lists them all. An empty variable leaves the setting as it was.
FROM_ENVIRONMENT: dict[str, Callable[[str, str], object]] = {
    "SECURE_COOKIES": true_or_false,
    "PREFERRED_URL_SCHEME": url_scheme,
    "PROXY_FIX_X_FOR": whole_number,
    "PROXY_FIX_X_PROTO": whole_number,
    "REPORTS_FOLDER": text,
    "CHART_CACHE_FOLDER": text,
    "REPORT_CACHE_FOLDER": text,
    "UPLOAD_FOLDER": text,
    "SEAL_CERTIFICATE": text,
    "SEAL_PASSWORD": text,
    "ORGANISATION_NAME": text,
    "ROLL_CALL_CLOSES_AFTER_DAYS": days_or_never,
    "SIGNING_OPENS_MINUTES_BEFORE": whole_number,
    "SIGNING_LATE_AFTER_MINUTES": whole_number,
    "SIGNING_CODE_SECONDS": whole_number,
    "SESSION_IDLE_MINUTES": whole_number,
    "SESSION_ABSOLUTE_HOURS": whole_number,
    "SIGN_IN_WINDOW_MINUTES": whole_number,
    "SIGN_IN_MAX_FAILURES_PER_ACCOUNT": whole_number,
    "SIGN_IN_MAX_FAILURES_PER_ADDRESS": whole_number,
    "REPORT_MAKINGS_PER_MINUTE": whole_number,
    "REPORT_MAKING_SLOTS": whole_number,
    "REPORT_MAKING_IN_BACKGROUND": true_or_false,
    "IMPORT_MAX_BYTES": whole_number,
    "PAPER_SHEET_MAX_BYTES": whole_number,
    "JUSTIFICATION_MAX_BYTES": whole_number,
    "SIGNATURE_MAX_BYTES": whole_number,
    "LOGO_MAX_BYTES": whole_number,
    "BASE_URL": base_url,
    "MAIL_HOST": text,
    "MAIL_PORT": whole_number,
    "MAIL_SECURITY": mail_security,
    "MAIL_USER": text,
    "MAIL_PASSWORD": text,
    "MAIL_SENDER": text,
    "MAIL_TIMEOUT_SECONDS": whole_number,
    "MAIL_LOOP_SECONDS": whole_number,
    "INVITATION_DAYS": whole_number,
    "SURVEY_DAYS": whole_number,
}


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill app.config from the defaults, the instance folder and the environment."""
    instance = Path(app.instance_path)
    # The instance holds the secret key and, with SQLite, password hashes, names and scores.
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    make_private(instance, 0o700)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'tracker.db'}",
        SQLALCHEMY_ENGINE_OPTIONS={},
        BABEL_DEFAULT_LOCALE="fr",
        BABEL_DEFAULT_TIMEZONE="Europe/Paris",
        LANGUAGES=("fr", "en"),
        # `tracker report` writes here: reports/ in a checkout, the instance's when installed.
        REPORTS_FOLDER=str(
            instance / "reports" if resources.INSTALLED else resources.folder("reports")
        ),
        # Drawn charts and made reports, shared by the worker processes, keyed by their inputs.
        CHART_CACHE_FOLDER=str(instance / "cache" / "charts"),
        REPORT_CACHE_FOLDER=str(instance / "cache" / "reports"),
        # Reports made (not served from the cache) for one account in any minute, on the web.
        REPORT_MAKINGS_PER_MINUTE=10,
        # Reports made at once by the whole server (its worker processes together): one per
        # processor, so that the other workers keep serving the pages.
        REPORT_MAKING_SLOTS=os.cpu_count() or 2,
        # A report not in the cache is laid out in a process of its own, of lower priority, and
        # its page asks again by itself (tracker/reports/background.py); False: in the request.
        REPORT_MAKING_IN_BACKGROUND=True,
        IMPORT_MAX_BYTES=10 * 1024 * 1024,
        # Days after its half-day when a roll call not closed by its instructor is closed by the
        # tracker; None: never (only the instructor closes).
        ROLL_CALL_CLOSES_AFTER_DAYS=7,
        # Signing the half-days: the window opens this many minutes before a half-day starts
        # (and closes at its end); a signature this many minutes after the start marks the
        # trainee late; the room's code changes every so many seconds (the previous one is
        # still accepted).
        SIGNING_OPENS_MINUTES_BEFORE=15,
        SIGNING_LATE_AFTER_MINUTES=10,
        SIGNING_CODE_SECONDS=30,
        # The largest drawn signature accepted (its strokes as JSON).
        SIGNATURE_MAX_BYTES=64 * 1024,
        # Scanned paper sheets and absence justifications: kept here, outside static/, and
        # served only to those who may see them.
        UPLOAD_FOLDER=str(instance / "uploads"),
        PAPER_SHEET_MAX_BYTES=10 * 1024 * 1024,
        JUSTIFICATION_MAX_BYTES=5 * 1024 * 1024,
        # The organisation's certificate that seals the signed weekly sheets (PAdES): a PKCS#12
        # file and its password. `tracker init` makes a self-signed one for development.
        SEAL_CERTIFICATE=str(instance / "seal.p12"),
        SEAL_PASSWORD=None,
        # Who issues the certificates and signs the reports, until an administrator fills the
        # organisation's identity (tracker.organisation).
        ORGANISATION_NAME="Centre régional d'innovation de Montpellier",
        # The organisation's logo, a PNG image or an SVG drawing.
        LOGO_MAX_BYTES=1024 * 1024,
        # The address people reach the tracker at: the links in mail start with it, never with
        # the Host header of the request that caused them (anybody can forge that one).
        BASE_URL="http://127.0.0.1:5000",
        # The SMTP server that `tracker mail send` delivers the outbox to. MAIL_PORT 0: the
        # usual port of the security chosen (25, 587 for starttls, 465 for tls).
        MAIL_HOST="localhost",
        MAIL_PORT=0,
        MAIL_SECURITY="none",
        MAIL_USER=None,
        MAIL_PASSWORD=None,
        # The messages' From address; nothing is sent without one.
        MAIL_SENDER=None,
        MAIL_TIMEOUT_SECONDS=30,
        # The pause between two passes of `tracker mail send --loop`.
        MAIL_LOOP_SECONDS=60,
        # Days an invitation's link to choose a password stays valid.
        INVITATION_DAYS=7,
        # Days a survey link sent to a trainee stays valid (tracker.outcomes.links).
        SURVEY_DAYS=30,
        SESSION_IDLE_MINUTES=60,
        SESSION_ABSOLUTE_HOURS=12,
        # A form's token lasts as long as the session it is bound to, which has its own idle and
        # absolute limits: a roll call kept open all morning can still be saved.
        WTF_CSRF_TIME_LIMIT=None,
        # Sign-in attempts allowed in the window: for an account from one address (or from a
        # browser it signed in from before), and from one address whatever the accounts.
        SIGN_IN_WINDOW_MINUTES=15,
        SIGN_IN_MAX_FAILURES_PER_ACCOUNT=5,
        SIGN_IN_MAX_FAILURES_PER_ADDRESS=30,
        # How many reverse proxies in front of the application set X-Forwarded-For and
        # X-Forwarded-Proto: trusted, they give the client's address and scheme. 0 when the
        # application is reached directly, or the headers could be forged by anyone.
        PROXY_FIX_X_FOR=0,
        PROXY_FIX_X_PROTO=0,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="tracker_session",
        DEVELOPMENT=os.environ.get("TRACKER_ENV") == "development",
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    else:
        app.config.from_pyfile("config.py", silent=True)
        if url := os.environ.get("TRACKER_DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = url
        if key := os.environ.get("TRACKER_SECRET_KEY"):
            app.config["SECRET_KEY"] = key
        for setting, read in FROM_ENVIRONMENT.items():
            if value := os.environ.get(f"TRACKER_{setting}"):
                app.config[setting] = read(f"TRACKER_{setting}", value)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(instance)
    # Cookies only over HTTPS, except for the development server and the tests
    # (secure_cookies.py warns when they cannot work).
    secure = app.config.get("SECURE_COOKIES")
    if secure is None:
        secure = not (app.config["DEVELOPMENT"] or app.debug or app.testing)
    app.config["SESSION_COOKIE_SECURE"] = secure
    largest_file = max(app.config["IMPORT_MAX_BYTES"], app.config["PAPER_SHEET_MAX_BYTES"])
    app.config["MAX_CONTENT_LENGTH"] = largest_file + 64 * 1024
    make_sqlite_file_private(app.config["SQLALCHEMY_DATABASE_URI"], instance)


def make_private(path: Path, mode: int) -> None:
    """Take away the group's and others' access to a file or folder of ours, if they have any.

    A folder or file that another account owns (a shared mount) is left as it is.
    """
    status = path.stat()
    if status.st_uid == os.getuid() and stat.S_IMODE(status.st_mode) & 0o077:
        path.chmod(stat.S_IMODE(status.st_mode) & mode)


def make_sqlite_file_private(uri: str, instance: Path) -> None:
    """Create an SQLite database file readable by its owner only, before SQLite creates it.

    SQLite gives its write-ahead log and shared memory files the database file's mode, which
    would otherwise follow the umask (0644: readable by every local user).
    """
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    if url.database.startswith("file:"):
        return  # a URI filename: SQLite reads it, and it may name a database in memory
    # Flask-SQLAlchemy reads a relative path from the instance folder.
    path = instance / url.database
    if not path.parent.is_dir():
        return
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            make_private(file, 0o600)


def instance_secret_key(instance: Path) -> str:
    """Return the secret key kept in the instance folder, writing a random one on first use."""
    path = instance / SECRET_KEY_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip()
