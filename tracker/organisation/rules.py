"""What the organisation's identity must be: a SIRET with its key, an 11-digit declaration
number, a logo that is a real PNG image or a harmless SVG drawing."""

from pathlib import PurePosixPath
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask_babel import gettext as _

from tracker.attachments import EXTENSIONS, PNG, PNG_SIGNATURE, SVG, TYPE_NAMES, is_image

SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
# Elements that run code or embed another document inside a drawing.
UNSAFE_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
# The SIREN of La Poste, whose establishments' SIRET do not follow the Luhn key (INSEE).
LA_POSTE_SIREN = "356000000"


class LogoRefused(ValueError):
    """A logo that is not a PNG image or a harmless SVG drawing; the message names the field."""


def only_digits(text: str) -> str:
    """Drop the spaces that people write inside numbers ("123 456 789 00012")."""
    return "".join(text.split())


def luhn_valid(number: str) -> bool:
    """Tell whether a string of digits passes the Luhn check (the SIREN and SIRET's key)."""
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def siret_problem(siret: str) -> str | None:
    """Say what is wrong with a SIRET (14 digits whose Luhn key holds), or None."""
    if len(siret) != 14 or not siret.isascii() or not siret.isdigit():
        return _("A SIRET has 14 digits.")
    # La Poste's establishments are numbered in order: the sum of their digits is a multiple of 5.
    if siret.startswith(LA_POSTE_SIREN) and sum(int(digit) for digit in siret) % 5 == 0:
        return None
    if not luhn_valid(siret):
        return _("This SIRET's key is wrong: check its 14 digits against the INSEE notice.")
    return None


def declaration_number_problem(number: str) -> str | None:
    """Say what is wrong with an activity declaration number (11 digits), or None."""
    if len(number) != 11 or not number.isascii() or not number.isdigit():
        return _("An activity declaration number has 11 digits.")
    return None


def logo_type(content: bytes, *, field: str) -> str:
    """Return the type of a logo read from its content, PNG or SVG; refuse anything else."""
    if content.startswith(PNG_SIGNATURE):
        if is_image(content, "PNG"):
            return PNG
        raise LogoRefused(_("%(field)s: the PNG image is damaged.", field=field))
    problem = svg_problem(content)
    if problem is None:
        return SVG
    if problem is NOT_SVG:
        raise LogoRefused(
            _(
                "%(field)s: the file is not a PNG image nor an SVG drawing (its content was "
                "read, whatever its name).",
                field=field,
            )
        )
    raise LogoRefused(_("%(field)s: %(problem)s", field=field, problem=problem))


NOT_SVG = "not an SVG drawing"


def svg_problem(content: bytes) -> str | None:
    """Say why an SVG drawing cannot be a logo, or None: a logo shows, it never runs code nor
    fetches anything (no DTD or entities, no script, no on… attributes, no outside links)."""
    try:
        root = fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        return _("the SVG drawing declares entities or a DTD, which a logo does not need.")
    except (ParseError, ValueError):
        return NOT_SVG
    if root.tag != f"{SVG_NAMESPACE}svg":
        return NOT_SVG
    for element in root.iter():
        name = _local(element.tag).lower()
        if name in UNSAFE_ELEMENTS:
            return _("the SVG drawing holds a <%(name)s> element, which may run code.", name=name)
        for attribute, value in element.attrib.items():
            attribute = _local(attribute).lower()
            if attribute.startswith("on"):
                return _(
                    "the SVG drawing has an “%(attribute)s” attribute, which runs code.",
                    attribute=attribute,
                )
            if attribute == "href" and not value.strip().startswith("#"):
                return _(
                    "the SVG drawing links to something outside itself (%(link)s).", link=value
                )
            if "url(" in value.replace(" ", "") and not _local_urls(value):
                return _("the SVG drawing fetches something outside itself (%(link)s).", link=value)
        if name == "style" and ("@import" in (element.text or "") or not _local_urls(element.text)):
            return _("the SVG drawing's style fetches something outside itself.")
    return None


def _local(name: str) -> str:
    """Return a tag or attribute's name without its namespace."""
    return name.rsplit("}", 1)[-1]


def _local_urls(text: str | None) -> bool:
    """Tell whether every url(…) in a style points inside the drawing (url(#gradient))."""
    parts = (text or "").replace(" ", "").split("url(")[1:]
    return all(part.lstrip("'\"").startswith("#") for part in parts)


def logo_name_problem(file_name: str, checked_type: str, *, field: str) -> str | None:
    """Say whether a logo's name disagrees with its content (a JPEG named .png), or None."""
    suffix = PurePosixPath(file_name.replace("\\", "/")).suffix.lower()
    if suffix in EXTENSIONS[checked_type]:
        return None
    return _(
        "%(field)s: the file is named “%(name)s” but holds a %(type)s image: give it its right "
        "extension (%(extensions)s).",
        field=field,
        name=PurePosixPath(file_name.replace("\\", "/")).name,
        type=TYPE_NAMES[checked_type],
        extensions=", ".join(EXTENSIONS[checked_type]),
    )
