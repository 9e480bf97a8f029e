"""Security headers on every response, and no copy of a page with personal data in the browser."""

from flask import Flask, Response, request

# Scripts only from our own files (static/*.js): no inline script, no on*= attribute. Styles may be
# inline: the charts are SVG drawn by matplotlib, placed in the page, with style attributes and a
# <style> element of their own.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # The site's own pages see where a visitor came from (a form sent after the session ended
    # goes back to its page); other sites never see our addresses, which name trainees.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Add the security headers to every response the app makes."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Add the security headers; keep nothing but static files in the browser's cache.

    Every page and download but the static files may hold personal data: with no-store, Back
    after signing out shows nothing, and a shared computer keeps no copy.
    """
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={ONE_YEAR}")
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response
