"""`/healthz`: polled by a service manager or a load balancer, without signing in."""

from flask import Blueprint, jsonify

from tracker.access import PUBLIC, allow
from tracker.extensions import db
from tracker.health import checks

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@allow(PUBLIC)
def healthz():
    """Answer 200 when the database is reachable and its migrations current, 503 otherwise."""
    health = checks.check(db.engine)
    answer = jsonify(
        status="ok" if health.healthy else "unavailable",
        database=health.database,
        migration=health.schema,
        expected_migration=health.expected,
    )
    answer.status_code = 200 if health.healthy else 503
    answer.headers["Cache-Control"] = "no-store"
    return answer
