"""Many rows of the signed half-days written at once: the one path by which the demo (and any
later importer) writes signatures, countersignatures, drawn signatures, paper sheets and
justifications in bulk (`tracker.batch`). Each row is checked by whoever builds it."""

from collections.abc import Sequence

from tracker.batch import Row, write_rows
from tracker.signing.models import (
    Countersignature,
    DrawnSignature,
    Justification,
    PaperSheet,
    Signature,
)


def write_signatures(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many trainees' signatures at once (a changed row holds its id)."""
    write_rows(Signature, new, changed)


def write_countersignatures(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many instructors' countersignatures at once (a changed row holds its id)."""
    write_rows(Countersignature, new, changed)


def write_drawn_signatures(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many instructors' drawn signatures at once (a changed row holds its id)."""
    write_rows(DrawnSignature, new, changed)


def write_paper_sheets(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many weeks' scanned paper sheets at once (a changed row holds its id)."""
    write_rows(PaperSheet, new, changed)


def write_justifications(new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Add and change many absence justifications at once (a changed row holds its id)."""
    write_rows(Justification, new, changed)
