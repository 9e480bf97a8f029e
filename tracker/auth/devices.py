"""Browsers that an account has signed in from: OWASP's "device cookies".

After a successful sign-in, the browser gets a signed cookie naming, for that account, a random
device id. A later attempt from that browser for that account is counted against the device id
alone, so that password guessing elsewhere, or by others behind the same address (a Region
office behind one NAT), never stops the owner signing in from a browser they used before.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import Response, current_app, url_for
from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE = "tracker_device"
KEPT_FOR = timedelta(days=180)
# The accounts remembered by one browser: a shared office computer serves a few people.
ACCOUNTS_PER_BROWSER = 5


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="tracker-sign-in-device")


def _account(email: str) -> str:
    """Name an account in the cookie without writing its email there."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _devices(cookie: str | None) -> dict[str, str]:
    """Read the cookie's accounts and device ids; a cookie not signed by us, or too old, is none."""
    if not cookie:
        return {}
    try:
        devices = _serializer().loads(cookie, max_age=KEPT_FOR.total_seconds())
    except BadData:
        return {}
    if not isinstance(devices, dict):
        return {}
    return {str(account): str(device) for account, device in devices.items()}


def trusted_device(cookie: str | None, email: str) -> str | None:
    """Return the device id of this browser for the account, if the account signed in here."""
    return _devices(cookie).get(_account(email))


def remember_device(response: Response, cookie: str | None, email: str) -> None:
    """Give the browser a new device id for the account it has just signed in to."""
    devices = _devices(cookie)
    devices.pop(_account(email), None)
    devices[_account(email)] = secrets.token_urlsafe(16)
    kept = dict(list(devices.items())[-ACCOUNTS_PER_BROWSER:])
    response.set_cookie(
        COOKIE,
        _serializer().dumps(kept),
        max_age=int(KEPT_FOR.total_seconds()),
        path=url_for("auth.login"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )
