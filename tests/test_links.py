"""Every link of the templates names a page that exists: a wrong endpoint fails, never vanishes."""

import re
from pathlib import Path

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
