"""Form fields that several features share: dates typed the French way, lists of checkboxes."""

from datetime import date, datetime

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.fields import DateField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker import timeutil

REQUIRED = _l("This field is required.")


def stripped(value):
    """Remove the spaces around a text value (a WTForms filter)."""
    return value.strip() if isinstance(value, str) else value


class DayField(DateField):
    """A date typed as 27/11/2026 or picked in the browser (2026-11-27); blank is None."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            return
        for pattern in self.format:
            try:
                self.data = datetime.strptime(text, pattern).date()
                return
            except ValueError:
                continue
        raise ValueError(_("Enter a real date as DD/MM/YYYY, for example 27/11/2026."))


class CheckboxesField(SelectMultipleField):
    """A choice of several values as a list of checkboxes, usable with the keyboard."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AsOfForm(FlaskForm):
    """The date of the figures, read from the query string (?as_of=…)."""

    class Meta:
        csrf = False

    as_of = DayField(_l("Figures as of"), validators=[Optional()])


def figures_date() -> tuple[AsOfForm, date | None]:
    """Read the date of the figures (?as_of=, default today); None when it is not a date."""
    form = AsOfForm(formdata=request.args)
    if not form.validate():
        return form, None
    return form, form.as_of.data or timeutil.today()
