"""Access table of the modules with their assessments, assessments and the results grid."""

from tests.access import Case, answers

# Admins and the cohort's instructors; an instructor of another cohort is told the cohort does
# not exist, officers are refused (scores and comments are not theirs), trainees get 404.
TEACHING = {"outsider": 404, "officer": 403, "trainee": 404}

CASES = [
    Case("assessments.modules", "GET", "/cohorts/{cohort}/modules", answers(200, **TEACHING)),
    Case(
        "assessments.new_assessment",
        "GET",
        "/cohorts/{cohort}/assessments/new",
        answers(200, **TEACHING),
    ),
    Case(
        "assessments.new_assessment",
        "POST",
        "/cohorts/{cohort}/assessments/new",
        answers(422, **TEACHING),
    ),
    Case(
        "assessments.edit_assessment",
        "GET",
        "/cohorts/{cohort}/assessments/{assessment}/edit",
        answers(200, **TEACHING),
    ),
    Case(
        "assessments.edit_assessment",
        "POST",
        "/cohorts/{cohort}/assessments/{assessment}/edit",
        answers(422, **TEACHING),
    ),
    Case(
        "assessments.results",
        "GET",
        "/cohorts/{cohort}/assessments/{assessment}/results",
        answers(200, **TEACHING),
    ),
    # An assessment code of one cohort does not name one in another.
    Case(
        "assessments.results",
        "GET",
        "/cohorts/{other_cohort}/assessments/{assessment}/results",
        answers(404, officer=403, instructor=404, outsider=404),
    ),
    Case(
        "assessments.results",
        "POST",
        "/cohorts/{cohort}/assessments/{assessment}/results",
        answers(422, **TEACHING),
    ),
]
