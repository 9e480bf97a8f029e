"""Security headers: a Content-Security-Policy without inline script, no framing, no sniffing, a
referrer kept on the site, HSTS over HTTPS, and nothing with personal data kept by the browser."""

import re
from pathlib import Path

import pytest

from tests.access import Case
from tests.test_access import CASES, visitor

TEMPLATES = Path(__file__).parent.parent / "templates"


def policy(response) -> dict[str, str]:
    """Read a Content-Security-Policy header into its directives."""
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


@pytest.mark.parametrize("path", ["/login", "/no/such/page"])
def test_every_page_carries_the_security_headers(client, path):
    response = client.get(path)
    directives = policy(response)
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://tracker.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_static_files_may_be_cached(client):
    with client.get("/static/app.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def downloads_and_pages(role: str) -> list[Case]:
    """The GET routes that a role reaches (200), one URL per endpoint."""
    seen, cases = set(), []
    for case in CASES:
        if case.method == "GET" and case.statuses[role] == 200 and case.endpoint not in seen:
            seen.add(case.endpoint)
            cases.append(case)
    return cases


@pytest.mark.usefixtures("without_csrf")
@pytest.mark.parametrize("role", ["admin", "trainee"])
def test_no_signed_in_page_or_download_is_kept_by_the_browser(app, login_as, world, role):
    client = visitor(app, login_as, world, role)
    kept = []
    cases = downloads_and_pages(role)
    assert len(cases) > (20 if role == "admin" else 3)
    for case in cases:
        response = client.get(world.url(case.url))
        assert response.status_code == 200, case.url
        if response.headers.get("Cache-Control") != "no-store":
            kept.append(
                f"{case.url} ({response.mimetype}): {response.headers.get('Cache-Control')}"
            )
    assert kept == []


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def test_templates_hold_no_inline_script_nor_event_attribute():
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_ATTRIBUTE, SCRIPT_URL):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(TEMPLATES)}:{line}: {match.group(0)[:60]}")
    assert found == [], "scripts go in static/*.js, loaded with src and defer"


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        '<button onclick="go()">',
        '<a href="#" onmouseover = "x">',
        '<a href="javascript:go()">',
    ],
)
def test_the_template_check_finds_what_it_looks_for(text):
    assert any(p.search(text) for p in (INLINE_SCRIPT, EVENT_ATTRIBUTE, SCRIPT_URL))
    assert not any(
        p.search('<script src="/static/keepalive.js" defer></script><a href="/x" data-on="1">')
        for p in (INLINE_SCRIPT, EVENT_ATTRIBUTE, SCRIPT_URL)
    )
