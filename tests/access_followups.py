"""Access table of the positioning on entry and the follow-ups."""

from tests.access import Case, answers

# The positioning: administrators, who enrol trainees; other staff 403, trainees 404.
POSITIONING = answers(403, admin=200, trainee=404)
# The follow-ups: the cohort's instructors and administrators. An instructor of another cohort
# is told the cohort does not exist; officers are refused (what trainees confide is not the
# funder's); trainees, even about themselves, are told the page does not exist.
FOLLOW_UPS = {"outsider": 404, "officer": 403, "trainee": 404}

CASES = [
    Case(
        "followups.positioning",
        "GET",
        "/cohorts/{cohort}/trainees/{trainee}/positioning",
        POSITIONING,
    ),
    # Sent empty: the form's refusal, nothing recorded.
    Case(
        "followups.positioning",
        "POST",
        "/cohorts/{cohort}/trainees/{other_trainee}/positioning",
        answers(403, admin=400, trainee=404),
    ),
    Case(
        "followups.positioning",
        "GET",
        "/cohorts/{cohort}/trainees/T99/positioning",
        answers(403, admin=404, trainee=404),
    ),
    Case(
        "followups.follow_ups",
        "GET",
        "/cohorts/{cohort}/trainees/{trainee}/follow-ups",
        answers(200, **FOLLOW_UPS),
    ),
    Case(
        "followups.follow_ups",
        "GET",
        "/cohorts/{cohort}/trainees/{other_trainee}/follow-ups",
        answers(200, **FOLLOW_UPS),
    ),
    Case(
        "followups.follow_ups",
        "POST",
        "/cohorts/{cohort}/trainees/{other_trainee}/follow-ups",
        answers(400, **FOLLOW_UPS),
    ),
    Case(
        "followups.follow_ups",
        "GET",
        "/cohorts/{other_cohort}/trainees/T01/follow-ups",
        answers(200, instructor=404, officer=403, trainee=404),
    ),
    Case(
        "followups.follow_ups",
        "GET",
        "/cohorts/{cohort}/trainees/T99/follow-ups",
        answers(404, officer=403),
    ),
]
