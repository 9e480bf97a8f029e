"""The French catalog: every text a person reads is translated, with French typography."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent
CATALOG = ROOT / "tracker" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
# As babel.cfg and `make catalog` extract them.
METHODS = [("tracker/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
KEYWORDS["lazy_ngettext"] = (1, 2)

# A space that does not break before the signs that French sets apart, and none missing.
SPACE_BEFORE_SIGN = re.compile(r" [:;?!»]| %(?![(a-z])|« ")
NO_SPACE_BEFORE_SIGN = re.compile(r"[\w)][:;?!](?=\s|$)")


@pytest.fixture(scope="module")
def catalog():
    with CATALOG.open("rb") as file:
        return read_po(file, locale="fr")


def translations(catalog):
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            yield message, string


def test_every_text_of_the_sources_has_a_french_translation(catalog):
    from babel.messages.extract import DEFAULT_KEYWORDS

    keywords = dict(DEFAULT_KEYWORDS, **KEYWORDS)
    missing = []
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=keywords
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid)
        strings = () if entry is None else entry.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{filename}:{lineno}: {msgid!r}")
    assert missing == [], "run `make catalog` and translate:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders(catalog):
    problems = [
        f"{message.id!r}: {', '.join(map(str, errors))}"
        for message, errors in catalog.check()
        if errors
    ]
    assert problems == []


def test_french_translations_follow_french_typography(catalog):
    wrong = [
        f"{string!r}"
        for message, string in translations(catalog)
        if SPACE_BEFORE_SIGN.search(string) or NO_SPACE_BEFORE_SIGN.search(string)
    ]
    assert wrong == [], "a no-break space (U+00A0) goes before : ; ? ! % » and after «"
