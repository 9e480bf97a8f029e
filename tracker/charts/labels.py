"""The charts' words, from the application's catalog, and their figures shown as everywhere else.

A chart is drawn in the language it is asked for, "fr" or "en", in a request (the page's
language), in a report (made under `force_locale`) or in a test: its words come from the same
catalog as the pages' (tracker/translations, `make catalog`), read with Babel for that language
rather than through Flask-Babel's current locale, so that drawing needs no request. The texts
are marked where they are used, `_("…")` with `_ = words.gettext`, for `make catalog` to find.

Figures follow the display rules of `tracker.i18n` (a rate to one decimal, money to the cent),
the same as the pages, the PDFs and the exports.
"""

from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_compact_currency
from babel.support import NullTranslations, Translations

from tracker import i18n
from tracker.hours import minutes_to_hours

LOCALES = i18n.LOCALES
MISSING = i18n.MISSING
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


@cache
def catalog(language: str) -> NullTranslations:
    """Return the compiled catalog of a language (English is the catalog's own language)."""
    if language == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [LOCALES[language]], domain="messages")


class Words:
    """The words and the formats of one language, for the charts."""

    def __init__(self, language: str) -> None:
        if language not in LOCALES:
            raise ValueError(f"unknown language {language!r}: expected one of {sorted(LOCALES)}")
        self.language = language
        self.locale = LOCALES[language]
        self._catalog = catalog(language)

    def gettext(self, text: str, **values: str) -> str:
        """Translate a text of the catalog, with the values filled in."""
        translated = self._catalog.gettext(text)
        return translated % values if values else translated

    def ngettext(self, singular: str, plural: str, num: int, **values: str) -> str:
        """Translate a text whose words follow a number, `%(num)d` in it, with the values."""
        translated = self._catalog.ngettext(singular, plural, num)
        return translated % {"num": num, **values}

    def rate(self, value: float | None) -> str:
        """Show a rate as the figures are shown: 81,2 % in French, 81.2 % in English."""
        return i18n.rate(value, self.locale)

    def percent(self, value: float) -> str:
        """Show a rate rounded to the unit, for an axis: 80 %."""
        return i18n.percent(value, 0, self.locale)

    def money(self, amount: Decimal | None) -> str:
        """Show an amount of euros: 273 000,00 € in French, €273,000.00 in English."""
        return i18n.money(amount, self.locale)

    def compact_money(self, amount: float) -> str:
        """Show a rounded amount for an axis: 250 k€ in French, €250K in English."""
        return format_compact_currency(amount, "EUR", locale=self.locale, fraction_digits=0)

    def grade(self, value: float | None) -> str:
        """Show a grade out of 20 as the figures are shown: 13,25."""
        return i18n.grade(value, self.locale)

    def hours(self, minutes: int) -> str:
        """Show minutes as a number of hours, as the figures are shown: 1 234,50."""
        return i18n.number(minutes_to_hours(minutes), i18n.HOURS_PLACES, self.locale)

    def duration(self, minutes: int) -> str:
        """Show minutes as hours with their unit, as the figures are shown: 1 234,50 h."""
        return i18n.hours(minutes_to_hours(minutes), self.locale)

    def day(self, value: date) -> str:
        """Show a date as 27/11/2026."""
        return i18n.day(value)

    def week(self, monday: date) -> str:
        """Name a week by its Monday: semaine du 1er novembre 2021, week of 1 November 2021."""
        return _week_name(self.language, monday)

    def month(self, value: date, short: bool = False) -> str:
        """Name a month and its year: septembre 2021, or sept. 2021 when short."""
        return format_date(value, "MMM yyyy" if short else "MMMM yyyy", locale=self.locale)


@lru_cache(maxsize=4096)
def _week_name(language: str, monday: date) -> str:
    """Name a week once per language: a heat map names each of its cells' weeks."""
    words = Words(language)
    pattern = "'1er' MMMM y" if language == "fr" and monday.day == 1 else "d MMMM y"
    return words.gettext("week of %(day)s", day=format_date(monday, pattern, locale=words.locale))
