"""Access table of the absence justifications."""

from tests.access import Case, answers

# Deciding: admins and the cohort's instructors; an instructor of another cohort is told the
# cohort does not exist, officers are refused, trainees are told the page does not exist.
DECIDING = {"outsider": 404, "officer": 403, "trainee": 404}
# A justification, its document and a trainee's list: the trainee themself as well. Officers
# see trainees' hours, not the reasons of their absences nor their documents (often medical).
OWN = {"outsider": 404, "officer": 403}
# Declaring: the trainee alone, for themself.
DECLARING = {"admin": 403, "instructor": 403, "outsider": 403, "officer": 403}

CASES = [
    Case(
        "justifications.cohort_list",
        "GET",
        "/cohorts/{cohort}/justifications",
        answers(200, **DECIDING),
    ),
    Case(
        "justifications.cohort_list",
        "GET",
        "/cohorts/{other_cohort}/justifications",
        answers(200, instructor=404, officer=403, trainee=404),
    ),
    Case(
        "justifications.justification",
        "GET",
        "/cohorts/{cohort}/justifications/{justification}",
        answers(200, **OWN),
    ),
    Case(
        "justifications.justification",
        "GET",
        "/cohorts/{cohort}/justifications/{other_justification}",
        answers(200, **OWN, trainee=404),
    ),
    # Another cohort's address for the same justification.
    Case(
        "justifications.justification",
        "GET",
        "/cohorts/{other_cohort}/justifications/{justification}",
        answers(404, officer=403),
    ),
    Case(
        "justifications.document_file",
        "GET",
        "/cohorts/{cohort}/justifications/{justification}/document",
        answers(200, **OWN),
    ),
    Case(
        "justifications.document_file",
        "GET",
        "/cohorts/{cohort}/justifications/{other_justification}/document",
        answers(200, **OWN, trainee=404),
    ),
    # The other trainee's justification is decided already: accepting it is refused.
    Case(
        "justifications.accept",
        "POST",
        "/cohorts/{cohort}/justifications/{other_justification}/accept",
        answers(409, **DECIDING),
    ),
    # A refusal without its reason.
    Case(
        "justifications.refuse",
        "POST",
        "/cohorts/{cohort}/justifications/{justification}/refuse",
        answers(422, **DECIDING),
    ),
    Case(
        "justifications.trainee_list",
        "GET",
        "/cohorts/{cohort}/trainees/{trainee}/justifications",
        answers(200, **OWN),
    ),
    Case(
        "justifications.trainee_list",
        "GET",
        "/cohorts/{cohort}/trainees/{other_trainee}/justifications",
        answers(200, **OWN, trainee=404),
    ),
    Case(
        "justifications.declare",
        "GET",
        "/cohorts/{cohort}/trainees/{trainee}/justifications/new",
        answers(200, **DECLARING),
    ),
    Case(
        "justifications.declare",
        "GET",
        "/cohorts/{cohort}/trainees/{other_trainee}/justifications/new",
        answers(404, **DECLARING),
    ),
    # An empty declaration: no document, refused with 400.
    Case(
        "justifications.declare",
        "POST",
        "/cohorts/{cohort}/trainees/{trainee}/justifications/new",
        answers(400, **DECLARING),
    ),
]
