"""The form of the page "My signature": the signature an instructor draws once, for closings."""

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import ValidationError

from tracker.signing import strokes


class DrawnSignatureForm(FlaskForm):
    """A signature drawn on the pad (templates/_signature_pad.html), read as strokes."""

    # Filled by the pad's script; the pad writes its own input, so render only the CSRF token.
    strokes = HiddenField()

    def validate_strokes(self, field: HiddenField) -> None:
        try:
            self.drawing = strokes.read_strokes(
                field.data, int(current_app.config["SIGNATURE_MAX_BYTES"])
            )
        except strokes.StrokesRefused as refused:
            raise ValidationError(str(refused)) from None
