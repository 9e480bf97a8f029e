"""Walk every route of the application as every kind of visitor and check each answer."""

import importlib
import pkgutil

import pytest

import tests
from tests.access import Case
from tests.world import ROLES
from tracker.auth.models import User
from tracker.extensions import db

pytestmark = pytest.mark.usefixtures("without_csrf")


def all_cases() -> list[Case]:
    """Gather the cases of every tests/access_*.py table."""
    cases = []
    for module in pkgutil.iter_modules(tests.__path__):
        if module.name.startswith("access_"):
            cases.extend(importlib.import_module(f"tests.{module.name}").CASES)
    return cases


CASES = all_cases()


def visitor(app, login_as, world, role):
    client = app.test_client()
    if role != "anonymous":
        with app.app_context():
            login_as(client, db.session.get(User, world.accounts[role]))
    return client


def test_every_route_has_an_expected_answer_for_every_role(app):
    covered = {(case.endpoint, case.method) for case in CASES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes without an access rule in tests/access_*.py: " + ", ".join(missing)
    for case in CASES:
        assert set(case.statuses) == set(ROLES), case


def test_every_role_gets_the_expected_answer_everywhere(app, login_as, world):
    wrong = []
    for case in CASES:
        for role in ROLES:
            client = visitor(app, login_as, world, role)
            response = client.open(world.url(case.url), method=case.method)
            if response.status_code != case.statuses[role]:
                wrong.append(
                    f"{case.method} {world.url(case.url)} as {role}: "
                    f"{response.status_code}, expected {case.statuses[role]}"
                )
    assert not wrong, "\n".join(wrong)


def test_a_view_without_a_rule_is_not_served(app):
    @app.route("/forgotten")
    def forgotten():
        return "secret"

    assert app.test_client().get("/forgotten").status_code == 404
