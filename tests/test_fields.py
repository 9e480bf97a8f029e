"""The shared number field: numbers typed the French or the English way, amounts of euros."""

from decimal import Decimal

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form

from tracker.fields import NumberField


class Numbers(Form):
    hours = NumberField()
    trainees = NumberField(places=0)
    threshold = NumberField(places=1)
    amount = NumberField(euros=True)


def read(app, language: str = "en", **typed: str) -> Numbers:
    with app.test_request_context(f"/?lang={language}"):
        form = Numbers(MultiDict(typed))
        form.validate()
        return form


@pytest.mark.parametrize(
    ("field", "typed", "value"),
    [
        ("hours", "3,5", Decimal("3.5")),
        ("hours", "3.5", Decimal("3.5")),
        ("hours", " 1 234,25 ", Decimal("1234.25")),
        ("hours", "1\u202f234,25", Decimal("1234.25")),
        ("hours", ",5", Decimal("0.5")),
        ("hours", "20.125", Decimal("20.125")),
        ("hours", "", None),
        ("trainees", "25", Decimal(25)),
        ("threshold", "80,5", Decimal("80.5")),
        ("amount", "273 000,00 €", Decimal("273000.00")),
        ("amount", "12500.5", Decimal("12500.5")),
    ],
)
def test_it_reads_numbers_typed_either_way(app, field, typed, value):
    form = read(app, **{field: typed})
    assert form[field].data == value
    assert form[field].errors == []


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("hours", "trois", "Enter a number, such as 3.5."),
        ("hours", "1.234,50", "Enter a number, such as 3.5."),
        ("hours", "1e3", "Enter a number, such as 3.5."),
        ("hours", "NaN", "Enter a number, such as 3.5."),
        ("trainees", "2,5", "Enter a whole number."),
        ("threshold", "80,55", "Enter at most 1 decimal."),
        ("amount", "douze", "Enter an amount in euros, such as 1234.50."),
        ("amount", "-5", "Enter an amount without a minus sign."),
        ("amount", "12,505", "Enter at most 2 decimals (cents)."),
        ("amount", "1000000000", "Enter an amount below one billion euros."),
    ],
)
def test_it_refuses_what_is_not_a_number_of_its_kind(app, field, typed, message):
    form = read(app, **{field: typed})
    assert form[field].data is None
    assert form[field].errors == [message]


def test_its_messages_and_values_are_in_the_pages_language(app):
    form = read(app, "fr", hours="trois", amount="douze")
    assert form.hours.errors == ["Saisissez un nombre, par exemple 3,5."]
    assert form.amount.errors == ["Saisissez un montant en euros, par exemple 1234,50."]
    with app.test_request_context("/?lang=fr"):
        shown = Numbers(hours=Decimal("3.5"), amount=Decimal("273000"))
        assert (shown.hours._value(), shown.amount._value()) == ("3,5", "273000,00")
    with app.test_request_context("/?lang=en"):
        shown = Numbers(hours=Decimal("3.5"), amount=Decimal("273000"))
        assert (shown.hours._value(), shown.amount._value()) == ("3.5", "273000.00")


@pytest.mark.parametrize(
    "attributes",
    [
        {},
        {"class_": "minutes", "size": 4, "inputmode": "numeric"},
        {"aria_describedby": "t1-note-error", "aria_invalid": "true", "data_line_id": 7},
        {"required": True, "readonly": False, "placeholder": 'say "why" <here> & there'},
        {"value": Markup('a "quoted" <b>markup</b>'), "title": "l'apostrophe"},
    ],
)
@pytest.mark.parametrize("typed", [None, 'He said "no" & <left>', "12"])
def test_a_grid_input_is_written_as_wtforms_writes_it(attributes, typed):
    from wtforms import IntegerField, StringField
    from wtforms.validators import InputRequired, Length, NumberRange
    from wtforms.widgets import NumberInput, TextInput

    from tracker.fields import GridNumberInput, GridTextInput

    class Line(Form):
        note = StringField(validators=[Length(max=500)], widget=GridTextInput())
        minutes = IntegerField(render_kw={"inputmode": "numeric"}, widget=GridNumberInput())
        # Flags the inputs write, one of them 0: min, max and required.
        score = IntegerField(
            validators=[InputRequired(), NumberRange(min=0, max=20)], widget=GridNumberInput()
        )

    given = MultiDict(
        {"note": typed, "minutes": typed, "score": typed} if typed is not None else {}
    )
    line = Line(given)
    for field, theirs in (
        (line.note, TextInput()),
        (line.minutes, NumberInput()),
        (line.score, NumberInput()),
    ):
        ours = field(**attributes)
        assert isinstance(ours, Markup)
        assert ours == theirs(field, **{**(field.render_kw or {}), **attributes})
