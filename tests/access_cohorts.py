"""Access table of the cohort pages, the trainee page and their administration."""

from tests.access import Case, answers

# Administration: admins only; other staff 403, trainees 404 (they must not learn what exists).
ADMIN_GET = answers(403, admin=200, trainee=404)
ADMIN_POST = answers(403, admin=422, trainee=404)

CASES = [
    Case("cohorts.index", "GET", "/cohorts", answers(200, trainee=404)),
    # The overview shows progress, derived from scores: officers are sent to the cohort's funding.
    Case(
        "cohorts.overview",
        "GET",
        "/cohorts/{cohort}",
        answers(200, outsider=404, officer=302, trainee=404),
    ),
    Case(
        "cohorts.overview",
        "GET",
        "/cohorts/{other_cohort}",
        answers(200, instructor=404, officer=302, trainee=404),
    ),
    # Every roll call not taken in the cohorts one teaches: staff who take roll calls only.
    Case(
        "cohorts.roll_calls_not_taken",
        "GET",
        "/roll-calls/not-taken",
        answers(200, officer=403, trainee=404),
    ),
    Case(
        "cohorts.trainee",
        "GET",
        "/cohorts/{cohort}/trainees/{trainee}",
        answers(200, outsider=404, officer=403),
    ),
    Case(
        "cohorts.trainee",
        "GET",
        "/cohorts/{cohort}/trainees/{other_trainee}",
        answers(200, outsider=404, officer=403, trainee=404),
    ),
    # The trainee's own reference in another cohort is another person.
    Case(
        "cohorts.trainee",
        "GET",
        "/cohorts/{other_cohort}/trainees/{trainee}",
        answers(200, instructor=404, officer=403, trainee=404),
    ),
    Case("cohorts.trainee", "GET", "/cohorts/{cohort}/trainees/T99", answers(404, officer=403)),
    Case("cohorts.new_cohort", "GET", "/cohorts/new", ADMIN_GET),
    Case("cohorts.new_cohort", "POST", "/cohorts/new", ADMIN_POST),
    Case("cohorts.edit_cohort", "GET", "/cohorts/{cohort}/edit", ADMIN_GET),
    Case("cohorts.edit_cohort", "POST", "/cohorts/{cohort}/edit", ADMIN_POST),
    Case("cohorts.curriculum", "GET", "/cohorts/{cohort}/curriculum", ADMIN_GET),
    Case("cohorts.new_module", "GET", "/cohorts/{cohort}/curriculum/modules/new", ADMIN_GET),
    Case("cohorts.new_module", "POST", "/cohorts/{cohort}/curriculum/modules/new", ADMIN_POST),
    Case(
        "cohorts.edit_module",
        "GET",
        "/cohorts/{cohort}/curriculum/modules/{module}/edit",
        ADMIN_GET,
    ),
    Case(
        "cohorts.edit_module",
        "POST",
        "/cohorts/{cohort}/curriculum/modules/{module}/edit",
        ADMIN_POST,
    ),
    Case(
        "cohorts.edit_module",
        "GET",
        "/cohorts/{cohort}/curriculum/modules/M99/edit",
        answers(403, admin=404, trainee=404),
    ),
    Case(
        "cohorts.new_competency",
        "GET",
        "/cohorts/{cohort}/curriculum/competencies/new",
        ADMIN_GET,
    ),
    Case(
        "cohorts.new_competency",
        "POST",
        "/cohorts/{cohort}/curriculum/competencies/new",
        ADMIN_POST,
    ),
    Case(
        "cohorts.edit_competency",
        "GET",
        "/cohorts/{cohort}/curriculum/competencies/C1/edit",
        ADMIN_GET,
    ),
    Case(
        "cohorts.edit_competency",
        "POST",
        "/cohorts/{cohort}/curriculum/competencies/C1/edit",
        ADMIN_POST,
    ),
    Case("cohorts.trainees", "GET", "/cohorts/{cohort}/trainees", ADMIN_GET),
    Case("cohorts.enrol_trainee", "GET", "/cohorts/{cohort}/trainees/new", ADMIN_GET),
    Case("cohorts.enrol_trainee", "POST", "/cohorts/{cohort}/trainees/new", ADMIN_POST),
    Case(
        "cohorts.edit_trainee", "GET", "/cohorts/{cohort}/trainees/{other_trainee}/edit", ADMIN_GET
    ),
    Case(
        "cohorts.edit_trainee",
        "POST",
        "/cohorts/{cohort}/trainees/{other_trainee}/edit",
        ADMIN_POST,
    ),
    Case(
        "cohorts.record_withdrawal",
        "GET",
        "/cohorts/{cohort}/trainees/{other_trainee}/withdrawal",
        ADMIN_GET,
    ),
    Case(
        "cohorts.record_withdrawal",
        "POST",
        "/cohorts/{cohort}/trainees/{other_trainee}/withdrawal",
        ADMIN_POST,
    ),
    Case(
        "cohorts.record_withdrawal",
        "GET",
        "/cohorts/nowhere/trainees/{other_trainee}/withdrawal",
        answers(403, admin=404, trainee=404),
    ),
]
