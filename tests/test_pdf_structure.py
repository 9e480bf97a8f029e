"""The reports' PDF/A-2a claim, read back: their structure tree, artifacts and identification.

Each kind of report (trainee, cohort, funding, blank and filled sheet, signed sheet,
certificate) is made from the test world in English and French, and from the demo, whose
tables run over several pages; then read with pypdf:

- every text drawn is either in a marked-content sequence the structure tree reaches or in an
  artifact; the running header and footer (cohort, funder, organisation, dates, "Page x of y")
  are artifacts;
- one /Table per data table of the page's HTML, none for a layout table
  (`<table role="presentation">`), its header cells (/TH) as many as the HTML's, once;
- the PDF/A identification (XMP pdfaid part 2, conformance A), the output intent, embedded
  fonts, /MarkInfo /Marked, /Lang, the structure tree.

veraPDF, the reference validator, runs on each report when it is installed (the `verapdf`
command on the PATH, or VERAPDF naming it); else its test is skipped and says so: it is a Java
program that no Python or Debian package ships.
"""

import io
import os
import re
import shutil
import subprocess
from datetime import date
from html import unescape

import pytest
import tinyhtml5
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from tests import test_reports as reports
from tracker.reports import making, tagging

# The test world and the demo, as tests/test_reports.py makes them.
world = reports.world
demo_app = reports.demo_app
cohort_and_trainee = reports.cohort_and_trainee
dates = reports.dates

HTML = "{http://www.w3.org/1999/xhtml}"
# ISO 32000-1, 14.8.4: the standard structure types.
STANDARD_TYPES = {
    f"/{kind}"
    for kind in [
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    ]
}
SHOWS_TEXT = {b"Tj", b"TJ", b"'", b'"'}


def made(monkeypatch, make) -> tuple[bytes, str]:
    """Make a report; return its PDF and the HTML it was made from."""
    pages = []
    write_pdf = making.write_pdf

    def keeping(html, kind):
        pages.append(html)
        return write_pdf(html, kind)

    monkeypatch.setattr(making, "write_pdf", keeping)
    pdf = make().path.read_bytes()
    assert len(pages) == 1, "made from the cache"
    return pdf, pages[0]


def world_reports(app, monkeypatch, language: str) -> dict[str, tuple[bytes, str]]:
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        when = dates(language)
        week = {"as_of": when["as_of"], "language": language, "made_on": when["made_on"]}
        return {
            "trainee": made(monkeypatch, lambda: making.trainee_report(cohort, trainee, **when)),
            "cohort": made(monkeypatch, lambda: making.cohort_report(cohort, **when)),
            "funding": made(monkeypatch, lambda: making.funding_report(cohort, **when)),
            "certificate": made(monkeypatch, lambda: making.certificate(cohort, trainee, **when)),
            "sheet": made(
                monkeypatch,
                lambda: making.attendance_sheet(cohort, "2022-W02", blank=False, **when),
            ),
            "blank sheet": made(
                monkeypatch,
                lambda: making.attendance_sheet(cohort, "2022-W02", blank=True, **when),
            ),
            "signed sheet": made(
                monkeypatch, lambda: making.signed_sheet(cohort, "2022-W02", **week)
            ),
        }


# ---------------------------------------------------------------------------------------------
# Reading the structure tree and the marked contents


def structure(reader: PdfReader) -> list[DictionaryObject]:
    """Return the structure elements the tree reaches from its root, depth first."""
    found = []

    def walk(element):
        kids = element.get("/K")
        if kids is None:
            return
        kids = kids.get_object()
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object()
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                found.append(kid)
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def reached_mcids(reader: PdfReader) -> list[set[int]]:
    """Return, page by page, the marked contents that the tree's elements reach."""
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    reached = [set() for _ in reader.pages]
    for element in structure(reader):
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                reached[pages[element.raw_get("/Pg").idnum]].add(int(kid))
            elif isinstance(kid.get_object(), DictionaryObject) and "/MCID" in kid.get_object():
                mcr = kid.get_object()
                page = mcr.raw_get("/Pg") if "/Pg" in mcr else element.raw_get("/Pg")
                reached[pages[page.idnum]].add(int(mcr["/MCID"]))
    return reached


def marked_sequences(reader: PdfReader, number: int):
    """Yield each operation of a page's contents with the marked contents it sits in."""
    page = reader.pages[number]
    stack: list[tuple[str, int | None]] = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"BMC":
            stack.append((str(operands[0]), None))
        elif operator == b"BDC":
            properties = operands[1]
            mcid = properties.get("/MCID") if isinstance(properties, dict) else None
            stack.append((str(operands[0]), None if mcid is None else int(mcid)))
        elif operator == b"EMC":
            stack.pop()
        yield operands, operator, tuple(stack)


def page_texts(reader: PdfReader, number: int) -> tuple[str, str]:
    """Return the text of a page's artifacts and the text of the rest (its tagged text)."""
    stack: list[str] = []
    artifacts: list[str] = []
    tagged: list[str] = []

    def before(operator, operands, *_):
        if operator in (b"BMC", b"BDC"):
            stack.append(str(operands[0]))
        elif operator == b"EMC":
            stack.pop()

    def text(words, *_):
        (artifacts if "/Artifact" in stack else tagged).append(words)

    reader.pages[number].extract_text(visitor_operand_before=before, visitor_text=text)
    return plain("".join(artifacts)), plain("".join(tagged))


def plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


# ---------------------------------------------------------------------------------------------
# The HTML a report was made from


def data_tables(html: str) -> list:
    """Return the HTML's tables of data, in document order: those not laid out for the eye."""
    document = tinyhtml5.parse(html)
    return [
        table
        for table in document.iter(f"{HTML}table")
        if table.get("role") not in ("presentation", "none")
    ]


def header_cells(table) -> int:
    """Count a table's own header cells (a table inside one of its cells has its own)."""
    nested = {
        cell for inner in table.iter(f"{HTML}table") if inner is not table for cell in inner.iter()
    }
    return sum(1 for cell in table.iter(f"{HTML}th") if cell not in nested)


# ---------------------------------------------------------------------------------------------
# The checks


def own_header_cells(element: DictionaryObject) -> list[DictionaryObject]:
    """Return the /TH elements of a table's tree, leaving out those of tables in its cells."""
    found = []
    kids = element.get("/K")
    for kid in kids if isinstance(kids, list) else []:
        kid = kid.get_object()
        if isinstance(kid, DictionaryObject) and "/S" in kid and kid["/S"] != "/Table":
            found += [kid] if kid["/S"] == "/TH" else []
            found += own_header_cells(kid)
    return found


def own_cells(element: DictionaryObject) -> list[DictionaryObject]:
    """Return the /TD elements of a table's tree, leaving out those of tables in its cells."""
    found = []
    kids = element.get("/K")
    for kid in kids if isinstance(kids, list) else []:
        kid = kid.get_object()
        if isinstance(kid, DictionaryObject) and "/S" in kid and kid["/S"] != "/Table":
            found += [kid] if kid["/S"] == "/TD" else []
            found += own_cells(kid)
    return found


def check_structure(name: str, pdf: bytes, html: str) -> None:
    reader = read(pdf)
    elements = structure(reader)
    tables = [element for element in elements if element["/S"] == "/Table"]
    id_tree = reader.trailer["/Root"]["/StructTreeRoot"].get("/IDTree", {}).get("/Names", [])
    pairs = zip(id_tree[::2], id_tree[1::2], strict=True)
    ids = {str(key): value.get_object() for key, value in pairs}
    expected = data_tables(html)
    assert len(tables) == len(expected), f"{name}: one /Table per data table, none for layout"
    for number, (table, source) in enumerate(zip(tables, expected, strict=True)):
        # A table of figures names its columns or rows; one that only lays boxes out is
        # marked <table role="presentation">.
        assert header_cells(source), f"{name}: table {number + 1} has no header cell"
        headers = own_header_cells(table)
        assert len(headers) == header_cells(source), f"{name}: table {number + 1}'s headers once"
        # Each cell names headers of its own table, found through the ID tree.
        for cell in own_cells(table):
            for header in cell.get("/A", {}).get("/Headers", []):
                assert ids.get(str(header)) in headers, f"{name}: {header} is no header here"


def check_marked(name: str, pdf: bytes, running: list[str]) -> None:
    """Every text drawn is tagged or an artifact; the running header and footer are artifacts."""
    reader = read(pdf)
    reached = reached_mcids(reader)
    for number in range(len(reader.pages)):
        for _, operator, stack in marked_sequences(reader, number):
            if operator not in SHOWS_TEXT:
                continue
            assert stack, f"{name}, page {number + 1}: text outside any marked content"
            artifact = any(tag == "/Artifact" for tag, _ in stack)
            mcids = [mcid for _, mcid in stack if mcid is not None]
            assert artifact or any(mcid in reached[number] for mcid in mcids), (
                f"{name}, page {number + 1}: tagged text the structure tree does not reach"
            )
        artifacts, tagged = page_texts(reader, number)
        counter = re.compile(rf"Page {number + 1} (of|sur) {len(reader.pages)}")
        assert counter.search(artifacts), f"{name}, page {number + 1}: no page counter artifact"
        assert not counter.search(tagged), f"{name}, page {number + 1}: the page counter is tagged"
        for words in running:
            assert words in artifacts, f"{name}, page {number + 1}: {words!r} is no artifact"
        for words in running[1:]:
            assert words not in tagged, f"{name}, page {number + 1}: {words!r} is tagged"


def check_identification(name: str, pdf: bytes, language: str) -> None:
    reader = read(pdf)
    catalog = reader.trailer["/Root"]
    metadata = catalog["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")2", metadata), name
    assert re.search(r"pdfaid:conformance(>|=\")A", metadata), name
    assert pdf.startswith(b"%PDF-1.7"), name
    assert catalog["/MarkInfo"]["/Marked"].value is True, name
    assert str(catalog["/Lang"]).startswith(language), name
    assert "/StructTreeRoot" in catalog, name
    assert not reader.is_encrypted, name
    assert "/JavaScript" not in catalog.get("/Names", {}), name
    (intent,) = catalog["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent, name
    # PDF/A (6.1.3): the trailer's file identifier; (6.6.3) the title as in the XMP metadata.
    assert "/ID" in reader.trailer, name
    assert str(reader.metadata["/Title"]) in unescape(metadata), name
    # PDF/A-2a (6.8): standard structure types only (WeasyPrint declares no role map).
    role_map = catalog["/StructTreeRoot"].get("/RoleMap", {})
    for element in structure(reader):
        assert element["/S"] in STANDARD_TYPES or element["/S"] in role_map, element["/S"]
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            # PDF/A-2a (6.2.11.7): every glyph maps to Unicode.
            assert "/ToUnicode" in font, f"{name}: font {font.get('/BaseFont')} has no ToUnicode"
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for described in descendants:
                descriptor = described["/FontDescriptor"].get_object()
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), (
                    f"{name}: font {described.get('/BaseFont')} not embedded"
                )


# The running header and footer's words; "Page x of y" is checked by its figures.
RUNNING = {
    "en": ["Funded by", "made on"],
    "fr": ["Financement", "édité le"],
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_report_is_tagged_with_its_running_header_and_footer_as_artifacts(
    app, world, monkeypatch, language
):
    for name, (pdf, html) in world_reports(app, monkeypatch, language).items():
        check_marked(name, pdf, RUNNING[language])
        check_structure(name, pdf, html)
        check_identification(name, pdf, language)


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("trainee", {"ref": "T05"}),
        ("cohort", {}),
        ("funding", {}),
        ("certificate", {"ref": "T05"}),
        ("sheet", {"week": "2022-W49"}),
        ("sheet", {"week": "2022-W49", "blank": True}),
    ],
)
def test_a_table_over_several_pages_has_its_header_rows_once(demo_app, monkeypatch, kind, extra):
    day = date(2022, 12, 14)
    with demo_app.app_context():
        order = making.Order(kind, "ibm-ai-1", day, "fr", day, **extra)
        pdf, html = made(monkeypatch, lambda: making.fulfil(order))
    check_marked(kind, pdf, RUNNING["fr"])
    check_structure(kind, pdf, html)
    check_identification(kind, pdf, "fr")


def test_layout_tables_are_divisions_and_data_tables_stay_tables(demo_app, monkeypatch):
    day = date(2022, 12, 13)
    with demo_app.app_context():
        order = making.Order("funding", "ibm-ai-1", day, "en", day)
        pdf, html = made(monkeypatch, lambda: making.fulfil(order))
    assert 'role="presentation"' in html
    kinds = [element["/S"] for element in structure(read(pdf))]
    # The key figures' row of boxes and the two columns: divisions; the figures: tables.
    assert kinds.count("/Table") == len(data_tables(html)) < html.count("<table")
    assert kinds.count("/Div") >= 4


def verapdf() -> str | None:
    return os.environ.get("VERAPDF") or shutil.which("verapdf")


@pytest.mark.skipif(
    verapdf() is None,
    reason="veraPDF is not installed (a Java program, in no Python or Debian package): "
    "install it and put `verapdf` on the PATH, or name it in VERAPDF, to validate PDF/A-2a",
)
def test_verapdf_finds_every_report_pdf_a_2a(app, world, monkeypatch, tmp_path):
    for language in ("en", "fr"):
        for name, (pdf, _) in world_reports(app, monkeypatch, language).items():
            path = tmp_path / f"{name.replace(' ', '_')}_{language}.pdf"
            path.write_bytes(pdf)
            run = subprocess.run(
                [verapdf(), "--flavour", "2a", "--format", "text", str(path)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert run.stdout.startswith("PASS"), f"{name} ({language}): {run.stdout}"


def test_a_weasyprint_that_tags_tables_otherwise_still_makes_the_report(
    app, world, monkeypatch, caplog, laid_out_anew
):
    # Tables found in the boxes but not in the tree: left as tagged, the rest still done.
    monkeypatch.setattr(tagging, "_table_pieces", lambda box, seen: iter([None] * 9))
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        pdf, _ = made(monkeypatch, lambda: making.certificate(cohort, trainee, **dates("en")))
    assert "tables left as tagged" in caplog.text
    check_marked("certificate", pdf, RUNNING["en"])
