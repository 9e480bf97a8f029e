"""Access table of the CSV upload."""

from tests.access import Case, answers

ADMIN_ONLY = answers(403, admin=200, trainee=404)

CASES = [
    Case("imports.upload", "GET", "/cohorts/{cohort}/import", ADMIN_ONLY),
    # An empty upload is refused by the form; only admins get that far.
    Case("imports.upload", "POST", "/cohorts/{cohort}/import", {**ADMIN_ONLY, "admin": 422}),
    # A cohort that does not exist: admins 404, the others are stopped before.
    Case("imports.upload", "GET", "/cohorts/nowhere/import", {**ADMIN_ONLY, "admin": 404}),
]

CASES += [
    # The templates of the files: for those who import them.
    Case("imports.template", "GET", "/import-templates/trainees.csv", ADMIN_ONLY),
    Case("imports.template", "GET", "/import-templates/expenses.xlsx", ADMIN_ONLY),
    Case("imports.template", "GET", "/import-templates/nothing.csv", {**ADMIN_ONLY, "admin": 404}),
]
