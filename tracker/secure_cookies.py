"""Warn the operator when Secure session cookies cannot work: a browser sends a Secure cookie
back only over HTTPS, so over plain HTTP nobody stays signed in, and nothing else says why."""

import click
from flask import Flask, request

NO_HTTPS_IN_FRONT = (
    "Session cookies are Secure (TRACKER_SECURE_COOKIES), but nothing says the tracker is reached "
    "over HTTPS: no proxy is trusted to set X-Forwarded-Proto (TRACKER_PROXY_FIX_X_PROTO is 0) "
    "and TRACKER_PREFERRED_URL_SCHEME is not https. Over plain HTTP browsers never send the "
    "cookie back and nobody can sign in. Behind a proxy that serves HTTPS, set "
    "TRACKER_PROXY_FIX_X_PROTO=1; when the WSGI server itself serves HTTPS, set "
    "TRACKER_PREFERRED_URL_SCHEME=https; to serve plain HTTP on a private network, set "
    "TRACKER_SECURE_COOKIES=false."
)
PLAIN_HTTP_REQUEST = (
    "A request came over plain HTTP (%s) while session cookies are Secure "
    "(TRACKER_SECURE_COOKIES): browsers do not send them back and sign-ins do not hold. Serve "
    "over HTTPS (behind a proxy that does, set TRACKER_PROXY_FIX_X_PROTO), or set "
    "TRACKER_SECURE_COOKIES=false. Said once."
)


def init_app(app: Flask) -> None:
    """Warn at start when Secure cookies have no HTTPS in front, and at the first plain request."""
    config = app.config
    # A command of `tracker` (a report, an import) serves nobody: only a server is warned.
    command_line = click.get_current_context(silent=True) is not None
    if (
        not command_line
        and config["SESSION_COOKIE_SECURE"]
        and not config["PROXY_FIX_X_PROTO"]
        and config["PREFERRED_URL_SCHEME"] != "https"
    ):
        app.logger.warning(NO_HTTPS_IN_FRONT)
    warned = False

    @app.before_request
    def warn_of_plain_http() -> None:
        """Warn, once for the process, of a request over plain HTTP while cookies are Secure."""
        nonlocal warned
        if not warned and request.scheme == "http" and config["SESSION_COOKIE_SECURE"]:
            warned = True
            app.logger.warning(PLAIN_HTTP_REQUEST, request.host_url)
