"""Files that people upload (a week's scanned paper sheet, a justification's document): checked,
kept privately, and served back only as a download.

A file's type is read from its content, never from its name or from what the browser says: a
PDF starts with `%PDF-`; a JPEG or PNG image starts with its signature and Pillow must read it
as such. The name's extension must agree with the content, so that nobody downloads a
`certificat.pdf` that opens as something else.

Kept files live in the instance's upload folder (UPLOAD_FOLDER), outside `static/`, under their
SHA-256 (`<sha256[:2]>/<sha256>`), private to the application's account. An upload that replaces
another leaves the earlier file in place: the trail names it by its SHA-256.
"""

import io
import math
import re
import unicodedata
import warnings
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path, PurePosixPath, PureWindowsPath

from flask import Response, abort, current_app, send_file
from flask_babel import gettext as _
from flask_babel import ngettext
from PIL import Image
from werkzeug.datastructures import FileStorage

from tracker.files import private_folder, write_atomically
from tracker.i18n import number
from tracker.imports.operations import file_size

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
# Only the organisation's logo may be an SVG drawing (tracker.organisation.rules checks it).
SVG = "image/svg+xml"
# The types accepted, with the extensions a file of each may be named with (the first is given
# to a name that has none).
EXTENSIONS = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg", ".jpe"),
    PNG: (".png",),
    SVG: (".svg",),
}
TYPE_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", SVG: "SVG"}

PDF_SIGNATURE = b"%PDF-"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# The longest file name kept, as most file systems allow.
LONGEST_NAME = 255


class AttachmentRefused(ValueError):
    """An uploaded file that is refused: empty, too large, or not a PDF, JPEG or PNG file.

    The message names the form's field it was sent with, for people, in their language.
    """


@dataclass(frozen=True)
class Attachment:
    """An uploaded file that passed the checks: its name (made safe), type, size and digest."""

    file_name: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def content_type(content: bytes) -> str | None:
    """Tell the type of a file from its content: PDF, JPEG or PNG; None for anything else."""
    if content.startswith(PDF_SIGNATURE):
        return PDF
    if content.startswith(JPEG_SIGNATURE) and is_image(content, "JPEG"):
        return JPEG
    if content.startswith(PNG_SIGNATURE) and is_image(content, "PNG"):
        return PNG
    return None


def is_image(content: bytes, image_format: str) -> bool:
    """Tell whether Pillow reads the content as an image of that format (JPEG, PNG)."""
    try:
        with warnings.catch_warnings():
            # An image of absurd dimensions is a trap for whoever opens it, not a scan.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[image_format]) as image:
                image.verify()
                width, height = image.size
    # A damaged or forged file fails in many ways inside Pillow (OSError, SyntaxError,
    # struct.error, ValueError…): each means that it is not an image we can show.
    except Exception:
        return False
    return width > 0 and height > 0


def safe_file_name(name: str | None, checked_type: str) -> str:
    """Keep an uploaded file's own name, made safe: no folder, no control character, not too
    long, with an extension of its checked type."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(" " if unicodedata.category(c).startswith("C") else c for c in name)
    name = " ".join(name.split())
    extensions = EXTENSIONS[checked_type]
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in extensions:
        stem, suffix = name, extensions[0].lstrip(".")
    stem = stem[: LONGEST_NAME - len(suffix) - 1].strip(" .") or _("document")
    return f"{stem}.{suffix}"


def stream_size(upload: FileStorage) -> int:
    """Return the size of an uploaded file, leaving its stream at its start."""
    stream = upload.stream
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def size_over(size: int) -> str:
    """Write the size of a file over a limit, rounded up, so that it never reads as the limit."""
    if size >= 2**20:
        return _("%(size)s MB", size=number(math.ceil(size * 10 / 2**20) / 10, 1))
    return ngettext("%(num)d byte", "%(num)d bytes", size)


def read_upload(upload: FileStorage | None, *, field: str, max_bytes: int) -> Attachment:
    """Read an uploaded file and check it (PDF, JPEG or PNG, not empty, at most max_bytes);
    refuse it with a message naming the field, else return it."""
    if upload is None or not upload.filename:
        raise AttachmentRefused(_("%(field)s: choose a file.", field=field))
    size = stream_size(upload)
    if size == 0:
        raise AttachmentRefused(_("%(field)s: the file is empty.", field=field))
    if size > max_bytes:
        raise AttachmentRefused(
            _(
                "%(field)s: the file is too large (%(size)s); at most %(limit)s.",
                field=field,
                size=size_over(size),
                limit=file_size(max_bytes),
            )
        )
    content = upload.stream.read()
    checked = content_type(content)
    if checked is None:
        raise AttachmentRefused(
            _(
                "%(field)s: the file is not a PDF document, a JPEG image or a PNG image (its "
                "content was read, whatever its name).",
                field=field,
            )
        )
    suffix = PurePosixPath(upload.filename.replace("\\", "/")).suffix.lower()
    if suffix not in EXTENSIONS[checked]:
        raise AttachmentRefused(
            _(
                "%(field)s: the file is named “%(name)s” but holds a %(type)s file: give it "
                "its right extension (%(extensions)s).",
                field=field,
                name=PurePosixPath(upload.filename.replace("\\", "/")).name,
                type=TYPE_NAMES[checked],
                extensions=", ".join(EXTENSIONS[checked]),
            )
        )
    return Attachment(
        file_name=safe_file_name(upload.filename, checked),
        content_type=checked,
        size=size,
        sha256=sha256(content).hexdigest(),
        content=content,
    )


def stored_path(digest: str) -> Path:
    """Return where the file of a SHA-256 is kept."""
    if not SHA256.match(digest or ""):
        raise ValueError(f"not a SHA-256: {digest!r}")
    return Path(current_app.config["UPLOAD_FOLDER"]) / digest[:2] / digest


def store(attachment: Attachment) -> Path:
    """Keep an attachment's file in the upload folder, readable by the application only.

    The same content is kept once: its name is its SHA-256.
    """
    path = stored_path(attachment.sha256)
    private_folder(path.parent)
    if not path.exists():
        write_atomically(path, attachment.content)
    return path


def send(*, file_name: str, checked_type: str, digest: str) -> Response:
    """Send a kept file as a download under its (safe) name, with its checked type.

    The security headers (tracker/headers.py) add `Cache-Control: no-store` and nosniff: no
    copy of the file stays in the browser's cache, and the browser never guesses its type.
    """
    path = stored_path(digest)
    if not path.is_file():
        current_app.logger.error("Kept file %s is missing from %s", digest, path.parent)
        abort(404, description=_("This file is missing from the server: tell the administrator."))
    # Read whole (at most a few megabytes): no file stays open after a response nobody read.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=checked_type,
        as_attachment=True,
        download_name=safe_file_name(file_name, checked_type),
        conditional=False,
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
