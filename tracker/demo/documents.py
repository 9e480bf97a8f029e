"""The demo's documents: the scanned paper sheets of its weeks on paper and the attachments of its
justifications, small images drawn with Pillow, the same bytes for the same data.

They are kept as the uploads are: in the upload folder, under their SHA-256
(`<sha256[:2]>/<sha256>`), private to the application's account.
"""

import functools
import hashlib
import io
import random
import time
from datetime import date
from pathlib import Path

from tracker.demo.signatures import PaperWeek
from tracker.files import private_folder, write_atomically

WEEKDAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
SLOTS = {"AM": "matin", "PM": "après-midi"}
STATUS_WORDS = {"absent": "absent", "excused": "excusé"}
INK = 40  # a scanner's black is dark grey


def store(folder: str | Path, content: bytes) -> str:
    """Keep a file in the upload folder under its SHA-256, once; return the SHA-256."""
    sha256 = hashlib.sha256(content).hexdigest()
    place = private_folder(Path(folder) / sha256[:2])
    if not (place / sha256).exists():
        write_atomically(place / sha256, content)
    return sha256


@functools.cache
def _fonts():
    """Return a title's font and a text's: DejaVu Sans, which matplotlib ships (Pillow's own
    font has no accents)."""
    import matplotlib
    from PIL import ImageFont  # only when the demo is loaded

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    return ImageFont.truetype(str(path), 13), ImageFont.truetype(str(path), 9)


def _scribble(draw, box: tuple[int, int, int, int], rng: random.Random) -> None:
    """Sign a cell of the sheet: a quick loop and a tail, a little different each time."""
    left, top, right, bottom = box
    middle = (top + bottom) // 2
    points = [(left + 4, middle + rng.randint(-2, 3))]
    x = left + 4
    while x < right - 10:
        x += rng.randint(4, 7)
        points.append((x, middle + rng.choice((-1, 1)) * rng.randint(2, (bottom - top) // 2 - 2)))
    draw.line(points, fill=INK, width=1)


def paper_sheet_png(cohort_name: str, week: PaperWeek, instructor: str) -> bytes:
    """Draw the scanned, signed sheet of a week on paper as a grey PNG image (an A4 page in
    landscape at a low resolution): a line per trainee, a column per half-day."""
    from PIL import Image, ImageDraw

    rng = random.Random(f"paper sheet {week.monday.isoformat()}")
    title_font, font = _fonts()
    name_width, cell_width, row_height, top = 180, 64, 19, 70
    width = max(842, name_width + cell_width * len(week.half_days) + 40)
    height = top + row_height * (len(week.lines) + 2) + 90
    page = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(page)
    draw.text(
        (20, 18),
        f"Feuille d’émargement — {cohort_name}",
        fill=INK,
        font=title_font,
    )
    draw.text((20, 40), f"Semaine du {week.monday.strftime('%d/%m/%Y')}", fill=INK, font=title_font)
    header = 2 * row_height
    for column, (day, slot) in enumerate(week.half_days):
        x = 20 + name_width + column * cell_width
        draw.text((x + 3, top + 4), f"{WEEKDAYS[day.weekday()]} {day:%d/%m}", fill=INK, font=font)
        draw.text((x + 3, top + 19), SLOTS[slot], fill=INK, font=font)
    for line, (ref, name, statuses) in enumerate(week.lines):
        y = top + header + line * row_height
        draw.text((24, y + 4), f"{ref} {name}", fill=INK, font=font)
        for column, status in enumerate(statuses):
            x = 20 + name_width + column * cell_width
            box = (x, y, x + cell_width, y + row_height)
            if status in STATUS_WORDS:
                draw.text((x + 6, y + 4), STATUS_WORDS[status], fill=INK, font=font)
            elif status is not None:
                _scribble(draw, box, rng)
    right = 20 + name_width + cell_width * len(week.half_days)
    bottom = top + header + row_height * len(week.lines)
    for y in (top, *(top + header + line * row_height for line in range(len(week.lines) + 1))):
        draw.line((20, y, right, y), fill=120)
    for column in range(len(week.half_days) + 1):
        x = 20 + name_width + column * cell_width
        draw.line((x, top, x, bottom), fill=120)
    draw.line((20, top, 20, bottom), fill=120)
    signed_by = f"Signature du formateur : {instructor}"
    draw.text((20, bottom + 14), signed_by, fill=INK, font=font)
    after = 30 + int(draw.textlength(signed_by, font=font))
    _scribble(draw, (after, bottom + 8, after + 110, bottom + 34), rng)
    output = io.BytesIO()
    page.save(output, format="PNG")
    return output.getvalue()


def attachment(kind: str, trainee: str, first_day: date, last_day: date) -> tuple[str, str, bytes]:
    """Draw a justification's attachment: a certificate as a one-page PDF, an appointment as a
    photo (PNG). Return its file name, content type and bytes."""
    from PIL import Image, ImageDraw

    title_font, font = _fonts()
    page = Image.new("L", (420, 297), 250)
    draw = ImageDraw.Draw(page)
    if kind == "certificate":
        title = "Certificat"
        lines = [
            f"Je soussigné·e certifie que {trainee}",
            "n’a pas pu suivre la formation",
            f"du {first_day:%d/%m/%Y} au {last_day:%d/%m/%Y}.",
        ]
    else:
        title = "Convocation"
        lines = [
            f"{trainee} est attendu·e le {first_day:%d/%m/%Y}",
            "pour un rendez-vous médical urgent.",
        ]
    draw.text((24, 24), title, fill=INK, font=title_font)
    for number, line in enumerate(lines):
        draw.text((24, 70 + 18 * number), line, fill=INK, font=font)
    _scribble(draw, (260, 220, 380, 250), random.Random(f"{kind} {trainee} {first_day}"))
    output = io.BytesIO()
    stem = f"{title.lower()}-{first_day.isoformat()}"
    if kind == "certificate":
        # Dated as of the absence, not of the load: the same bytes every time.
        when = time.strptime(last_day.isoformat(), "%Y-%m-%d")
        page.save(output, format="PDF", creationDate=when, modDate=when)
        return f"{stem}.pdf", "application/pdf", output.getvalue()
    page.save(output, format="PNG")
    return f"{stem}.png", "image/png", output.getvalue()


def logo_svg() -> bytes:
    """Draw the demo organisation's logo: its initials in a ring, a small SVG drawing."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 80" width="320" height="80">'
        "<title>Centre régional d’innovation de Montpellier</title>"
        '<circle cx="40" cy="40" r="34" fill="none" stroke="#1f4e79" stroke-width="6"/>'
        '<text x="40" y="49" font-family="sans-serif" font-size="24" font-weight="700" '
        'fill="#1f4e79" text-anchor="middle">CRI</text>'
        '<text x="86" y="36" font-family="sans-serif" font-size="15" fill="#1f4e79">'
        "Centre régional d’innovation</text>"
        '<text x="86" y="56" font-family="sans-serif" font-size="15" fill="#1f4e79">'
        "de Montpellier</text>"
        "</svg>"
    ).encode()
