"""Access table of the administrator's account pages: admins only."""

from tests.access import Case, answers

ADMIN_ONLY = answers(403, admin=200, trainee=404)
ADMIN_POST = answers(403, admin=422, trainee=404)

CASES = [
    Case("accounts.index", "GET", "/admin/accounts", ADMIN_ONLY),
    Case("accounts.create", "GET", "/admin/accounts/new", ADMIN_ONLY),
    Case("accounts.create", "POST", "/admin/accounts/new", ADMIN_POST),
    Case("accounts.edit", "GET", "/admin/accounts/{user}", ADMIN_ONLY),
    Case("accounts.edit", "POST", "/admin/accounts/{user}", ADMIN_POST),
    # Sent empty, a valid request too: the admin sends the account an invitation
    # (303); before the toggle below disables it.
    Case(
        "accounts.invite",
        "POST",
        "/admin/accounts/{user}/invitation",
        answers(403, admin=303, trainee=404),
    ),
    # Sent empty, the toggle is a valid request: the admin disables the account (302).
    Case(
        "accounts.set_active",
        "POST",
        "/admin/accounts/{user}/active",
        answers(403, admin=302, trainee=404),
    ),
    Case("accounts.reset_password", "POST", "/admin/accounts/{user}/password", ADMIN_POST),
]
