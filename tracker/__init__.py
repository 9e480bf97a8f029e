"""The cohort tracker: a Flask application that follows a funded cohort of trainees."""

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker import errors, headers, i18n, resources, secure_cookies
from tracker.access import deny_unruled_views
from tracker.audit import capture  # noqa: F401  (the trail's listeners on every session)
from tracker.config import load_config
from tracker.extensions import babel, csrf, db, login_manager, migrate
from tracker.urls import IdConverter

MIGRATIONS = str(Path(__file__).parent / "migrations")


def create_app(test_config: dict | None = None, *, commands: bool = False) -> Flask:
    """Create and configure the application: to serve it, or for the `tracker` commands, which
    leave WeasyPrint to the first report they make (half a second of every command)."""
    app = Flask(
        __name__,
        template_folder=str(resources.folder("templates")),
        static_folder=str(resources.folder("static")),
        instance_path=os.environ.get("TRACKER_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    load_config(app, test_config)
    if app.config["PROXY_FIX_X_FOR"] or app.config["PROXY_FIX_X_PROTO"]:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=app.config["PROXY_FIX_X_FOR"],
            x_proto=app.config["PROXY_FIX_X_PROTO"],
        )
    secure_cookies.init_app(app)
    app.url_map.converters["int"] = IdConverter  # before any route: ids a database holds

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    login_manager.init_app(app)

    from tracker import models  # noqa: F401  (registers every model on the metadata)
    from tracker.assessments.views import bp as assessments_bp
    from tracker.attendance.views import bp as attendance_bp
    from tracker.audit.views import bp as audit_bp
    from tracker.auth.accounts import bp as accounts_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.budget.views import bp as budget_bp
    from tracker.cohorts.views import bp as cohorts_bp
    from tracker.followups.views import bp as followups_bp
    from tracker.funding.views import bp as funding_bp
    from tracker.health.views import bp as health_bp
    from tracker.help.views import bp as help_bp
    from tracker.imports.views import bp as imports_bp
    from tracker.justifications.views import bp as justifications_bp
    from tracker.mail.views import bp as mail_bp
    from tracker.metrics.views import bp as api_bp
    from tracker.organisation.views import bp as organisation_bp
    from tracker.outcomes.views import bp as outcomes_bp
    from tracker.paper.views import bp as paper_bp
    from tracker.reports.views import bp as reports_bp
    from tracker.signing.countersigning_views import bp as countersigning_bp
    from tracker.signing.views import bp as signing_bp

    blueprints = (
        auth_bp,
        accounts_bp,
        audit_bp,
        cohorts_bp,
        attendance_bp,
        assessments_bp,
        imports_bp,
        budget_bp,
        funding_bp,
        reports_bp,
        api_bp,
        help_bp,
        countersigning_bp,
        signing_bp,
        paper_bp,
        organisation_bp,
        justifications_bp,
        followups_bp,
        health_bp,
        mail_bp,
        outcomes_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    errors.init_app(app)
    headers.init_app(app)
    app.before_request(deny_unruled_views)
    if not commands:
        # A web worker lays reports out in processes it forks: each finds WeasyPrint imported.
        from tracker.reports.making import layout_engine

        layout_engine()
    return app


# How long a SQLite connection waits for another's write before giving up.
SQLITE_BUSY_TIMEOUT_MS = 5000


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """Turn on foreign keys, WAL and a busy timeout on every SQLite connection."""
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()
