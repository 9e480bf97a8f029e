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
        # Each None written as NULL rather than left out: every row then names the same columns
        # and the rows go to the database in one batch, not one per run of rows with the same
        # empty fields (on PostgreSQL, a tenth of the demo's time). So a row must not leave
        # empty a column that has a default: it would not take it (every such column is NOT
        # NULL today, which refuses it; the trail refused it before).
        statement = insert(model).execution_options(render_nulls=True)
        db.session.execute(statement, list(new))
    if changed:
        db.session.execute(update(model), list(changed))
