"""Access table of the room's projector and of the trainee's signing pages.

The world's half-day is long past: a trainee reaching its signing pages is refused (403, the
window is closed); the pages' own tests (tests/test_signing.py) freeze the clock inside it.
"""

from tests.access import Case, answers

# The projector: admins and the cohort's instructors, as the roll call.
TEACHING = {"outsider": 404, "officer": 403, "trainee": 404}
# Signing: trainees only, for themselves; other roles are refused.
TRAINEES = {"admin": 403, "instructor": 403, "outsider": 403, "officer": 403}

CASES = [
    Case(
        "signing.projector",
        "GET",
        "/cohorts/{cohort}/sessions/{session}/projector",
        answers(200, **TEACHING),
    ),
    Case(
        "signing.projector_state_json",
        "GET",
        "/cohorts/{cohort}/sessions/{session}/projector/state",
        answers(200, **TEACHING),
    ),
    Case(
        "signing.projector",
        "GET",
        "/cohorts/{other_cohort}/sessions/{session}/projector",
        answers(404, officer=403),
    ),
    # No code typed.
    Case("signing.by_code", "GET", "/sign", answers(400, **TRAINEES)),
    Case("signing.by_qr", "GET", "/sign/{session}/ABCDEFGHJKLMNPQRSTUV", answers(403, **TRAINEES)),
    Case("signing.sign", "GET", "/sign/{session}", answers(403, **TRAINEES)),
    Case("signing.sign", "POST", "/sign/{session}", answers(403, **TRAINEES)),
]
