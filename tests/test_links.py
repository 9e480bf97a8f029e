"""Every link that a role is shown leads to a page it may open: never a 403 or a 404."""

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

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
