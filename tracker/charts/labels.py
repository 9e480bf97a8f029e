"""The charts' words in French and English, and numbers, money and dates shown the local way.

A plain dictionary rather than the Flask-Babel catalog, so that the charts are drawn the same
in a request, a command or a test, with no application context.
"""

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_compact_currency, format_currency, format_decimal

from tracker.hours import minutes_to_hours

# The same as tracker.i18n.LOCALES (English with British conventions: 27/11/2026), kept here so
# that drawing a chart needs no Flask import.
LOCALES = {"fr": "fr", "en": "en_GB"}
MISSING = "—"

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "weekly.title": "Taux de présence de la promotion par semaine",
        "weekly.alt": (
            "Taux de présence par semaine du {first} au {last} : le plus bas {lowest} "
            "(semaine {lowest_week}), le dernier {latest}, seuil {threshold}."
        ),
        "heatmap.title": "Taux de présence par stagiaire et par semaine",
        "heatmap.alt": (
            "Taux de présence de {trainees} stagiaires sur {weeks} semaines du {first} au "
            "{last} : {below} semaines-stagiaires sous le seuil de {threshold} ; le plus bas "
            "{lowest} ({lowest_ref}, semaine {lowest_week})."
        ),
        "burn_up.title": "Consommation du budget",
        "burn_up.alt": (
            "Budget au {as_of} : {spent} dépensés sur une subvention de {grant} ({consumption}), "
            "contre {planned} selon le plan linéaire ; prévision à terminaison {forecast}."
        ),
        "lines.title": "Prévu et dépensé par ligne budgétaire",
        "lines.alt": (
            "Dépensé sur {lines} lignes budgétaires : {spent} sur {planned} prévus "
            "({consumption}) ; la ligne la plus consommée : {top} ({top_consumption})."
        ),
        "trainee_attendance.title": "Taux de présence mensuel : stagiaire et promotion",
        "trainee_attendance.alt": (
            "Taux de présence mensuel du stagiaire entre {first} et {last} : le plus bas {lowest} "
            "({lowest_month}), le dernier {latest} contre {cohort_latest} pour la promotion ; "
            "seuil {threshold}."
        ),
        "grades.title": "Notes par module",
        "grades.alt": "Notes sur 20 par module : {modules}.",
        "grades.alt_module": "{code} {grade} (note minimale {pass_mark}, médiane {median})",
        "empty": "Pas encore de données.",
        "attendance_rate": "Taux de présence",
        "threshold": "Seuil ({threshold})",
        "week": "Semaine",
        "week_of": "Du",
        "month": "Mois",
        "trainee": "Stagiaire",
        "cohort": "Promotion",
        "scheduled_hours": "Heures prévues",
        "attended_hours": "Heures suivies",
        "weeks_expected": "Semaines attendues",
        "weeks_below": "Semaines sous le seuil",
        "lowest_rate": "Taux le plus bas",
        "lowest_week": "Semaine du taux le plus bas",
        "spent": "Dépensé",
        "cumulative_spend": "Dépensé (cumul)",
        "linear_plan": "Plan linéaire",
        "forecast": "Prévision",
        "grant": "Subvention",
        "as_of": "Au {date}",
        "amount": "Montant",
        "line": "Ligne",
        "planned": "Prévu",
        "consumption": "Consommation",
        "module": "Module",
        "grade": "Note du stagiaire",
        "grade_axis": "Note sur 20",
        "pass_mark": "Note de validation",
        "cohort_median": "Médiane de la promotion",
    },
    "en": {
        "weekly.title": "Cohort attendance per week",
        "weekly.alt": (
            "Attendance per week from {first} to {last}: lowest {lowest} (week {lowest_week}), "
            "latest {latest}, threshold {threshold}."
        ),
        "heatmap.title": "Attendance per trainee and week",
        "heatmap.alt": (
            "Attendance of {trainees} trainees over {weeks} weeks from {first} to {last}: "
            "{below} trainee-weeks below the {threshold} threshold; lowest {lowest} "
            "({lowest_ref}, week {lowest_week})."
        ),
        "burn_up.title": "Budget burn-up",
        "burn_up.alt": (
            "Budget as of {as_of}: {spent} spent of a {grant} grant ({consumption}), against "
            "{planned} on the linear plan; forecast at completion {forecast}."
        ),
        "lines.title": "Planned and spent per budget line",
        "lines.alt": (
            "Spent on {lines} budget lines: {spent} of {planned} planned ({consumption}); "
            "most consumed line: {top} ({top_consumption})."
        ),
        "trainee_attendance.title": "Monthly attendance: trainee and cohort",
        "trainee_attendance.alt": (
            "Trainee's monthly attendance from {first} to {last}: lowest {lowest} "
            "({lowest_month}), latest {latest} against {cohort_latest} for the cohort; "
            "threshold {threshold}."
        ),
        "grades.title": "Grades per module",
        "grades.alt": "Grades out of 20 per module: {modules}.",
        "grades.alt_module": "{code} {grade} (pass mark {pass_mark}, median {median})",
        "empty": "No data yet.",
        "attendance_rate": "Attendance rate",
        "threshold": "Threshold ({threshold})",
        "week": "Week",
        "week_of": "From",
        "month": "Month",
        "trainee": "Trainee",
        "cohort": "Cohort",
        "scheduled_hours": "Scheduled hours",
        "attended_hours": "Attended hours",
        "weeks_expected": "Weeks expected",
        "weeks_below": "Weeks below threshold",
        "lowest_rate": "Lowest rate",
        "lowest_week": "Week of the lowest rate",
        "spent": "Spent",
        "cumulative_spend": "Cumulative spend",
        "linear_plan": "Linear plan",
        "forecast": "Forecast",
        "grant": "Grant",
        "as_of": "As of {date}",
        "amount": "Amount",
        "line": "Line",
        "planned": "Planned",
        "consumption": "Consumption",
        "module": "Module",
        "grade": "Trainee's grade",
        "grade_axis": "Grade out of 20",
        "pass_mark": "Pass mark",
        "cohort_median": "Cohort median",
    },
}


class Words:
    """The labels and formats of one language."""

    def __init__(self, language: str) -> None:
        if language not in LOCALES:
            raise ValueError(f"unknown language {language!r}: expected one of {sorted(LOCALES)}")
        self.language = language
        self.locale = LOCALES[language]
        self._labels = LABELS[language]

    def __call__(self, key: str, **values: str) -> str:
        """Return the label under `key`, with the values filled in."""
        label = self._labels[key]
        return label.format(**values) if values else label

    def rate(self, value: float | None, places: int = 1) -> str:
        """Show a rate as a percentage: 81,2 % in French, 81.2 % in English."""
        if value is None:
            return MISSING
        pattern = "#,##0." + "0" * places if places else "#,##0"
        return format_decimal(value * 100, format=pattern, locale=self.locale) + "\u00a0%"

    def money(self, amount: Decimal | None) -> str:
        """Show an amount of euros: 273 000,00 € in French, €273,000.00 in English."""
        if amount is None:
            return MISSING
        return format_currency(amount, "EUR", locale=self.locale)

    def compact_money(self, amount: float) -> str:
        """Show a rounded amount for an axis: 250 k€ in French, €250K in English."""
        return format_compact_currency(amount, "EUR", locale=self.locale, fraction_digits=0)

    def number(self, value: float | None, places: int = 2) -> str:
        """Show a number with the language's separators."""
        if value is None:
            return MISSING
        return format_decimal(value, format="#,##0." + "0" * places, locale=self.locale)

    def hours(self, minutes: int) -> str:
        """Show minutes as hours to 2 decimals."""
        return self.number(minutes_to_hours(minutes))

    def day(self, value: date) -> str:
        """Show a date as 27/11/2026."""
        return format_date(value, "dd/MM/yyyy", locale=self.locale)

    def month(self, value: date, short: bool = False) -> str:
        """Name a month and its year: septembre 2021, or sept. 2021 when short."""
        return format_date(value, "MMM yyyy" if short else "MMMM yyyy", locale=self.locale)
