"""The expected answer of every route to every role, gathered from the tests/access_*.py tables.

Each feature's table is a list of `Case`s: an endpoint, a method, a URL template filled from the
`World` (tests/world.py), and the status each visitor gets. POST requests are sent empty, with CSRF
checks off, so that an admitted role gets the form's refusal (400 or 422) and changes nothing.
"""

from dataclasses import dataclass

from tests.world import ROLES


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    url: str
    statuses: dict  # role -> expected status


def answers(default: int, **by_role: int) -> dict:
    """Expected statuses: `default` for every signed-in role, anonymous sent to sign in (302)."""
    statuses = dict.fromkeys(ROLES, default)
    statuses["anonymous"] = 302
    statuses.update(by_role)
    return statuses
