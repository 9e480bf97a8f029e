"""Access table of the outcomes: a cohort's outcomes (staff and officers), the staff's form (admins
and the cohort's instructors), the survey and the public results (anyone, no sign-in)."""

from tests.access import Case, answers

# Reading: admins, the cohort's instructors and officers; trainees are told it does not exist.
READING = {"outsider": 404, "trainee": 404}
# Recording: admins and the cohort's instructors; officers read only.
RECORDING = {"outsider": 404, "officer": 403, "trainee": 404}

CASES = [
    Case("outcomes.cohort_outcomes", "GET", "/cohorts/{cohort}/outcomes", answers(200, **READING)),
    Case(
        "outcomes.cohort_outcomes",
        "GET",
        "/cohorts/{other_cohort}/outcomes",
        answers(200, instructor=404, trainee=404),
    ),
    Case(
        "outcomes.record",
        "GET",
        "/cohorts/{cohort}/trainees/{other_trainee}/outcomes",
        answers(200, **RECORDING),
    ),
    # An empty form sent back: refused with its errors, nothing saved... or nothing to save.
    Case(
        "outcomes.record",
        "POST",
        "/cohorts/{cohort}/trainees/{trainee}/outcomes",
        answers(302, **RECORDING),
    ),
    # A link the tracker did not sign: the same answer for everyone, signed in or not.
    Case("outcomes.survey", "GET", "/survey/not-a-link", answers(404, anonymous=404)),
    Case("outcomes.survey", "POST", "/survey/not-a-link", answers(404, anonymous=404)),
    Case("outcomes.results_index", "GET", "/results", answers(200, anonymous=200)),
    Case("outcomes.results", "GET", "/results/ia-promotion-1", answers(200, anonymous=200)),
    Case("outcomes.results", "GET", "/results/no-such-course", answers(404, anonymous=404)),
]
