"""Configuration: defaults, then instance/config.py, then the environment, or the tests' dict."""

import os
import secrets
from pathlib import Path

from flask import Flask

SECRET_KEY_FILE = "secret_key"


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill app.config from the defaults, the instance folder and the environment."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'tracker.db'}",
        SQLALCHEMY_ENGINE_OPTIONS={},
        BABEL_DEFAULT_LOCALE="fr",
        BABEL_DEFAULT_TIMEZONE="Europe/Paris",
        LANGUAGES=("fr", "en"),
        REPORTS_FOLDER=str(Path(app.root_path).parent / "reports"),
        # Drawn charts and made reports, shared by the worker processes, keyed by their inputs.
        CHART_CACHE_FOLDER=str(instance / "cache" / "charts"),
        REPORT_CACHE_FOLDER=str(instance / "cache" / "reports"),
        # Reports made (not served from the cache) for one account in any minute, on the web.
        REPORT_MAKINGS_PER_MINUTE=10,
        IMPORT_MAX_BYTES=10 * 1024 * 1024,
        # Who issues the certificates and signs the reports.
        ORGANISATION_NAME="Centre régional d'innovation de Montpellier",
        SESSION_IDLE_MINUTES=60,
        SESSION_ABSOLUTE_HOURS=12,
        SIGN_IN_WINDOW_MINUTES=15,
        SIGN_IN_MAX_FAILURES_PER_ACCOUNT=5,
        SIGN_IN_MAX_FAILURES_PER_ADDRESS=30,
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
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(instance)
    # Cookies only over HTTPS, except for the development server and the tests.
    secure = app.config.get("SECURE_COOKIES")
    if secure is None:
        secure = not (app.config["DEVELOPMENT"] or app.debug or app.testing)
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["MAX_CONTENT_LENGTH"] = app.config["IMPORT_MAX_BYTES"] + 64 * 1024


def instance_secret_key(instance: Path) -> str:
    """Return the secret key kept in the instance folder, writing a random one on first use."""
    path = instance / SECRET_KEY_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip()
