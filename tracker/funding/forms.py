"""Forms of the funding pages: the month of a statement, with the date of the figures."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Optional

from tracker.fields import AsOfForm, DayField
from tracker.periods import PeriodError, parse_month


class MonthField(StringField):
    """A calendar month typed as 2022-06 or 06/2022; its data is the month's first day."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            return
        try:
            self.data = parse_month(text)
        except PeriodError as error:
            raise ValueError(str(error)) from None

    def _value(self) -> str:
        if self.data is not None:
            return f"{self.data.year:04d}-{self.data.month:02d}"
        return self.raw_data[0] if self.raw_data else ""


class StatementForm(AsOfForm):
    """The month of a statement and the date by which sessions count, read from the query string."""

    month = MonthField(_l("Month"), validators=[Optional()])
    as_of = DayField(_l("Sessions held by"), validators=[Optional()])
