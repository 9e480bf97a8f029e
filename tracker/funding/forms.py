"""Forms of the funding pages: the month of a statement, with the date of the figures."""

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Optional

from tracker.fields import AsOfForm, DayField

# 2022-06 as a browser's month picker sends it, or 06/2022 as people write it.
ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
FRENCH_MONTH = re.compile(r"^(\d{1,2})/(\d{4})$")


class MonthField(StringField):
    """A calendar month typed as 2022-06 or 06/2022; its data is the month's first day."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            return
        if match := ISO_MONTH.match(text):
            year, month = int(match[1]), int(match[2])
        elif match := FRENCH_MONTH.match(text):
            month, year = int(match[1]), int(match[2])
        else:
            year = month = 0
        if not (1 <= month <= 12 and 1900 <= year <= 9999):
            raise ValueError(_("Enter a month as 06/2022, or pick it in the calendar."))
        self.data = date(year, month, 1)

    def _value(self) -> str:
        if self.data is not None:
            return f"{self.data.year:04d}-{self.data.month:02d}"
        return self.raw_data[0] if self.raw_data else ""


class StatementForm(AsOfForm):
    """The month of a statement and the date by which sessions count, read from the query string."""

    month = MonthField(_l("Month"), validators=[Optional()])
    as_of = DayField(_l("Sessions held by"), validators=[Optional()])
