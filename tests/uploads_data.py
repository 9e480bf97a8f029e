"""Small files of each accepted type, and of the kinds that must be refused, for upload tests."""

import io

from PIL import Image

# A one-page PDF, as small as a reader accepts.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
TEXT = "Nom;Présent\nAda;oui\n".encode()


def image(image_format: str, size: tuple[int, int] = (40, 30)) -> bytes:
    """Return a small image drawn by Pillow, in a format (PNG, JPEG)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


def png() -> bytes:
    return image("PNG")


def jpeg() -> bytes:
    return image("JPEG")
