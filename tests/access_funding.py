"""Access table of the funding pages: the cohorts' figures, a cohort's figures, the monthly
statement, the signatures of the half-days and the exports."""

from tests.access import Case, answers

# Admins and officers; instructors are refused, trainees are told the page does not exist.
FUNDING = answers(200, instructor=403, outsider=403, trainee=404)
# A date or a month that is not one: the admitted roles get 400.
BAD_INPUT = answers(400, instructor=403, outsider=403, trainee=404)
# A cohort that does not exist.
NOWHERE = answers(404, instructor=403, outsider=403)

CASES = [
    Case("funding.index", "GET", "/funding", FUNDING),
    Case("funding.index", "GET", "/funding?as_of=2022-06-30", FUNDING),
    Case("funding.index", "GET", "/funding?as_of=2022-02-30", BAD_INPUT),
    Case("funding.cohort", "GET", "/cohorts/{cohort}/funding", FUNDING),
    Case("funding.cohort", "GET", "/cohorts/{other_cohort}/funding", FUNDING),
    Case("funding.cohort", "GET", "/cohorts/{cohort}/funding?as_of=31/01/2022", FUNDING),
    Case("funding.cohort", "GET", "/cohorts/{cohort}/funding?as_of=yesterday", BAD_INPUT),
    Case("funding.cohort", "GET", "/cohorts/nowhere/funding", NOWHERE),
    Case("funding.statement", "GET", "/cohorts/{cohort}/funding/statement", FUNDING),
    Case("funding.statement", "GET", "/cohorts/{cohort}/funding/statement?month=2022-01", FUNDING),
    Case(
        "funding.statement", "GET", "/cohorts/{cohort}/funding/statement?month=2022-13", BAD_INPUT
    ),
    Case("funding.statement", "GET", "/cohorts/nowhere/funding/statement", NOWHERE),
    Case("funding.signatures", "GET", "/cohorts/{cohort}/funding/signatures", FUNDING),
    Case(
        "funding.signatures",
        "GET",
        "/cohorts/{other_cohort}/funding/signatures?month=2023-02&as_of=2023-02-15",
        FUNDING,
    ),
    Case(
        "funding.signatures", "GET", "/cohorts/{cohort}/funding/signatures?month=13/2022", BAD_INPUT
    ),
    Case("funding.signatures", "GET", "/cohorts/{cohort}/funding/signatures?as_of=hier", BAD_INPUT),
    Case("funding.signatures", "GET", "/cohorts/nowhere/funding/signatures", NOWHERE),
    Case(
        "funding.export",
        "GET",
        "/cohorts/{cohort}/funding/export/signatures.csv?month=2022-01",
        FUNDING,
    ),
    Case("funding.export", "GET", "/cohorts/{cohort}/funding/export/signatures.xlsx", FUNDING),
    Case("funding.export", "GET", "/cohorts/{cohort}/funding/export/figures.csv", FUNDING),
    Case(
        "funding.export",
        "GET",
        "/cohorts/{cohort}/funding/export/figures.xlsx?as_of=2022-06-30",
        FUNDING,
    ),
    Case(
        "funding.export",
        "GET",
        "/cohorts/{cohort}/funding/export/statement.csv?month=2022-01",
        FUNDING,
    ),
    Case("funding.export", "GET", "/cohorts/{cohort}/funding/export/statement.xlsx", FUNDING),
    Case("funding.export", "GET", "/cohorts/{other_cohort}/funding/export/expenses.csv", FUNDING),
    Case("funding.export", "GET", "/cohorts/{cohort}/funding/export/expenses.xlsx", FUNDING),
    Case(
        "funding.export",
        "GET",
        "/cohorts/{cohort}/funding/export/figures.csv?as_of=2022-02-30",
        BAD_INPUT,
    ),
    Case(
        "funding.export",
        "GET",
        "/cohorts/{cohort}/funding/export/statement.xlsx?month=juin",
        BAD_INPUT,
    ),
    Case("funding.export", "GET", "/cohorts/nowhere/funding/export/figures.csv", NOWHERE),
    # Neither another kind of export nor another format exists, whoever asks.
    Case(
        "funding.export",
        "GET",
        "/cohorts/{cohort}/funding/export/results.csv",
        answers(404, anonymous=404),
    ),
    Case(
        "funding.export",
        "GET",
        "/cohorts/{cohort}/funding/export/figures.pdf",
        answers(404, anonymous=404),
    ),
]
