"""Access table of the trail of changes: administrators only."""

from tests.access import Case, answers

ADMINS_ONLY = answers(403, admin=200, trainee=404)

CASES = [
    Case("audit.index", "GET", "/audit", ADMINS_ONLY),
    Case("audit.index", "GET", "/audit?cohort={cohort}&entity=roll-calls&page=1", ADMINS_ONLY),
    Case("audit.export", "GET", "/audit/export.csv", ADMINS_ONLY),
    Case("audit.verify", "GET", "/audit/verify", ADMINS_ONLY),
    # A wrong filter is refused to the admin, and the page stays hidden from the others.
    Case("audit.index", "GET", "/audit?cohort=nowhere", answers(403, admin=400, trainee=404)),
]
