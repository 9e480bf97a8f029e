"""Access table of the budget pages: the budget, the expenses and their administration."""

from tests.access import Case, answers

# The budget and the expenses: admins and officers; instructors are refused, trainees are told
# the page does not exist.
FUNDING = answers(200, instructor=403, outsider=403, trainee=404)
# Their administration: admins only; officers and instructors refused, trainees told nothing.
ADMINISTRATION = {"instructor": 403, "outsider": 403, "officer": 403, "trainee": 404}

CASES = [
    Case("budget.overview", "GET", "/cohorts/{cohort}/budget", FUNDING),
    Case("budget.overview", "GET", "/cohorts/{other_cohort}/budget", FUNDING),
    # A date that is not one: admitted roles get 400.
    Case(
        "budget.overview",
        "GET",
        "/cohorts/{cohort}/budget?as_of=2022-02-30",
        answers(400, instructor=403, outsider=403, trainee=404),
    ),
    Case(
        "budget.overview",
        "GET",
        "/cohorts/nowhere/budget",
        answers(404, instructor=403, outsider=403),
    ),
    Case("budget.expenses", "GET", "/cohorts/{cohort}/budget/expenses", FUNDING),
    Case(
        "budget.expenses",
        "GET",
        "/cohorts/{cohort}/budget/expenses?line={line}&from=01/01/2022&to=2022-12-31",
        FUNDING,
    ),
    Case(
        "budget.expenses",
        "GET",
        "/cohorts/{cohort}/budget/expenses?from=yesterday",
        answers(400, instructor=403, outsider=403, trainee=404),
    ),
    Case(
        "budget.new_expense",
        "GET",
        "/cohorts/{cohort}/budget/expenses/new",
        answers(200, **ADMINISTRATION),
    ),
    Case(
        "budget.new_expense",
        "POST",
        "/cohorts/{cohort}/budget/expenses/new",
        answers(422, **ADMINISTRATION),
    ),
    Case(
        "budget.edit_expense",
        "GET",
        "/cohorts/{cohort}/budget/expenses/{expense}/edit",
        answers(200, **ADMINISTRATION),
    ),
    # The expense belongs to the other cohort's budget: not found there.
    Case(
        "budget.edit_expense",
        "GET",
        "/cohorts/{other_cohort}/budget/expenses/{expense}/edit",
        answers(404, **ADMINISTRATION),
    ),
    Case(
        "budget.edit_expense",
        "POST",
        "/cohorts/{cohort}/budget/expenses/{expense}/edit",
        answers(422, **ADMINISTRATION),
    ),
    # An empty POST does not name the expense it removes: refused, nothing removed.
    Case(
        "budget.delete_expense",
        "POST",
        "/cohorts/{cohort}/budget/expenses/{expense}/delete",
        answers(400, **ADMINISTRATION),
    ),
    Case(
        "budget.delete_expense",
        "POST",
        "/cohorts/{other_cohort}/budget/expenses/{expense}/delete",
        answers(404, **ADMINISTRATION),
    ),
    Case(
        "budget.import_expenses",
        "GET",
        "/cohorts/{cohort}/budget/expenses/import",
        answers(200, **ADMINISTRATION),
    ),
    Case(
        "budget.import_expenses",
        "POST",
        "/cohorts/{cohort}/budget/expenses/import",
        answers(422, **ADMINISTRATION),
    ),
    Case(
        "budget.new_line",
        "GET",
        "/cohorts/{cohort}/budget/lines/new",
        answers(200, **ADMINISTRATION),
    ),
    Case(
        "budget.new_line",
        "POST",
        "/cohorts/{cohort}/budget/lines/new",
        answers(422, **ADMINISTRATION),
    ),
    Case(
        "budget.edit_line",
        "GET",
        "/cohorts/{cohort}/budget/lines/{line}/edit",
        answers(200, **ADMINISTRATION),
    ),
    Case(
        "budget.edit_line",
        "GET",
        "/cohorts/{other_cohort}/budget/lines/{line}/edit",
        answers(404, **ADMINISTRATION),
    ),
    Case(
        "budget.edit_line",
        "POST",
        "/cohorts/{cohort}/budget/lines/{line}/edit",
        answers(422, **ADMINISTRATION),
    ),
    Case(
        "budget.delete_line",
        "POST",
        "/cohorts/{cohort}/budget/lines/{line}/delete",
        answers(400, **ADMINISTRATION),
    ),
    Case(
        "budget.delete_line",
        "POST",
        "/cohorts/{other_cohort}/budget/lines/{line}/delete",
        answers(404, **ADMINISTRATION),
    ),
]
