"""Each cohort's figures kept by the version of its records, for the pages that span cohorts.

Every change to a cohort's records (a roll call, a result, a session, a trainee, a budget line,
an expense, the cohort itself) writes an entry of the trail in the same transaction, under the
cohort's id (`tracker.audit.capture`); entries are numbered in order. The newest entry's number
is therefore the version of the cohort's records (its hash, which covers its content and all the
chain before it): it changes with every write, by whatever path, and with nothing else. Reading
it costs two index lookups per cohort, whatever the size of the trail.

The officer's home, the cohorts list and `/funding` ask for the figures of every cohort: they
are computed once per (cohort, date, version) and kept in this process, so that a page of 200
cohorts costs 200 index lookups and what changed since, not every roll call of every cohort. A
process keeps the latest KEPT entries; each worker process keeps its own. The pages, charts and
reports of one cohort take its data from here too (`current_data`): loaded once per version,
with what they work out from it kept in it (`tracker.metrics.memo`). What is rebuilt as recorded
at an earlier instant is never kept: the trail is rolled back under it.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tracker.audit import replay
from tracker.audit.models import AuditEntry
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.metrics.figures import CohortData
from tracker.metrics.loading import load_cohort_data

# Enough for a few dates of a few hundred cohorts, summaries and figures.
KEPT = 2048


def data_versions(cohort_ids: Sequence[int]) -> dict[int, str | None]:
    """Return the version of each cohort's records: the hash of its newest trail entry (its
    number alone could come back after `tracker demo --reset` empties the trail)."""
    if not cohort_ids:
        return {}
    newest = (
        select(func.max(AuditEntry.id))
        .where(AuditEntry.cohort_id == Cohort.id)
        .correlate(Cohort)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Cohort.id, AuditEntry.hash)
        .outerjoin(AuditEntry, AuditEntry.id == newest)
        .where(Cohort.id.in_(cohort_ids))
    )
    return dict(rows.all())


class FiguresByVersion:
    """Results worked out from one cohort's records as of a date, kept by their version."""

    def __init__(self, kept: int = KEPT) -> None:
        self.kept = kept
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()

    def get_many(
        self,
        kind: str,
        cohorts: Sequence[Cohort],
        as_of: date,
        compute: Callable[[Sequence[Cohort]], dict[int, Any]],
    ) -> dict[int, Any]:
        """Return `compute`'s result for each cohort by id, computing only those whose records
        changed since they were kept (`compute` takes the cohorts missing, returns by id)."""
        if replay.rebuilt_at() is not None:
            return compute(cohorts)
        versions = data_versions([cohort.id for cohort in cohorts])
        # The database too: one process may serve several (the tests, one per test).
        database = db.engine.url.render_as_string(hide_password=True)
        found: dict[int, Any] = {}
        missing = []
        with self.lock:
            for cohort in cohorts:
                key = (database, kind, cohort.id, as_of, versions.get(cohort.id))
                if key in self.entries:
                    self.entries.move_to_end(key)
                    found[cohort.id] = self.entries[key]
                else:
                    missing.append(cohort)
        if missing:
            computed = compute(missing)
            with self.lock:
                for cohort in missing:
                    key = (database, kind, cohort.id, as_of, versions.get(cohort.id))
                    self.entries[key] = computed[cohort.id]
                while len(self.entries) > self.kept:
                    self.entries.popitem(last=False)
            found.update(computed)
        return found


kept_figures = FiguresByVersion()

# A cohort's data holds its roll calls (some 16,000 rows for an 18-month course) and what was
# worked out from them: keep the few cohorts in use, not every cohort a list has shown.
DATA_KEPT = 8

kept_data = FiguresByVersion(DATA_KEPT)


def current_data(cohort: Cohort, as_of: date) -> CohortData:
    """Return the cohort's data as of D, loaded again only when its records changed since.

    The same object serves every page, chart and report of the cohort at that date and version,
    with what they worked out from it (`tracker.metrics.memo`). As recorded at an earlier
    instant, the data is loaded afresh each time.
    """
    return kept_data.get_many(
        "data", [cohort], as_of, lambda missing: {cohort.id: load_cohort_data(cohort, as_of)}
    )[cohort.id]
