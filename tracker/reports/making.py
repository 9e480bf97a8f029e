"""Make a report: its template rendered to HTML, handed to WeasyPrint, kept in a cache.

Identical when made again: the PDF's bytes depend only on the report's source (the figures'
data and texts), the date of its figures (as of), the date it is made on (printed, and set as the
PDF's creation and modification dates), its language, and the code, templates and translations
that make it, which the tracker's version stands for (a release bumps it: `tracker.version`).
Those make the cache key, so that a report is made again only when one of them changed; the
entry is written atomically (a temporary file, then `os.replace`), so that a reader, a request
or another process, sees either nothing or the whole file.

The date it is made on is printed, so that a report of a past day is never asked for again:
the cache keeps a folder per day of making, and making a report removes the folders of the days
before yesterday (yesterday's stays for the requests that straddle midnight).

Archival and accessible: PDF/A-2a, which WeasyPrint 70 makes tagged (a structure tree with
headings, tables, lists and figures with their text alternative) and with Unicode text; the
title, author (the issuing organisation) and language are in the document's metadata. `tagging`
finishes its tree: running header and footer as artifacts, layout tables (role="presentation")
as divisions, a table over several pages one table with its header rows once.
"""

import base64
import gc
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import re
import shutil
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm.exc import ObjectDeletedError

from tracker import i18n, resources, timeutil, version
from tracker.attendance import amendments, closing
from tracker.audit import replay
from tracker.charts import Chart, canonical, matplotlib_version
from tracker.cohorts import pages
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.files import private_folder, write_atomically
from tracker.metrics import series
from tracker.metrics.figures import CohortData, cohort_figures
from tracker.metrics.loading import collector_paused
from tracker.metrics.memo import not_on_marks, worked_out
from tracker.metrics.versions import current_data
from tracker.organisation import queries as organisation
from tracker.reports import background, limits
from tracker.reports.contents import (
    CONTEXTS,
    AmendmentsSince,
    ReportError,
    Source,
    amendments_since,
    as_of_shown,
    find_cohort,
    find_trainee,
    gather_attestation,
    gather_certificate,
    gather_cohort,
    gather_funding,
    gather_sheet,
    gather_signed_sheet,
    gather_trainee,
    last_held_week,
)
from tracker.reports.stack import on_a_roomy_stack
from tracker.signing import seal

if TYPE_CHECKING:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

# Level A: tagged for accessibility; part 2: no embedded files, which some archives refuse.
PDF_VARIANT = "pdf/a-2a"

TEMPLATES = resources.folder("templates") / "reports"


@dataclass(frozen=True)
class Made:
    """A report made: the file in the cache, the name to give it and its content (read at once:
    a newer version made by another process may remove the file meanwhile)."""

    path: Path
    filename: str
    content: bytes


def organisation_name() -> str:
    """Return the legal name of the organisation that issues the reports (its identity, or
    the setting ORGANISATION_NAME before an administrator fills it)."""
    return organisation.current().legal_name


# ---------------------------------------------------------------------------------------------
# The cache key


def _file_digest(path: Path) -> str:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "-"
    return _digest_of(path, stat.st_mtime_ns, stat.st_size)


@cache
def _digest_of(path: Path, mtime_ns: int, size: int) -> str:
    """Hash a file once per version of it (its modification time and size)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_digest(data: CohortData | None) -> str:
    """Hash the inputs of a cohort's figures: their rows as the database returned them.

    The rows are plain values (ints, strings, dates, Decimals, floats) whose repr is exact.
    The marks are sorted first (by session and trainee, their key): loaded whole or brought up
    to date after a roll call (`tracker.metrics.versions`), equal marks give one digest whatever
    their order, so that every worker process finds the same report. The other rows are
    hashed in the order read: rows returned in another order only cost a report made again.
    """
    if data is None:
        return "-"
    # Kept with the data (`tracker.metrics.versions`), so that a cached report is served quickly.
    return worked_out(data, "digest", lambda: _data_digest(data))


def _data_digest(data: CohortData) -> str:
    return _digest_of_parts(
        (
            data.as_of,
            data.cohort,
            data.trainees,
            data.sessions,
            tuple(sorted(map(tuple, data.marks))),
            data.modules,
            data.assessments,
            tuple(map(tuple, data.scores)),
            data.budget_lines,
            data.expenses,
        )
    )


def _digest_of_parts(parts: tuple) -> str:
    """Hash plain values by their exact repr, each closed by a separator."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def shown_digest(source: Source) -> str:
    """Hash the records a report shows. A trainee's progress report shows their own records and
    what every trainee's shares: a roll call of another trainee is left out of its key, so that
    one changed mark remakes one trainee's report. (The certificate and the attestation hold the
    figures they print in their details, and no records.)"""
    if source.kind == "trainee" and source.data is not None:
        return trainee_digest(source.data, source.details["person"].id)
    return data_digest(source.data)


def trainee_digest(data: CohortData, trainee_id: int) -> str:
    """Hash what a report about one trainee is made from: their row and roll calls, the
    cohort, sessions, modules, assessments and scores (the modules' medians) that every trainee's
    report shares, and the cohort's monthly attendance as its chart shows it (every month's: a
    month the trainee was not expected in remakes their report for nothing, which is rare, and
    the line is worked out once for all). Kept with the data, as the cohort's digest is."""
    return worked_out(
        data, ("trainee digest", trainee_id), lambda: _trainee_digest(data, trainee_id)
    )


def _trainee_digest(data: CohortData, trainee_id: int) -> str:
    return _digest_of_parts(
        (
            shared_digest(data),
            tuple(trainee for trainee in data.trainees if trainee.id == trainee_id),
            trainee_marks(data, trainee_id),
        )
    )


def trainee_marks(data: CohortData, trainee_id: int) -> tuple[tuple, ...]:
    """A trainee's marks, sorted (by session), as plain tuples: looked up in the index of the
    marks by session and trainee, which data brought up to date after a roll call takes patched
    from the older data (`series.carry_over`) rather than made again from every mark."""
    index = series.marks_by_session_and_trainee(data)
    own = (index.get((session.id, trainee_id)) for session in data.sessions)
    return tuple(sorted(tuple(mark) for mark in own if mark is not None))


def shared_digest(data: CohortData) -> str:
    """Hash what every trainee's report shares: the cohort, its sessions, modules, assessments,
    scores (the modules' medians) and monthly attendance as the trainees' charts show it; once
    per data, not once per trainee."""
    return worked_out(
        data,
        "shared digest",
        lambda: _digest_of_parts(
            (records_digest(data), tuple(sorted(series.cohort_monthly_line(data).items())))
        ),
    )


@not_on_marks
def records_digest(data: CohortData) -> str:
    """Hash the records every trainee's report shows but the marks: the cohort, its sessions,
    modules, assessments and scores (once per data, and taken as it is by data brought up to
    date after a roll call)."""
    return _digest_of_parts(
        (
            data.as_of,
            data.cohort,
            data.sessions,
            data.modules,
            data.assessments,
            tuple(map(tuple, data.scores)),
        )
    )


def report_key(source: Source, language: str, made_on: date) -> str:
    """Return the cache key of a report: what it shows, as of, made on, language and release."""
    text = json.dumps(
        [
            version.installed(),
            weasyprint_version(),
            matplotlib_version(),
            PDF_VARIANT,
            source.kind,
            language,
            made_on.isoformat(),
            source.as_of.isoformat(),
            source.recorded_at.isoformat() if source.recorded_at else None,
            organisation_name(),
            canonical(source.cohort),
            canonical(source.details),
            shown_digest(source),
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# Rendering


def minutes_as_hours(minutes: int | None) -> str:
    """Show minutes as hours, by the hours' rule (`tracker.i18n`): 1 234,50 h."""
    return i18n.hours(None if minutes is None else minutes / 60)


def month_name(value: date) -> str:
    """Name a month and its year: Décembre 2022."""
    name = format_date(value, "LLLL yyyy")
    return name[:1].upper() + name[1:]


def weekday(value: date) -> str:
    """Name a day of the week: Lundi."""
    name = format_date(value, "EEEE")
    return name[:1].upper() + name[1:]


def chart_image(chart: Chart) -> Markup:
    """Place a chart as an SVG image of its own, described by its text alternative.

    An image rather than inline SVG: each chart keeps its own element ids (matplotlib's clip
    paths of two charts in one page could clash) and its styles stay out of the page's.
    """
    source = "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode()).decode()
    return Markup('<img src="{}" alt="{}" title="{}">').format(source, chart.alt, chart.title)


# Control characters are no text (HTML calls them parse errors): a report shows each as a
# space, as a browser shows the line breaks and tabs of a text, rather than a box that also
# upsets the text that readers copy out of the PDF.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In a CSS string, the line breaks and tabs too (a running header is one line).
CSS_SPACES = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0)], " ")
# What ends a CSS string token (CSS Syntax 3, 4.3.5): its quote, a line break (\n, \r, \f) or a
# backslash escape; and `<`, `>` that could close the <style> element the string stands in.
CSS_ESCAPED = re.compile(r'["\\<>\x00-\x1f\x7f-\x9f]')


def css_string(text: str) -> Markup:
    """Quote a text for a CSS `content` value, safe inside a <style> element.

    Every character that could end the string or the element is written as a CSS escape
    (`\\22 ` for a quote, `\\5C ` for a backslash), so that the text reads as it was given;
    line breaks, tabs and control characters read as spaces, as in the page's own text.
    """
    plain = text.unescape() if isinstance(text, Markup) else str(text)
    escaped = CSS_ESCAPED.sub(lambda match: f"\\{ord(match[0]):X} ", plain.translate(CSS_SPACES))
    return Markup(f'"{escaped}"')


COUNTERS = {"{page}": "counter(page)", "{pages}": "counter(pages)"}


def page_counter() -> Markup:
    """Return the CSS content of "Page x of y" in the current language."""
    words = _("Page %(page)s of %(pages)s", page="{page}", pages="{pages}")
    pieces = re.split(r"(\{page\}|\{pages\})", words)
    return Markup(" ".join(COUNTERS.get(piece) or css_string(piece) for piece in pieces if piece))


def recorded_on(instant: datetime) -> str:
    """Name an instant where the course is held: 05/07/2022 at 18:00 (Paris time)."""
    local = instant.astimezone(timeutil.COURSE_TIME_ZONE)
    return _("%(day)s at %(time)s (Paris time)", day=i18n.day(local.date()), time=f"{local:%H:%M}")


def paris_day(instant: datetime) -> str:
    """Show the day of an instant where the course is held: 05/07/2022."""
    return i18n.day(instant.astimezone(timeutil.COURSE_TIME_ZONE).date())


def signed_hours(minutes: int) -> str:
    """Show a change of hours with its sign: +7,00 h, −3,50 h, 0,00 h."""
    shown = i18n.hours(abs(minutes) / 60)
    return ("+" if minutes > 0 else "−" if minutes < 0 else "") + shown


def render_html(
    source: Source, language: str, made_on: date, organisation: str | None = None
) -> str:
    """Render a report's template to HTML in a language (inside an application context).

    `organisation`: the issuer's legal name, read from the database when not given. Nothing
    else here reads the database: what a report shows is in its source (gathered before), so
    that a making process without a connection can render it (`_make_in_background`).
    """
    with force_locale(i18n.LOCALES[language]):
        context = CONTEXTS[source.kind](source, language)
        html = render_template(
            f"reports/{source.kind}.html",
            source=source,
            cohort=source.cohort,
            as_of=source.as_of,
            recorded_on=recorded_on(source.recorded_at) if source.recorded_at else None,
            paris_day=paris_day,
            signed_hours=signed_hours,
            describe_mark=amendments.describe_mark,
            made_on=made_on,
            language=language,
            html_lang=i18n.LOCALES[language].replace("_", "-"),
            organisation=organisation if organisation is not None else organisation_name(),
            minutes_as_hours=minutes_as_hours,
            css_string=css_string,
            page_counter=page_counter(),
            month_name=month_name,
            weekday=weekday,
            chart_image=chart_image,
            status_labels=pages.words(pages.STATUS_LABELS),
            attendance_labels=pages.words(pages.ATTENDANCE_LABELS),
            slot_labels=pages.words(pages.SLOT_LABELS),
            kind_labels=pages.words(pages.KIND_LABELS),
            **context,
        )
    # Looked for first: translating the whole page would cost a few milliseconds every time.
    return CONTROL_CHARACTER.sub(" ", html) if CONTROL_CHARACTER.search(html) else html


# The issuer's head and the signing foot of the certificate and the attestation.
SHARED_STYLESHEETS = {
    "certificate": (TEMPLATES / "issued.css",),
    "attestation": (TEMPLATES / "issued.css",),
}


def stylesheets(kind: str) -> "list[weasyprint.CSS]":
    """Return the print stylesheets of a kind of report: the shared one, then its own if any.

    Parsed once per process and version of their files, not once per report: WeasyPrint would
    parse them again for every document given them in a <style> element.
    """
    paths = [TEMPLATES / "print.css", *SHARED_STYLESHEETS.get(kind, ()), TEMPLATES / f"{kind}.css"]
    return [_parsed(path, _file_digest(path)) for path in paths if path.is_file()]


@lru_cache(maxsize=16)
def _parsed(path: Path, digest: str) -> "weasyprint.CSS":
    return layout_engine().CSS(string=path.read_text(encoding="utf-8"))


_fonts = threading.local()


def font_configuration() -> "FontConfiguration":
    """Return this thread's font configuration, made once: making one costs a tenth of a
    certificate. Pango's font map may not be shared between threads, hence one per thread."""
    configuration = getattr(_fonts, "configuration", None)
    if configuration is None:
        from weasyprint.text.fonts import FontConfiguration

        configuration = _fonts.configuration = FontConfiguration()
    return configuration


def layout_engine():
    """Return WeasyPrint, imported the first time it is asked for: half a second that a command
    making no report is spared. A web worker asks for it when the application is made, before
    it forks report makers (`tracker.create_app`): each would import it again otherwise."""
    import weasyprint

    from tracker.reports import tagging  # noqa: F401 (WeasyPrint's classes, extended)

    return weasyprint


@cache
def weasyprint_version() -> str:
    """Return the version of WeasyPrint, which a report's bytes depend on, without importing it."""
    return importlib.metadata.version("weasyprint")


def write_pdf(html: str, kind: str) -> bytes:
    """Turn a report's HTML into a tagged PDF/A document, with the print stylesheets of its kind."""
    from tracker.reports import tagging

    weasyprint = layout_engine()
    # A report carries its images itself (data: URLs): it reads no file and no network.
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    # WeasyPrint allocates hundreds of thousands of boxes: collections walking the application's
    # heap meanwhile made a report a third slower; its cycles are collected once it is written.
    with collector_paused(), warnings.catch_warnings():
        # WeasyPrint 70 opens its sRGB profile for the PDF/A output intent and never closes
        # it: a ResourceWarning about its own file, not ours.
        warnings.simplefilter("ignore", ResourceWarning)
        document = weasyprint.HTML(string=html, url_fetcher=fetcher)
        return on_a_roomy_stack(
            lambda: document.write_pdf(
                stylesheets=stylesheets(kind),
                font_config=font_configuration(),
                pdf_variant=PDF_VARIANT,
                pdf_tags=True,
                # Running header and footer, repeated table headers: artifacts; layout tables
                # not tagged as tables (see tagging).
                finisher=tagging.finish_tags,
            )
        )


# Laying a report out takes about half a second of a processor. A report made in the request
# (the command line, the signed sheets, or REPORT_MAKING_IN_BACKGROUND off) is laid out by a
# thread of lower priority (its nice value raised by this much, on Linux where each thread has
# its own): a page asked meanwhile by another user, in another worker process, is served first,
# and the report takes the processor time the pages leave. (Threads of one process share
# Python's lock: with several request threads per process, the others would wait behind the
# report anyway; the production guide recommends one per process.) On the web, reports are laid
# out by a process of their own, at the same lower priority (`background`).
MAKING_NICENESS = background.MAKING_NICENESS

_making: tuple[int, ThreadPoolExecutor] | None = None
_making_lock = threading.Lock()


def _lower_the_priority() -> None:
    if sys.platform.startswith("linux"):
        thread = threading.get_native_id()
        os.setpriority(
            os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + MAKING_NICENESS
        )


def at_low_priority(work: Callable[[], bytes]) -> bytes:
    """Do a report's layout in this process's making thread, of lower priority, and wait."""
    global _making
    with _making_lock:
        # One thread per process, made in the process that uses it (a forked child makes its own).
        if _making is None or _making[0] != os.getpid():
            executor = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="report-making", initializer=_lower_the_priority
            )
            _making = (os.getpid(), executor)
        executor = _making[1]
    return executor.submit(work).result()


# Called before a report that is not in the cache is made; may refuse by raising, and may
# return a context manager held while the report is made.
BeforeMaking = Callable[[], AbstractContextManager | None] | None


def make(
    source: Source,
    language: str,
    made_on: date,
    before_making: BeforeMaking = None,
    finish: Callable[[bytes], bytes] | None = None,
    in_background: bool = False,
) -> Made:
    """Return the report made from a source, from the cache when it is there.

    `before_making` is called first when the report must be made (a web request takes one of
    the server's making slots and counts the making against its account's share, and may
    refuse); never for a report served from the cache.
    `finish` turns the PDF made into the one kept (the signed sheet's seal).
    `in_background`: a report not in the cache is laid out in a process of its own (see
    `background`) and BeingMade is raised at once; the next request finds it in the cache.
    """
    if language not in i18n.LOCALES:
        raise ReportError(f"Unknown language {language!r}: choose one of fr, en.")
    key = report_key(source, language, made_on)
    cache = Path(current_app.config["REPORT_CACHE_FOLDER"])
    # One folder per document (kind, cohort, trainee or week, date, language), holding the
    # version made from the records as they stand: an older one is removed once superseded.
    document = hashlib.sha256(f"{source.stem}/{language}".encode()).hexdigest()[:32]
    path = cache / made_on.isoformat() / document / f"{key}.pdf"
    filename = f"{source.stem}_{language}.pdf"
    try:
        return Made(path=path, filename=filename, content=path.read_bytes())
    except FileNotFoundError:
        pass  # not made yet, or superseded meanwhile: made now
    if in_background and finish is None and background.available():
        _make_in_background(source, language, made_on, path, before_making)
        try:  # made meanwhile by another process
            return Made(path=path, filename=filename, content=path.read_bytes())
        except FileNotFoundError:
            raise BeingMade() from None  # and superseded since: the next request finds it
    # What the caller holds while the report is made (a web request: a slot of the server's).
    holding = before_making() if before_making is not None else None
    with holding if holding is not None else nullcontext():
        html = render_html(source, language, made_on)
        content = at_low_priority(lambda: write_pdf(html, source.kind))
        if finish is not None:
            content = finish(content)
    keep(path, content, made_on)
    return Made(path=path, filename=filename, content=content)


def keep(path: Path, content: bytes, made_on: date) -> None:
    """Write a report made into the cache, and remove what it supersedes."""
    cache = path.parent.parent.parent
    # Names and scores: readable by the server's account only.
    private_folder(cache)
    write_atomically(private_folder(path.parent) / path.name, content)
    forget_superseded(path)
    forget_days_before(cache, made_on - timedelta(days=1))


class BeingMade(Exception):
    """The report asked for is being laid out in a process of its own: ask again in a moment."""

    def __init__(self) -> None:
        super().__init__(f"the report is being made; ask again in {BEING_MADE_RETRY_SECONDS} s")
        self.retry_after = BEING_MADE_RETRY_SECONDS


class MakingFailed(Exception):
    """The making process of a report failed (it logged why); asking again makes it again."""


# What a request for a report being made is told to wait: about a report's layout.
BEING_MADE_RETRY_SECONDS = 2
MAKING_LOCK = "making.lock"
FAILED_SUFFIX = ".failed"


def _make_in_background(
    source: Source, language: str, made_on: date, path: Path, before_making: BeforeMaking
) -> None:
    """Start laying a report out in a process of its own and raise BeingMade, or raise it at
    once when another process is making it; MakingFailed when its last making failed. Return
    when the report was made meanwhile."""
    failed = path.with_suffix(FAILED_SUFFIX)
    with ExitStack() as held:
        lock = limits.try_lock(private_folder(path.parent) / MAKING_LOCK)
        if lock is None:
            raise BeingMade()  # another process is making it
        held.callback(os.close, lock)
        if failed.exists():
            failed.unlink(missing_ok=True)
            raise MakingFailed(f"the making of {path.name} failed")
        if path.exists():
            return  # made meanwhile, by the process that held the lock: read by the caller
        holding = before_making() if before_making is not None else None
        if holding is not None:
            held.enter_context(holding)
        organisation = organisation_name()  # the one thing rendering reads from the database
        layout_engine()  # imported here once, not in every making process

        def lay_out() -> None:
            # The HTML too, its charts drawn (most of a report's time before the layout): the
            # worker only gathered the source and worked its key out.
            try:
                html = render_html(source, language, made_on, organisation)
                keep(path, write_pdf(html, source.kind), made_on)
            except BaseException:
                failed.touch()
                raise

        # The making process inherits the locks held here, and keeps them until it ends.
        background.start(lay_out)
    raise BeingMade()


def forget_superseded(path: Path) -> None:
    """Remove the earlier versions of a document, made from records changed since."""
    for other in path.parent.glob("*.pdf"):
        if other != path:
            other.unlink(missing_ok=True)


def forget_days_before(cache: Path, first_kept: date) -> None:
    """Remove the cache's folders of reports made before a day; nothing else in the folder."""
    for entry in cache.iterdir():
        try:
            day = date.fromisoformat(entry.name)
        except ValueError:
            continue
        if day < first_kept and entry.is_dir() and entry.name == day.isoformat():
            shutil.rmtree(entry, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The five reports


# Each report is made as of the earliest date whose figures are those of D (`as_of_shown`):
# after a cohort's end, every later date gives the report of its end, made once.


@contextmanager
def as_recorded(recorded_at: datetime | None) -> Iterator[datetime | None]:
    """Read a report's source from the records as they stood at an instant (None: now).

    The source is plain data, read inside the block; the report is made from it after, so
    that the rebuilt records are held no longer than the reading."""
    try:
        with replay.as_recorded_or_now(recorded_at) as instant:
            yield instant
    except replay.BeforeTheTrail as error:
        raise ReportError(str(error)) from None
    except ObjectDeletedError:
        # The cohort or the trainee asked for was written after the instant.
        raise ReportError(f"It was not recorded yet on {recorded_at.isoformat()}.") from None


def _gathered(recorded_at: datetime | None, gather: Callable[[], Source]) -> Source:
    with as_recorded(recorded_at) as instant:
        source = gather()
    return source if instant is None else replace(source, recorded_at=instant)


def with_amendments_since(source: Source, cohort: Cohort, since: datetime) -> Source:
    """Add to a funding report the amendments since an earlier instant (an earlier report),
    and how much they moved the attended trainee-hours."""
    until = source.recorded_at
    if until is not None and since > until:
        raise ReportError("The earlier report must come before the instant of the records.")
    cohort_id = cohort.id
    with as_recorded(since):
        then = db.session.get(Cohort, cohort_id)
        attended_then = (
            cohort_figures(current_data(then, source.as_of)).attended_minutes if then else 0
        )
    attended_now = cohort_figures(source.data).attended_minutes
    summary = AmendmentsSince(
        since=min(since, timeutil.utc_now()),
        amendments=amendments_since(cohort, since, until),
        attended_change_minutes=attended_now - attended_then,
    )
    return replace(source, details=source.details | {"amendments": summary})


def trainee_report(
    cohort: Cohort,
    trainee: Trainee,
    *,
    as_of: date,
    language: str,
    made_on: date,
    before_making: BeforeMaking = None,
    in_background: bool = False,
    recorded_at: datetime | None = None,
) -> Made:
    """Make a trainee's progress report (as recorded at an instant, when given)."""
    source = _gathered(
        recorded_at, lambda: gather_trainee(cohort, trainee, as_of_shown(cohort, as_of))
    )
    return make(source, language, made_on, before_making, in_background=in_background)


def cohort_report(
    cohort: Cohort,
    *,
    as_of: date,
    language: str,
    made_on: date,
    before_making: BeforeMaking = None,
    in_background: bool = False,
    recorded_at: datetime | None = None,
) -> Made:
    """Make the cohort progress report, for instructors and administrators."""
    source = _gathered(recorded_at, lambda: gather_cohort(cohort, as_of_shown(cohort, as_of)))
    return make(source, language, made_on, before_making, in_background=in_background)


def funding_report(
    cohort: Cohort,
    *,
    as_of: date,
    language: str,
    made_on: date,
    before_making: BeforeMaking = None,
    in_background: bool = False,
    recorded_at: datetime | None = None,
    since: datetime | None = None,
) -> Made:
    """Make the Region's funding report: hours, attendance, withdrawals and budget; with the
    amendments to the roll calls since an earlier instant, when given."""
    source = _gathered(recorded_at, lambda: gather_funding(cohort, as_of_shown(cohort, as_of)))
    if since is not None:
        source = with_amendments_since(source, cohort, since)
    return make(source, language, made_on, before_making, in_background=in_background)


def attendance_sheet(
    cohort: Cohort,
    week: str,
    *,
    blank: bool,
    as_of: date,
    language: str,
    made_on: date,
    before_making: BeforeMaking = None,
    in_background: bool = False,
    recorded_at: datetime | None = None,
) -> Made:
    """Make the attendance sheet of an ISO week, blank for signing or filled with the roll calls."""
    source = _gathered(recorded_at, lambda: gather_sheet(cohort, week, as_of, blank=blank))
    return make(source, language, made_on, before_making, in_background=in_background)


def signed_sheet(
    cohort: Cohort,
    week: str,
    *,
    as_of: date,
    language: str,
    made_on: date,
    before_making: BeforeMaking = None,
) -> Made:
    """Make the signed sheet of an ISO week, sealed by the organisation's certificate.

    Raises SealUnavailable when there is no certificate to seal it with. Made again when that
    week's signatures, countersignatures, paper sheet or marks change, or the certificate.
    """
    sealing = seal.open_seal()
    source = gather_signed_sheet(cohort, week, as_of)
    source = replace(source, details=source.details | {"sealed_by": sealing.fingerprint})

    def sealed(pdf: bytes) -> bytes:
        with force_locale(i18n.LOCALES[language]):
            reason = _(
                "Attendance sheet of %(cohort)s, %(week)s, sealed by %(organisation)s",
                cohort=cohort.name,
                week=source.details["week"],
                organisation=organisation_name(),
            )
        return seal.seal_pdf(pdf, sealing, reason)

    return make(source, language, made_on, before_making, finish=sealed)


def certificate(
    cohort: Cohort,
    trainee: Trainee,
    *,
    as_of: date,
    language: str,
    made_on: date,
    before_making: BeforeMaking = None,
    in_background: bool = False,
    recorded_at: datetime | None = None,
) -> Made:
    """Make a trainee's certificate of completion."""
    source = _gathered(
        recorded_at, lambda: gather_certificate(cohort, trainee, as_of_shown(cohort, as_of))
    )
    return make(source, language, made_on, before_making, in_background=in_background)


def attestation(
    cohort: Cohort,
    trainee: Trainee,
    *,
    as_of: date,
    language: str,
    made_on: date,
    before_making: BeforeMaking = None,
    in_background: bool = False,
    recorded_at: datetime | None = None,
) -> Made:
    """Make a trainee's end-of-training attestation (labour code, article L6353-1)."""
    source = _gathered(
        recorded_at, lambda: gather_attestation(cohort, trainee, as_of_shown(cohort, as_of))
    )
    return make(source, language, made_on, before_making, in_background=in_background)


# The reports of one trainee, by kind.
TRAINEE_DOCUMENTS = {
    "trainee": trainee_report,
    "certificate": certificate,
    "attestation": attestation,
}


# ---------------------------------------------------------------------------------------------
# Every report of a cohort, in parallel processes


@dataclass(frozen=True)
class Order:
    """One report to make: its kind, the cohort, the trainee or week, its dates and language."""

    kind: str
    slug: str
    as_of: date
    language: str
    made_on: date
    ref: str | None = None
    week: str | None = None
    blank: bool = False
    recorded_at: datetime | None = None
    since: datetime | None = None


def fulfil(order: Order) -> Made:
    """Make the report an order asks for (inside an application context)."""
    cohort = find_cohort(order.slug)
    dates = {
        "as_of": order.as_of,
        "language": order.language,
        "made_on": order.made_on,
        "recorded_at": order.recorded_at,
    }
    if order.kind in TRAINEE_DOCUMENTS:
        trainee = find_trainee(cohort, order.ref or "")
        return TRAINEE_DOCUMENTS[order.kind](cohort, trainee, **dates)
    if order.kind == "sheet":
        return attendance_sheet(cohort, order.week or "", blank=order.blank, **dates)
    if order.kind == "signed_sheet":
        if order.recorded_at is not None:
            raise ReportError(
                "A signed sheet shows the signatures as they stand: --as-recorded does not apply."
            )
        # The sheet says which roll calls the tracker closed: close those overdue first.
        if closing.close_overdue(cohort):
            db.session.commit()
        try:
            return signed_sheet(
                cohort,
                order.week or "",
                as_of=order.as_of,
                language=order.language,
                made_on=order.made_on,
            )
        except seal.SealUnavailable as error:
            raise ReportError(str(error)) from None
    if order.kind == "cohort":
        return cohort_report(cohort, **dates)
    if order.kind == "funding":
        return funding_report(cohort, since=order.since, **dates)
    raise ReportError(f"Unknown report {order.kind!r}.")


def copy_to(made: Made, folder: str | os.PathLike[str], *, private: bool = True) -> Path:
    """Copy a made report into a folder under its file name; return where it is.

    Private (0600 in a 0700 folder) in the instance's reports folder; in a folder the user
    chose, the file's mode follows their umask as any file they make.
    """
    if private:
        target = private_folder(folder) / made.filename
    else:
        target = Path(folder) / made.filename
        target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, made.content, private=private)
    return target


def orders_for_cohort(
    cohort: Cohort,
    *,
    as_of: date,
    language: str,
    made_on: date,
    recorded_at: datetime | None = None,
    since: datetime | None = None,
) -> list[Order]:
    """List every report of a cohort: each trainee's report, certificate and end-of-training
    attestation, the cohort's, the funding report and the attendance sheet of the last week
    held by D."""
    dates = {"as_of": as_of, "language": language, "made_on": made_on, "recorded_at": recorded_at}
    with as_recorded(recorded_at):
        refs = [t.ref for t in cohort.trainees if t.enrolled_on <= as_of]
        week = last_held_week(cohort, as_of)
    # The longest first, so that the processes finish together.
    orders = [Order("trainee", cohort.slug, ref=ref, **dates) for ref in refs]
    orders += [
        Order("cohort", cohort.slug, **dates),
        Order("funding", cohort.slug, since=since, **dates),
    ]
    if week is not None:
        orders.append(Order("sheet", cohort.slug, week=week, **dates))
    orders += [
        Order(kind, cohort.slug, ref=ref, **dates)
        for ref in refs
        for kind in ("certificate", "attestation")
    ]
    return orders


_worker_app: Flask | None = None


def _start_worker(config: dict[str, Any]) -> None:
    """Ready a worker process: an application with database connections of its own."""
    global _worker_app
    from tracker.extensions import db

    if _worker_app is None:
        # Started afresh (spawned): create the application from the parent's configuration.
        from tracker import create_app

        _worker_app = create_app(config)
    else:
        # Forked from the parent, whose application it reuses; never its database connections,
        # which the parent still owns: forget them without closing them.
        with _worker_app.app_context():
            db.engine.dispose(close=False)
    # What the worker inherited and created so far lives as long as it does: keep the collector
    # from walking it again and again while the reports are made.
    gc.freeze()


def _fulfil_in_worker(order: Order, folder: str, private: bool) -> str:
    assert _worker_app is not None
    with _worker_app.app_context():
        return str(copy_to(fulfil(order), folder, private=private))


def _picklable_config(app: Flask) -> dict[str, Any]:
    plain = (str, int, float, bool, type(None), tuple, list, dict, date, Decimal)
    return {
        key: value
        for key, value in app.config.items()
        if isinstance(value, plain) or type(value).__name__ == "timedelta"
    }


def _process_context() -> multiprocessing.context.BaseContext:
    # Forking spares each worker the second it takes to import WeasyPrint and create the
    # application: the worker inherits both, and opens database connections of its own.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def make_all(
    orders: Iterable[Order],
    folder: str | os.PathLike[str],
    *,
    processes: int | None = None,
    on_written: Callable[[Path], None] | None = None,
    private: bool = True,
) -> list[Path]:
    """Make the ordered reports in parallel processes and copy them into a folder, in order
    (private files, or files whose mode follows the umask: see `copy_to`)."""
    orders = list(orders)
    if not orders:
        return []
    workers = min(processes or os.cpu_count() or 1, len(orders))
    app = current_app._get_current_object()
    # Let the workers start from a clean slate: no transaction or connection in flight.
    from tracker.extensions import db

    db.session.close()
    layout_engine()  # imported once, here: forked workers inherit it
    context = _process_context()
    global _worker_app
    # A forked worker finds the application here and reuses it; a spawned one creates its own.
    _worker_app = app if context.get_start_method() == "fork" else None
    written: list[Path] = []
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(_picklable_config(app),),
        ) as pool:
            futures = [
                pool.submit(_fulfil_in_worker, order, str(folder), private) for order in orders
            ]
            for future in futures:
                path = Path(future.result())
                written.append(path)
                if on_written is not None:
                    on_written(path)
    finally:
        _worker_app = None
    return written
