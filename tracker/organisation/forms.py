"""The form of the organisation's identity."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker.attachments import safe_file_name, size_over, stream_size
from tracker.fields import REQUIRED, stripped
from tracker.imports.operations import file_size
from tracker.organisation import rules
from tracker.organisation.operations import Logo


def at_most(characters: int) -> Length:
    return Length(max=characters, message=_l("At most %(max)d characters."))


def digits(value):
    """Keep a number's digits without the spaces people write between them (a filter)."""
    return rules.only_digits(value) if isinstance(value, str) else value


class OrganisationForm(FlaskForm):
    """The organisation's identity as the documents print it."""

    legal_name = StringField(
        _l("Legal name"),
        validators=[DataRequired(message=REQUIRED), at_most(200)],
        filters=[stripped],
    )
    name_in_sentence = StringField(
        _l("Name as used in a sentence"),
        validators=[Optional(), at_most(250)],
        filters=[stripped],
    )
    address = TextAreaField(
        _l("Postal address"), validators=[Optional(), at_most(1000)], filters=[stripped]
    )
    siret = StringField(_l("SIRET"), validators=[Optional()], filters=[stripped, digits])
    declaration_number = StringField(
        _l("Activity declaration number"), validators=[Optional()], filters=[stripped, digits]
    )
    declaration_region = StringField(
        _l("Region that registered the declaration"),
        validators=[Optional(), at_most(100)],
        filters=[stripped],
    )
    representative_name = StringField(
        _l("Legal representative"), validators=[Optional(), at_most(200)], filters=[stripped]
    )
    representative_title = StringField(
        _l("Legal representative's title"),
        validators=[Optional(), at_most(200)],
        filters=[stripped],
    )
    signing_place = StringField(
        _l("Place where documents are signed"),
        validators=[Optional(), at_most(100)],
        filters=[stripped],
    )
    logo = FileField(_l("Logo"))
    remove_logo = BooleanField(_l("Remove the logo"))

    logo_checked: Logo | None = None

    def validate_siret(self, field) -> None:
        problem = rules.siret_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_declaration_number(self, field) -> None:
        problem = rules.declaration_number_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_logo(self, field) -> None:
        """Read the logo and check it from its content: PNG or harmless SVG, at most the limit."""
        upload = field.data
        if upload is None or not getattr(upload, "filename", None):
            return
        label = str(field.label.text)
        limit = current_app.config["LOGO_MAX_BYTES"]
        size = stream_size(upload)
        if size == 0:
            raise ValidationError(_("%(field)s: the file is empty.", field=label))
        if size > limit:
            raise ValidationError(
                _(
                    "%(field)s: the file is too large (%(size)s); at most %(limit)s.",
                    field=label,
                    size=size_over(size),
                    limit=file_size(limit),
                )
            )
        content = upload.stream.read()
        try:
            checked = rules.logo_type(content, field=label)
        except rules.LogoRefused as refused:
            raise ValidationError(str(refused)) from None
        problem = rules.logo_name_problem(upload.filename, checked, field=label)
        if problem:
            raise ValidationError(problem)
        self.logo_checked = Logo(safe_file_name(upload.filename, checked), checked, content)
