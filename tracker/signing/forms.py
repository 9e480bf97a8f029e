"""The form of a trainee's signature.

The room's code typed on the home page is a plain GET form (templates/signing/_home.html): it
changes nothing, it opens the signing page.
"""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class SignatureForm(FlaskForm):
    """A signature drawn on the pad (templates/_signature_pad.html writes `strokes`) and
    confirmed; the pass says with which code the page was opened."""

    signing_pass = HiddenField()
    strokes = HiddenField()
