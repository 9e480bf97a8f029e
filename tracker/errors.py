"""Error pages: every refusal and failure in the site's layout and the visitor's language.

A view refusing bad input calls `abort(400, description=_("what is wrong"))` (or 403, 404, 409,
429 likewise): its own description is shown; otherwise the page explains the status in general
terms. The API answers in JSON. A server error shows no detail: the detail goes to the log.
"""

import math

from flask import Flask, current_app, jsonify, make_response, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from tracker.access import PUBLIC
from tracker.auth.views import page_of_this_site, page_the_form_was_on
from tracker.extensions import db

TITLES = {
    400: _l("The request cannot be handled"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Not possible here"),
    409: _l("Changed in the meantime"),
    410: _l("This link no longer works"),
    413: _l("Too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Busy for a moment"),
}
EXPLANATIONS = {
    400: _l("The request cannot be handled as it was sent. Go back, check it and try again."),
    403: _l("Your account does not give access to this page or this action."),
    404: _l("This page does not exist, or it is not yours to see. Check its address."),
    405: _l("This address cannot be used this way."),
    409: _l("Someone changed this in the meantime. Go back, look at it again and try again."),
    413: _l("What was sent is larger than the site accepts."),
    429: _l("Too many requests in a short time. Wait a moment and try again."),
    503: _l("The server is busy for a moment. Wait a few seconds and try again."),
    500: _l(
        "The error is recorded. Try again in a moment; if it happens again, tell the person in"
        " charge of the tracker."
    ),
}
OTHER_TITLE = _l("The request cannot be handled")


def init_app(app: Flask) -> None:
    """Answer every HTTP error, and any unexpected exception, with one of our pages."""
    app.register_error_handler(HTTPException, error_page)
    app.register_error_handler(InternalServerError, server_error_page)
    app.register_error_handler(CSRFError, expired_form_page)


def error_page(error: HTTPException):
    """Show an HTTP error in the site's layout; in JSON for the API."""
    if error.code is None or error.code < 400:
        return error
    if error.response is not None:
        return error.response  # the view's own answer
    own = error.description if error.description != type(error).description else None
    if wants_json():
        return _with_headers(jsonify(error=own or error.name, status=error.code), error)
    explanation = own or EXPLANATIONS.get(error.code, EXPLANATIONS[400])
    retry_after = getattr(error, "retry_after", None)
    wait = None
    if isinstance(retry_after, int) and 0 < retry_after < 60:
        wait = ngettext(
            "Try again in %(num)d second.", "Try again in %(num)d seconds.", retry_after
        )
    elif isinstance(retry_after, int) and retry_after > 0:
        minutes = math.ceil(retry_after / 60)
        wait = ngettext("Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes)
    # A server busy for a moment (503): the page asks again by itself when the wait is over.
    refresh = retry_after if error.code == 503 and isinstance(retry_after, int) else None
    page = render_template(
        "errors/error.html",
        code=error.code,
        title=TITLES.get(error.code, OTHER_TITLE),
        explanation=explanation,
        wait=wait,
        refresh=refresh,
        sign_in=_sign_in_link(),
    )
    return _with_headers(make_response(page, error.code), error)


def server_error_page(error: InternalServerError):
    """Show a failure without its detail, which Flask has logged."""
    if wants_json():
        return jsonify(error=error.name, status=500), 500
    try:
        # The failed request may have left its transaction unusable; the page reads the account.
        db.session.rollback()
        page = render_template(
            "errors/error.html",
            code=500,
            title=TITLES[500],
            explanation=EXPLANATIONS[500],
            sign_in=None,
        )
    except Exception:
        current_app.logger.exception("The error page itself failed")
        page = render_template(
            "errors/plain.html", title=TITLES[500], explanation=EXPLANATIONS[500]
        )
    return page, 500


def expired_form_page(error: CSRFError):
    """Refuse a form whose token is missing or no longer valid, with a way back to it.

    Signed out in the meantime (the session expired), the visitor is sent to sign in and then
    back to the form's page, where static/keepalive.js puts back what they typed.
    """
    view = current_app.view_functions.get(request.endpoint)
    public = PUBLIC in getattr(view, "allowed_roles", ())
    if not current_user.is_authenticated and not public:
        return current_app.login_manager.unauthorized()
    page = render_template(
        "errors/error.html",
        code=400,
        title=_l("The form had expired"),
        explanation=_l(
            "Nothing was saved: the page was out of date (you may have signed in again"
            " meanwhile). Go back to the form, check what it shows and save again."
        ),
        back=page_the_form_was_on(),
        sign_in=None,
    )
    return page, 400


def wants_json() -> bool:
    """Tell whether the request is the API's, which answers in JSON."""
    return request.blueprint == "api" or request.path.startswith("/api/")


def _sign_in_link() -> str | None:
    """Return where a signed-out visitor signs in, coming back here afterwards."""
    if current_user.is_authenticated:
        return None
    wanted = request.full_path.rstrip("?") if request.method == "GET" else None
    return url_for("auth.login", next=page_of_this_site(wanted))


def _with_headers(response, error: HTTPException):
    """Keep the error's own headers on our response: Allow on 405, Retry-After on 429."""
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    response.status_code = error.code
    return response
