"""The interface's languages (French by default, English on request) and how figures are shown."""

import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache, wraps

from babel.core import Locale
from babel.numbers import format_currency, get_decimal_symbol, get_group_symbol
from babel.support import NullTranslations, Translations
from flask import Flask, has_request_context, request, session
from flask_babel import Domain, format_date, get_locale, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from jinja2.runtime import Context

ROLE_NAMES = {
    "admin": _l("Administrator"),
    "instructor": _l("Instructor"),
    "officer": _l("Region officer"),
    "trainee": _l("Trainee"),
}

# The language a visitor picks, and the Babel locale that formats numbers and dates for it:
# English is shown with British conventions (27/11/2026), closest to the French ones.
LOCALES = {"fr": "fr", "en": "en_GB"}
DEFAULT_LANGUAGE = "fr"


def select_locale() -> str:
    """Choose French unless the visitor asked for English (?lang=en), remembered in the session.

    Outside a request (the command line, a script), English: the commands' contract is in
    English, and what they make in another language (a report) says so with force_locale.
    """
    if not has_request_context():
        return LOCALES["en"]
    asked = request.args.get("lang")
    if asked in LOCALES:
        session["lang"] = asked
    return LOCALES.get(session.get("lang"), LOCALES[DEFAULT_LANGUAGE])


def current_language() -> str:
    """Return the visitor's language code, fr or en."""
    return get_locale().language


# ---------------------------------------------------------------------------------------------
# How each kind of figure is shown: one rule per kind, the same on the pages, in the PDFs, the
# charts and the exports (the JSON keeps its 4 decimals). Each function shows a figure in the
# given Babel locale ("fr", "en_GB"), by default the page's (or the report's, under force_locale).

MISSING = "—"  # a figure without a value (a rate over no hour)
RATE_PLACES = 1  # rates and shares, as percentages: 92,5 %
RATIO_PLACES = 2  # ratios that are not shares, such as the burn ratio: 0,97
HOURS_PLACES = 2  # hours: 1 234,50 h
GRADE_PLACES = 2  # grades and pass marks out of 20: 13,25
# Money: euros to the cent, 273 000,00 €.


def _locale(locale: str | None) -> str:
    return locale or str(get_locale())


def money(amount: Decimal | str | None, locale: str | None = None) -> str:
    """Show an amount of euros to the cent: 273 000,00 € in French, €273,000.00 in English."""
    if amount is None:
        return MISSING
    return format_currency(Decimal(amount), "EUR", locale=_locale(locale))


def day(value: date | None) -> str:
    """Show a date as 27/11/2026, in both languages (digits only: no locale data needed)."""
    return MISSING if value is None else value.strftime("%d/%m/%Y")


def long_day(value: date) -> str:
    """Write a date in words: 1er novembre 2021 and 15 novembre 2021, 1 November 2021."""
    if current_language() == "fr" and value.day == 1:
        return format_date(value, "'1er' MMMM y")
    return format_date(value, "d MMMM y")


def week_label(value: date) -> str:
    """Name the week of a day by its Monday: semaine du 1er novembre 2021, week of 1 November 2021.

    People do not read ISO week numbers (2021-W44): URLs and files keep them, pages say this.
    """
    monday = value - timedelta(days=value.weekday())
    return _("week of %(day)s", day=long_day(monday))


def month_label(value: date) -> str:
    """Name the month of a day and its year: mars 2023, March 2023."""
    return format_date(value, "LLLL y")


def elides(name: str) -> bool:
    """Tell whether French elides "de" or "que" before a name: before a vowel sound.

    A vowel, a y before a consonant (Yves, not Yann), or an h, taken as mute as in most first
    names (Hélène, Hugo); names that start with an aspirate h are rare enough to accept "d’".
    """
    letters = unicodedata.normalize("NFD", name.strip()).casefold()
    letters = "".join(letter for letter in letters if not unicodedata.combining(letter))
    if not letters:
        return False
    if letters[0] == "y":
        return len(letters) > 1 and letters[1].isalpha() and letters[1] not in "aeiouy"
    return letters[0] in "aeiouhæœ"


def elided(word: str, name: str) -> str:
    """Join a French word that elides to a name: d’Alexandre, de Bernard, qu’Yves, que Yann."""
    return f"{word[:-1]}’{name}" if elides(name) else f"{word} {name}"


def of(name: object) -> str:
    """Put "of" before a name in the page's language: d’Alexandre or de Bernard; of Alexandre.

    Texts that put a name after "de" take it with its preposition (`%(of_name)s`), so that French
    can elide it.
    """
    name = str(name)
    return elided("de", name) if current_language() == "fr" else f"of {name}"


def moment(value: datetime | None) -> str:
    """Show a timestamp in the configured time zone, 27/11/2026 14:05 in both languages: as
    Babel's "dd/MM/yyyy HH:mm" writes it (digits only), in two fifths of its time (a page of
    history shows dozens). A timestamp without a zone is in UTC, as flask-babel reads it."""
    if value is None:
        return MISSING
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(get_timezone()).strftime("%d/%m/%Y %H:%M")


def clock(value: time | None) -> str:
    """Show a time of day as timetables do, in both languages: 09:00."""
    return MISSING if value is None else value.strftime("%H:%M")


@lru_cache(maxsize=8)
def _separators(locale: str) -> dict[int, str]:
    """Map Python's grouping comma and decimal point to the locale's own symbols."""
    return {ord(","): get_group_symbol(locale), ord("."): get_decimal_symbol(locale)}


def grouped(
    value: float | Decimal, places: int, locale: str | None = None, *, group: bool = True
) -> str:
    """Write a number with the language's separators, as Babel's "#,##0.00" pattern does
    (without the thousands' separator when `group` is false, as spreadsheets read numbers).

    Pages show thousands of figures: Babel's pattern machinery costs a few milliseconds a page,
    where Python's own formatting with the locale's two symbols gives the same text (rounded
    half to even from the number's shortest representation, as Babel rounds).
    """
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return f"{rounded:{',' if group else ''}.{places}f}".translate(_separators(_locale(locale)))


def number(value: float | None, places: int = 2, locale: str | None = None) -> str:
    """Show a number with the language's separators."""
    return MISSING if value is None else grouped(value, places, locale)


def percent(value: float | None, places: int, locale: str | None = None) -> str:
    """Show a share as a percentage with so many decimals: 81,2 %."""
    return MISSING if value is None else grouped(value * 100, places, locale) + "\u00a0%"


def rate(value: float | None, locale: str | None = None) -> str:
    """Show a rate (attendance, consumption, time elapsed…) as a percentage: 81,2 %."""
    return percent(value, RATE_PLACES, locale)


def rate_as_shown(value: float | None) -> float | None:
    """Return a rate rounded as `rate` shows it, to a tenth of a percent (0.8651 → 0.865).

    A chart that draws a figure only for comparison (the cohort's line beside a trainee's) draws
    it as shown, so that a classmate's changed mark moves it, and remakes what shows it, only when
    it moves what anyone can read. `rate` shows the rounded rate as it shows the rate itself.
    """
    if value is None:
        return None
    exact = Decimal(repr(float(value * 100)))
    shown = exact.quantize(Decimal(1).scaleb(-RATE_PLACES), rounding=ROUND_HALF_EVEN)
    return float(shown) / 100


def ratio(value: float | None, locale: str | None = None) -> str:
    """Show a ratio that is not a share, such as the burn ratio: 0,97."""
    return number(value, RATIO_PLACES, locale)


def hours(value: float | None, locale: str | None = None) -> str:
    """Show hours: 1 234,50 h."""
    return MISSING if value is None else grouped(value, HOURS_PLACES, locale) + "\u00a0h"


def grade(value: float | None, locale: str | None = None) -> str:
    """Show a grade or a pass mark out of 20: 13,25."""
    return number(value, GRADE_PLACES, locale)


class Messages(Domain):
    """The interface's texts, their catalog looked up once per language drawn rather than per text.

    flask-babel finds the catalog again for every text: the domain, then the locale, each through
    Flask's context-local `g` (about 25 µs), and a page says a few hundred texts. The catalog last
    used is kept with the locale object it was found for; `get_locale()` still answers for each
    text, so `force_locale` (a report in another language) and each request's own choice are
    followed, and a different locale object looks the catalog up again.
    """

    def __init__(self) -> None:
        super().__init__()
        self._kept: tuple[Locale | None, Translations | NullTranslations] = (
            None,
            NullTranslations(),
        )

    def get_translations(self) -> Translations | NullTranslations:
        locale = get_locale()
        kept_for, catalog = self._kept  # one read: another thread may replace the pair
        if locale is None or locale is not kept_for:
            catalog = super().get_translations()
            self._kept = (locale, catalog)
        return catalog


MESSAGES = Messages()


def init_app(app: Flask) -> None:
    """Register the formatting filters and the language helpers in the templates."""
    # Every text, from Python (gettext, lazy_gettext, forms' labels) and from the templates,
    # through the catalog kept by MESSAGES.
    app.extensions["babel"].instance.domain_instance = MESSAGES
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: MESSAGES.get_translations().ugettext(s),
        ngettext=lambda s, p, n: MESSAGES.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: MESSAGES.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: MESSAGES.get_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    for function in (
        money,
        day,
        moment,
        clock,
        hours,
        rate,
        ratio,
        grade,
        number,
        long_day,
        week_label,
        month_label,
        of,
    ):
        app.jinja_env.filters[function.__name__] = _when_drawn(function)
    app.jinja_env.globals.update(
        html_lang=html_lang, current_language=current_language, role_names=ROLE_NAMES
    )


def _when_drawn(function: Callable[..., str]) -> Callable[..., str]:
    """Return the filter called each time a page is drawn, in that page's language.

    Jinja works out a filter of constants once, when it compiles the template: `3.5|number(1)`
    would be written in the language of whichever page a server process drew first, and every
    later page would show it so. A filter given the context is never worked out in advance.
    """

    @pass_context
    @wraps(function)
    def when_drawn(_context: Context, *args, **kwargs) -> str:
        return function(*args, **kwargs)

    return when_drawn


def html_lang() -> str:
    """Return the page's language tag, fr or en-GB."""
    return str(get_locale()).replace("_", "-")
