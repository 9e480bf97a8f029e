"""Many rows of one table written at once: what the features' batch operations share.

The importer and the demo write thousands of rows; each feature's `operations.write_...` is the
one path by which such rows of its entities are written, and calls this.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, update

from tracker.extensions import db

Row = dict[str, Any]


def write_rows(model: type, new: Sequence[Row], changed: Sequence[Row]) -> None:
    """Insert the new rows and update the changed ones (each holding its id) of a model, in bulk."""
    if new:
        db.session.execute(insert(model), list(new))
    if changed:
        db.session.execute(update(model), list(changed))
