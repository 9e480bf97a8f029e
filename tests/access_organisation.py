"""Access table of the organisation's identity: administrators only."""

from tests.access import Case, answers

ADMIN_ONLY = answers(403, admin=200, trainee=404)

CASES = [
    Case("organisation.edit", "GET", "/admin/organisation", ADMIN_ONLY),
    # Sent empty, the form lacks the legal name: refused (400), nothing saved.
    Case("organisation.edit", "POST", "/admin/organisation", answers(403, admin=400, trainee=404)),
    # No logo yet in the world: the administrator is told so (404).
    Case(
        "organisation.logo", "GET", "/admin/organisation/logo", answers(403, admin=404, trainee=404)
    ),
]
