"""Access table of the page "My signature": instructors and administrators only."""

from tests.access import Case, answers

# Officers are refused, trainees told the page does not exist.
COUNTERSIGNERS = {"officer": 403, "trainee": 404}

CASES = [
    Case("countersigning.my_signature", "GET", "/my-signature", answers(200, **COUNTERSIGNERS)),
    # Sent empty: no drawing, refused with 400.
    Case("countersigning.my_signature", "POST", "/my-signature", answers(400, **COUNTERSIGNERS)),
]
