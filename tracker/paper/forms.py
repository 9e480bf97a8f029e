"""The form of a week's signed paper sheet."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms.validators import ValidationError

from tracker.attachments import Attachment, AttachmentRefused, read_upload


class PaperSheetForm(FlaskForm):
    """Upload the scanned signed sheet of a week (PDF, JPEG or PNG)."""

    file = FileField(_l("Scanned signed sheet"))

    attachment: Attachment | None = None

    def validate_file(self, field: FileField) -> None:
        """Read the file and check it from its content: type, size, not empty."""
        try:
            self.attachment = read_upload(
                field.data,
                field=str(field.label.text),
                max_bytes=current_app.config["PAPER_SHEET_MAX_BYTES"],
            )
        except AttachmentRefused as refused:
            raise ValidationError(str(refused)) from None
