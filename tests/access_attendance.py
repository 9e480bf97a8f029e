"""Access table of the timetable, the roll call and the timetable's administration."""

from tests.access import Case, answers

# Teaching pages: admins and the cohort's instructors; an instructor of another cohort is told
# the cohort does not exist, officers are refused, trainees are told the page does not exist.
TEACHING = {"outsider": 404, "officer": 403, "trainee": 404}
# The timetable's administration: admins only.
ADMINISTRATION = {"instructor": 403, "outsider": 403, "officer": 403, "trainee": 404}

CASES = [
    Case("attendance.timetable", "GET", "/cohorts/{cohort}/timetable", answers(200, **TEACHING)),
    Case(
        "attendance.timetable",
        "GET",
        "/cohorts/{other_cohort}/timetable",
        answers(200, instructor=404, officer=403, trainee=404),
    ),
    Case(
        "attendance.roll_call",
        "GET",
        "/cohorts/{cohort}/sessions/{session}/roll-call",
        answers(200, **TEACHING),
    ),
    Case(
        "attendance.roll_call",
        "GET",
        "/cohorts/{other_cohort}/sessions/{session}/roll-call",
        answers(404, officer=403),
    ),
    Case(
        "attendance.roll_call",
        "POST",
        "/cohorts/{cohort}/sessions/{session}/roll-call",
        answers(422, **TEACHING),
    ),
    Case(
        "attendance.close_roll_call",
        "POST",
        "/cohorts/{cohort}/sessions/{session}/roll-call/close",
        answers(422, **TEACHING),
    ),
    Case(
        "attendance.reopen_roll_call",
        "POST",
        "/cohorts/{cohort}/sessions/{session}/roll-call/reopen",
        answers(422, **ADMINISTRATION),
    ),
    Case(
        "attendance.new_session",
        "GET",
        "/cohorts/{cohort}/sessions/new",
        answers(200, **ADMINISTRATION),
    ),
    Case(
        "attendance.new_session",
        "POST",
        "/cohorts/{cohort}/sessions/new",
        answers(422, **ADMINISTRATION),
    ),
    Case(
        "attendance.edit_session",
        "GET",
        "/cohorts/{cohort}/sessions/{session}/edit",
        answers(200, **ADMINISTRATION),
    ),
    Case(
        "attendance.edit_session",
        "GET",
        "/cohorts/{other_cohort}/sessions/{session}/edit",
        answers(404, **ADMINISTRATION),
    ),
    Case(
        "attendance.edit_session",
        "POST",
        "/cohorts/{cohort}/sessions/{session}/edit",
        answers(422, **ADMINISTRATION),
    ),
    # The world's session has a roll call: deleting it is refused.
    Case(
        "attendance.delete_session",
        "POST",
        "/cohorts/{cohort}/sessions/{session}/delete",
        answers(409, **ADMINISTRATION),
    ),
    Case(
        "attendance.generate_sessions",
        "GET",
        "/cohorts/{cohort}/sessions/generate",
        answers(200, **ADMINISTRATION),
    ),
    Case(
        "attendance.generate_sessions",
        "POST",
        "/cohorts/{cohort}/sessions/generate",
        answers(422, **ADMINISTRATION),
    ),
]
