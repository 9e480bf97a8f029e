"""Links: every endpoint the templates name exists, and every link a role is shown opens."""

import html
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from werkzeug.routing import BuildError

from tracker.cohorts.views import link_to

TEMPLATES = Path(__file__).parent.parent / "templates"
# link_to("budget.overview", ...), url_for('cohorts.trainee', ...), and the main menu's
# item("accounts.index", ...): the endpoints written out in the templates.
NAMED_ENDPOINT = re.compile(r"""\b(?:link_to|url_for|item)\(\s*["']([a-z_]+\.[a-z_]+)["']""")


def endpoints_in_templates() -> list[tuple[str, str]]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for endpoint in NAMED_ENDPOINT.findall(path.read_text()):
            found.append((str(path.relative_to(TEMPLATES)), endpoint))
    return found


def test_the_templates_name_endpoints():
    # The pattern finds what it is meant to find, else the test below would check nothing.
    assert ("funding/cohort.html", "budget.overview") in endpoints_in_templates()
    assert len(endpoints_in_templates()) > 50


def test_every_endpoint_named_in_a_template_exists(app):
    missing = [
        f"{template}: {endpoint}"
        for template, endpoint in endpoints_in_templates()
        if endpoint not in app.view_functions
    ]
    assert not missing, "links to pages that do not exist: " + ", ".join(missing)


def test_a_link_to_a_page_that_does_not_exist_fails(app):
    with app.test_request_context("/"):
        assert link_to("budget.overview", slug="alpha") == "/cohorts/alpha/budget"
        with pytest.raises(BuildError):
            link_to("budget.lines", slug="alpha")


LINK = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"", re.IGNORECASE)


def links_of(page: str) -> list[str]:
    """Return the addresses of this site that a page links to (not its files, nor #anchors)."""
    found = []
    for href in LINK.findall(page):
        address = urlsplit(html.unescape(href))
        if address.scheme or address.netloc or not address.path.startswith("/"):
            continue
        if address.path.startswith("/static/"):
            continue
        query = parse_qsl(address.query)
        if any(name == "lang" for name, _ in query):
            continue  # the language switch: the same page again
        found.append(address.path + (f"?{address.query}" if address.query else ""))
    return found


def walk(client, start: str = "/") -> tuple[dict[str, int], dict[str, str]]:
    """Follow every link from a page on, once per path and set of query names.

    Returns each address visited with its status, and the page that first linked to it. Months,
    weeks and dates in the query string are visited once per page, not once per value: the walk
    would otherwise go on through every month of every cohort.
    """
    statuses: dict[str, int] = {}
    linked_from = {start: "(start)"}
    seen = set()
    queue = [start]
    while queue:
        address = queue.pop(0)
        response = client.get(address)
        statuses[address] = response.status_code
        targets = []
        if response.status_code in (301, 302, 303):
            targets = [response.headers["Location"]]
        elif response.mimetype == "text/html":
            targets = links_of(response.get_data(as_text=True))
        for target in targets:
            parts = urlsplit(target)
            shape = (parts.path, frozenset(name for name, _ in parse_qsl(parts.query)))
            if shape not in seen:
                seen.add(shape)
                linked_from.setdefault(target, address)
                queue.append(target)
    return statuses, linked_from


@pytest.mark.parametrize("role", ["officer", "trainee", "instructor", "admin"])
def test_every_link_of_a_role_s_pages_opens(world, signed_in, role):
    statuses, linked_from = walk(signed_in(role))
    refused = {
        address: f"{status}, linked from {linked_from[address]}"
        for address, status in statuses.items()
        if status not in (200, 302)
    }
    assert refused == {}
    assert len(statuses) > 3  # the walk went somewhere
