"""The figures as JSON: GET /api/cohorts/<slug>/metrics, the same object as `tracker metrics`."""

from datetime import date

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException

from tracker.access import allow, cohort_or_404
from tracker.audit import replay
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.metrics.figures import cohort_figures, figures_json
from tracker.metrics.versions import current_data
from tracker.timeutil import today

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(HTTPException)
def json_error(error: HTTPException):
    """Answer errors of the API in JSON, not HTML."""
    return jsonify(error=error.description or error.name, status=error.code), error.code


@bp.route("/cohorts/<slug>/metrics")
@allow("admin", "officer")
def cohort_metrics_json(slug: str):
    """Serve the cohort's figures as of ?as_of=YYYY-MM-DD (default today), as recorded at
    ?as_recorded=INSTANT (ISO 8601; default now)."""
    cohort = cohort_or_404(slug, "see_funding")
    as_of = request.args.get("as_of")
    if as_of is None:
        day = today()
    else:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            return jsonify(error=f"as_of: {as_of!r} is not a date YYYY-MM-DD", status=400), 400
    instant = None
    if (as_recorded := request.args.get("as_recorded")) is not None:
        try:
            instant = replay.parse_instant(as_recorded)
        except ValueError as error:
            return jsonify(error=f"as_recorded: {error}", status=400), 400
    # Who may see the cohort is decided by today's accounts, before the records are rebuilt.
    cohort_id = cohort.id
    try:
        with replay.as_recorded_or_now(instant):
            then = db.session.get(Cohort, cohort_id)
            if then is None:
                return jsonify(error="The cohort was not recorded yet then.", status=404), 404
            figures = figures_json(cohort_figures(current_data(then, day)))
    except replay.BeforeTheTrail as error:
        return jsonify(error=f"as_recorded: {error}", status=400), 400
    return jsonify(figures)
