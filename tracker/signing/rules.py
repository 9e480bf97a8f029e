"""What the signatures and the roll call may disagree on: pure functions over plain values."""

# The statuses under which a trainee was in the room for some or all of the half-day.
ATTENDED = ("present", "late", "left_early")

# A roll call mark that the signatures contradict, each needing a reason (the mark's note).
PRESENT_WITHOUT_SIGNATURE = "present_without_signature"
SIGNED_BUT_ABSENT = "signed_but_absent"


def disagreement(status: str | None, signed: bool, on_paper: bool) -> str | None:
    """Return how a mark and the trainee's signature disagree, or None when they agree.

    A week signed on paper has no signature on screen to compare with: its marks never
    disagree. A trainee with no mark yet has nothing to disagree with.
    """
    if on_paper or status is None:
        return None
    if status in ATTENDED and not signed:
        return PRESENT_WITHOUT_SIGNATURE
    if status not in ATTENDED and signed:
        return SIGNED_BUT_ABSENT
    return None
