"""Access table of the JSON API: admins and officers; anonymous callers get 401, not a redirect."""

from tests.access import Case, answers

CASES = [
    Case(
        "api.cohort_metrics_json",
        "GET",
        "/api/cohorts/{cohort}/metrics?as_of=2022-06-30",
        answers(403, anonymous=401, admin=200, officer=200, trainee=404),
    ),
]
