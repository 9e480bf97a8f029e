"""Access table of the weeks' signed paper sheets."""

from tests.access import Case, answers

# Who sees the cohort's trainees sees its signed sheets: admins, its instructors and the
# Region's officers; an instructor of another cohort and trainees are told it does not exist.
SEEING = {"outsider": 404, "trainee": 404}
# Uploading and removing: administrators only.
ADMINISTRATION = {"instructor": 403, "outsider": 403, "officer": 403, "trainee": 404}

CASES = [
    Case("paper.index", "GET", "/cohorts/{cohort}/paper-sheets", answers(200, **SEEING)),
    Case(
        "paper.index",
        "GET",
        "/cohorts/{other_cohort}/paper-sheets",
        answers(200, instructor=404, trainee=404),
    ),
    Case(
        "paper.week",
        "GET",
        "/cohorts/{cohort}/paper-sheets/{paper_week}",
        answers(200, **SEEING),
    ),
    # An empty form: no file, refused with 400.
    Case(
        "paper.upload",
        "POST",
        "/cohorts/{cohort}/paper-sheets/{paper_week}",
        answers(400, **ADMINISTRATION),
    ),
    Case(
        "paper.download",
        "GET",
        "/cohorts/{cohort}/paper-sheets/{paper_week}/file",
        answers(200, **SEEING),
    ),
    # The other cohort's same week has no sheet.
    Case(
        "paper.download",
        "GET",
        "/cohorts/{other_cohort}/paper-sheets/{paper_week}/file",
        answers(404, officer=404, instructor=404),
    ),
    # A week without a sheet: nothing to remove (the world's sheet stays for the other cases).
    Case(
        "paper.remove",
        "POST",
        "/cohorts/{cohort}/paper-sheets/2022-W03/remove",
        answers(404, **ADMINISTRATION),
    ),
]
