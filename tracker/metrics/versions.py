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
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tracker.audit import replay
from tracker.audit.models import AuditEntry
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.metrics import series
from tracker.metrics.figures import CohortData
from tracker.metrics.loading import LOADED_TABLES, load_cohort_data, with_marks_reloaded

# Enough for a few dates of a few hundred cohorts, summaries and figures.
KEPT = 2048


# A version: the number and the hash of the cohort's newest trail entry (its number alone could
# come back after `tracker demo --reset` empties the trail); None before any entry.
Version = tuple[int, str] | None


def data_versions(cohort_ids: Sequence[int]) -> dict[int, Version]:
    """Return the version of each cohort's records."""
    if not cohort_ids:
        return {}
    newest = (
        select(func.max(AuditEntry.id))
        .where(AuditEntry.cohort_id == Cohort.id)
        .correlate(Cohort)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Cohort.id, AuditEntry.id, AuditEntry.hash)
        .outerjoin(AuditEntry, AuditEntry.id == newest)
        .where(Cohort.id.in_(cohort_ids))
    )
    return {
        cohort_id: (number, hash_) if number is not None else None
        for cohort_id, number, hash_ in rows
    }


# Beyond this many changes since the data kept, the whole cohort is loaded again (an import).
CHANGES_APPLIED = 500


def sessions_whose_marks_changed(cohort_id: int, since: Version, until: Version) -> set[int] | None:
    """Return the sessions whose roll-call marks changed between two versions of a cohort's
    records, when nothing else that its data holds changed; None otherwise.

    The trail says what changed: an entry per row, under the cohort's id, a mark's naming its
    session. Changes to what the data does not hold (signatures, follow-ups, mail switches…)
    are left aside.
    """
    if since is None or until is None or until[0] <= since[0]:
        return None
    # The entry is still the one the data was kept under: a trail emptied by `tracker demo
    # --reset` numbers its entries afresh.
    if db.session.scalar(select(AuditEntry.hash).where(AuditEntry.id == since[0])) != since[1]:
        return None
    changes = db.session.execute(
        select(AuditEntry.entity, AuditEntry.parent_id)
        .where(
            AuditEntry.cohort_id == cohort_id,
            AuditEntry.id > since[0],
            AuditEntry.id <= until[0],
        )
        .limit(CHANGES_APPLIED + 1)
    ).all()
    if len(changes) > CHANGES_APPLIED:
        return None
    sessions = set()
    for entity, parent_id in changes:
        if entity == "attendance_records":
            sessions.add(parent_id)
        elif entity in LOADED_TABLES:
            return None
    return sessions


class FiguresByVersion:
    """Results worked out from one cohort's records as of a date, kept by their version."""

    def __init__(self, kept: int = KEPT) -> None:
        self.kept = kept
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        # The version last kept for each (database, kind, cohort, date), to update from.
        self.latest: dict[Hashable, Version] = {}
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.latest.clear()

    def get_many(
        self,
        kind: str,
        cohorts: Sequence[Cohort],
        as_of: date | Mapping[int, date],
        compute: Callable[[Sequence[Cohort]], dict[int, Any]],
        update: Callable[[Cohort, Any, Version, Version], Any] | None = None,
    ) -> dict[int, Any]:
        """Return `compute`'s result for each cohort by id, computing only those whose records
        changed since they were kept (`compute` takes the cohorts missing, returns by id).

        `as_of` is the date of every cohort, or each cohort's by id. `update(cohort, kept, since,
        until)` may bring a result kept for an older version up to date more cheaply than
        computing it, or return None."""
        if replay.rebuilt_at() is not None:
            return compute(cohorts)
        versions = data_versions([cohort.id for cohort in cohorts])
        # The database too: one process may serve several (the tests, one per test).
        database = db.engine.url.render_as_string(hide_password=True)
        places = {
            cohort.id: (
                database,
                kind,
                cohort.id,
                as_of[cohort.id] if isinstance(as_of, Mapping) else as_of,
            )
            for cohort in cohorts
        }
        found: dict[int, Any] = {}
        missing = []
        older: dict[int, tuple[Any, Version]] = {}
        with self.lock:
            for cohort in cohorts:
                place = places[cohort.id]
                key = (*place, versions.get(cohort.id))
                if key in self.entries:
                    self.entries.move_to_end(key)
                    found[cohort.id] = self.entries[key]
                    continue
                missing.append(cohort)
                latest = self.latest.get(place)
                if update is not None and (*place, latest) in self.entries:
                    older[cohort.id] = (self.entries[(*place, latest)], latest)
        computed: dict[int, Any] = {}
        for cohort in missing:
            if cohort.id in older:
                kept, since = older[cohort.id]
                updated = update(cohort, kept, since, versions.get(cohort.id))
                if updated is not None:
                    computed[cohort.id] = updated
        if rest := [cohort for cohort in missing if cohort.id not in computed]:
            computed.update(compute(rest))
        if computed:
            with self.lock:
                for cohort in missing:
                    place = places[cohort.id]
                    version = versions.get(cohort.id)
                    # What was kept for an older version is superseded: nobody asks for it again.
                    previous = self.latest.get(place)
                    if previous != version:
                        self.entries.pop((*place, previous), None)
                    self.entries[(*place, version)] = computed[cohort.id]
                    self.latest[place] = version
                while len(self.entries) > self.kept:
                    key, _value = self.entries.popitem(last=False)
                    if self.latest.get(key[:-1]) == key[-1]:
                        del self.latest[key[:-1]]
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
        "data",
        [cohort],
        as_of,
        lambda missing: {cohort.id: load_cohort_data(cohort, as_of)},
        update=_data_updated,
    )[cohort.id]


def _data_updated(cohort: Cohort, kept: CohortData, since: Version, until: Version):
    """Bring data kept for an older version up to date when only roll-call marks changed since
    (a roll call saved): the marks of those sessions are read again, not the whole cohort's."""
    sessions = sessions_whose_marks_changed(cohort.id, since, until)
    if sessions is None:
        return None
    data, dropped, read = with_marks_reloaded(kept, cohort.id, sessions)
    if data is not kept:
        series.carry_over(kept, data, dropped, read)
    return data
