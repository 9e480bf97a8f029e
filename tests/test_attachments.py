"""Uploaded files: their type read from their content, their size, where and how they are kept,
and how they are served back."""

import io
import stat

import pytest
from werkzeug.datastructures import FileStorage

from tests import uploads_data
from tracker import attachments
from tracker.attachments import AttachmentRefused, read_upload

LIMIT = 1000


@pytest.fixture
def database_url(tmp_path):
    """These tests read no table: one SQLite file, no PostgreSQL run."""
    return f"sqlite:///{tmp_path / 'unused.db'}"


@pytest.fixture
def context(app):
    with app.test_request_context("/?lang=en"):
        yield app


def upload(content: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=name)


def refusal(content: bytes, name: str, max_bytes: int = LIMIT) -> str:
    with pytest.raises(AttachmentRefused) as refused:
        read_upload(upload(content, name), field="Signed sheet", max_bytes=max_bytes)
    return str(refused.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (uploads_data.PDF, "application/pdf"),
        (uploads_data.jpeg(), "image/jpeg"),
        (uploads_data.png(), "image/png"),
        (uploads_data.TEXT, None),
        (b"", None),
        # A signature alone is not an image: Pillow must read it.
        (b"\xff\xd8\xff\xe0" + b"\x00" * 200, None),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, None),
        # A PNG whose data is damaged (its CRC no longer matches).
        (uploads_data.png()[:40] + b"\x00\x00" + uploads_data.png()[42:], None),
        (uploads_data.image("GIF"), None),
    ],
)
def test_a_files_type_comes_from_its_content(content, expected):
    assert attachments.content_type(content) == expected


def test_the_right_files_are_accepted_with_their_type_size_and_digest(context):
    for content, name, expected in [
        (uploads_data.PDF, "feuille semaine 2.pdf", "application/pdf"),
        (uploads_data.jpeg(), "scan.JPG", "image/jpeg"),
        (uploads_data.jpeg(), "scan.jpeg", "image/jpeg"),
        (uploads_data.png(), "photo.png", "image/png"),
    ]:
        accepted = read_upload(upload(content, name), field="Signed sheet", max_bytes=LIMIT)
        assert accepted.content_type == expected
        assert accepted.size == len(content)
        assert accepted.content == content
        assert accepted.file_name == name
        assert len(accepted.sha256) == 64


def test_an_empty_file_is_refused_naming_the_field(context):
    assert refusal(b"", "feuille.pdf") == "Signed sheet: the file is empty."


def test_no_file_is_refused_naming_the_field(context):
    with pytest.raises(AttachmentRefused, match=r"^Document: choose a file\.$"):
        read_upload(None, field="Document", max_bytes=LIMIT)
    with pytest.raises(AttachmentRefused, match=r"^Document: choose a file\.$"):
        read_upload(upload(b"", ""), field="Document", max_bytes=LIMIT)


def test_a_file_over_the_limit_is_refused_with_both_sizes(context):
    content = uploads_data.PDF + b"%" * (LIMIT - len(uploads_data.PDF) + 1)
    assert len(content) == LIMIT + 1
    assert refusal(content, "feuille.pdf") == (
        "Signed sheet: the file is too large (1001 bytes); at most 1000 bytes."
    )
    big = 5 * 2**20
    # Just over: rounded up, never shown as the limit itself.
    message = refusal(uploads_data.PDF + b" " * big, "feuille.pdf", max_bytes=big)
    assert message == "Signed sheet: the file is too large (5.1 MB); at most 5.0 MB."


def test_a_file_at_the_limit_is_accepted(context):
    content = uploads_data.PDF + b"%" * (LIMIT - len(uploads_data.PDF))
    assert read_upload(upload(content, "f.pdf"), field="Sheet", max_bytes=LIMIT).size == LIMIT


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (uploads_data.TEXT, "absences.pdf"),
        (uploads_data.TEXT, "photo.png"),
        (b"<html><script>alert(1)</script></html>", "certificat.pdf"),
        (uploads_data.image("GIF"), "photo.png"),
    ],
)
def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_whatever_its_name(context, content, name):
    assert refusal(content, name) == (
        "Signed sheet: the file is not a PDF document, a JPEG image or a PNG image (its content "
        "was read, whatever its name)."
    )


@pytest.mark.parametrize(
    ("content", "name", "held", "extensions"),
    [
        (uploads_data.png(), "feuille.pdf", "PNG", ".png"),
        (uploads_data.PDF, "scan.png", "PDF", ".pdf"),
        (uploads_data.jpeg(), "scan.png", "JPEG", ".jpg, .jpeg, .jpe"),
        (uploads_data.PDF, "scan", "PDF", ".pdf"),
    ],
)
def test_a_file_whose_name_says_another_type_is_refused(context, content, name, held, extensions):
    assert refusal(content, name) == (
        f"Signed sheet: the file is named “{name}” but holds a {held} file: give it its right "
        f"extension ({extensions})."
    )


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("scan.pdf", "scan.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\ada\\Bureau\\arrêt maladie.pdf", "arrêt maladie.pdf"),
        ("two\nlines\r.pdf", "two lines.pdf"),
        ('say "hi"; x=1.pdf', 'say "hi"; x=1.pdf'),
        ("  .pdf", "document.pdf"),
        ("", "document.pdf"),
        ("no extension", "no extension.pdf"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_a_file_keeps_its_own_name_made_safe(context, name, safe):
    assert attachments.safe_file_name(name, "application/pdf") == safe


def test_a_name_gets_the_extension_of_the_checked_type():
    assert attachments.safe_file_name("scan.pdf", "image/png").endswith(".pdf.png")
    assert attachments.safe_file_name("scan.jpeg", "image/jpeg") == "scan.jpeg"


def test_a_kept_file_is_private_under_its_digest_outside_static(context, tmp_path):
    accepted = read_upload(upload(uploads_data.PDF, "f.pdf"), field="Sheet", max_bytes=LIMIT)
    path = attachments.store(accepted)
    assert path == tmp_path / "uploads" / accepted.sha256[:2] / accepted.sha256
    assert path.read_bytes() == uploads_data.PDF
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "uploads").stat().st_mode) == 0o700
    # The same content again is kept once, untouched.
    assert attachments.store(accepted) == path
    assert sorted(p.name for p in path.parent.iterdir()) == [accepted.sha256]


def test_a_digest_that_is_not_one_never_names_a_path(context):
    for wrong in ["../../secret_key", "", "ab", "A" * 64]:
        with pytest.raises(ValueError):
            attachments.stored_path(wrong)


def test_a_kept_file_is_sent_as_a_download_of_its_checked_type(context):
    accepted = read_upload(
        upload(uploads_data.png(), "arrêt maladie.png"), field="Document", max_bytes=LIMIT
    )
    attachments.store(accepted)
    response = attachments.send(
        file_name=accepted.file_name, checked_type=accepted.content_type, digest=accepted.sha256
    )
    response.direct_passthrough = False
    assert response.get_data() == uploads_data.png()
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''arr%C3%AAt%20maladie.png" in disposition
    response.close()


def test_a_missing_file_answers_404_with_a_message(context):
    from werkzeug.exceptions import NotFound

    with pytest.raises(NotFound, match="missing from the server"):
        attachments.send(file_name="f.pdf", checked_type="application/pdf", digest="a" * 64)
