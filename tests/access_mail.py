"""Access table of a cohort's mail switches: administrators only."""

from tests.access import Case, answers

CASES = [
    Case(
        "mail.cohort_switches",
        "GET",
        "/cohorts/{cohort}/mail",
        answers(403, admin=200, trainee=404),
    ),
    # Sent empty, a valid form: every box unticked, saved (303).
    Case(
        "mail.cohort_switches",
        "POST",
        "/cohorts/{cohort}/mail",
        answers(403, admin=303, trainee=404),
    ),
]
