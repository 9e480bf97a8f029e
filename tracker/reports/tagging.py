"""Finish the structure tree WeasyPrint 70 writes, as PDF/A-2a and screen readers expect it.

WeasyPrint tags a report (`pdf_tags`): each page's boxes become structure elements, every text
run a marked-content sequence with its MCID. Three things it leaves undone, done here through
its `finisher` hook (on its PDF objects, before they are written: the file stays identical
from one making to the next, and the signed sheet is sealed after):

- The running header and footer (the @page margin boxes) get structure elements that hang
  from nothing: their text is neither in the tree nor an artifact. They become /Pagination
  artifacts, the text a reader skips.
- A table that only lays boxes out (`<table role="presentation">`: the key figures, two
  columns side by side, the signature block) is tagged /Table like a table of figures. Its
  table, rows and cells become /Div.
- WeasyPrint cuts a table at each page break into one /Table per page and repeats the header
  rows (`<thead>`) at the top of each. The repeated rows become artifacts, and the rows of
  each later page join the table of its first page: one /Table, its header rows once, every
  cell naming the headers of its column.

WeasyPrint builds the tree page after page, one element per box in the order of the boxes;
the tables are found in that order on both sides, the boxes telling which <table> each
/Table element is cut from.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pydyf
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

LOGGER = logging.getLogger(__name__)

# The elements of a table that a layout table's become.
TABLE_PARTS = {"/Table", "/THead", "/TBody", "/TFoot", "/TR", "/TH", "/TD", "/Caption"}


@dataclass
class TablePiece:
    """The part of an HTML <table> drawn on one page."""

    table: object  # the HTML element
    layout: bool
    continued: bool  # the table started on an earlier page


def finish_tags(document: Document, pdf: pydyf.PDF) -> None:
    """Mark the running header, footer and repeated table headers as artifacts, and tag layout
    tables as divisions (WeasyPrint's finisher: called before the PDF is written)."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    objects = _Objects(pdf)
    root = objects.get(pdf.catalog["StructTreeRoot"])
    pages = [objects.get(reference) for reference in pdf.page_references]
    page_index = {reference: index for index, reference in enumerate(pdf.page_references)}

    tables: list[list[dict]] = [[] for _ in pages]
    for element in objects.descendants(root):
        if element.get("S") == "/Table":
            tables[page_index[element["Pg"]]].append(element)

    first_pieces: dict[int, dict] = {}
    for number, page in enumerate(document.pages):
        pieces = list(_table_pieces(page._page_box, first_pieces))
        if len(pieces) != len(tables[number]):
            # Another version of WeasyPrint that tags tables otherwise: the report is still
            # made, its tables tagged as WeasyPrint did (tests/test_pdf_structure.py tells).
            LOGGER.warning(
                "Page %d: %d tables drawn, %d tagged: tables left as tagged.",
                number + 1,
                len(pieces),
                len(tables[number]),
            )
            continue
        for piece, element in zip(pieces, tables[number], strict=True):
            if piece.layout:
                _as_divisions(objects, element)
            elif piece.continued:
                if id(piece.table) in first_pieces:
                    _join(objects, first_pieces[id(piece.table)], element)
            else:
                first_pieces[id(piece.table)] = element

    _mark_artifacts(objects, root, pages)
    _name_header_cells(objects, root)


def _table_pieces(box: boxes.Box, seen: dict) -> Iterator[TablePiece]:
    """Yield the tables of a page's boxes, in the order WeasyPrint tags them (tags.py)."""
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    if isinstance(box, boxes.MarginBox):
        return
    children = getattr(box, "children", ())
    if box.element is not None and box.element_tag == "table":
        yield TablePiece(
            table=box.element,
            layout=box.element.get("role") in ("presentation", "none"),
            continued=id(box.element) in seen,
        )
        if box.is_table_wrapper:
            table = box.get_wrapped_table()
            children = [
                grandchild
                for child in box.children
                for grandchild in (child.children if child is table else [child])
            ]
    for child in children:
        yield from _table_pieces(child, seen)


class _Objects:
    """Find pydyf's objects by their references."""

    def __init__(self, pdf: pydyf.PDF):
        self.pdf = pdf

    def get(self, reference) -> pydyf.Object:
        if isinstance(reference, pydyf.Object):
            return reference
        return self.pdf.objects[int(bytes(reference).split()[0])]

    def kids(self, element: dict) -> list[dict]:
        """Return an element's child structure elements (not its MCIDs or annotations)."""
        found = []
        for kid in element.get("K", ()):
            if isinstance(kid, (bytes, pydyf.Object)):
                kid = self.get(kid)
                if isinstance(kid, dict) and kid.get("Type") == "/StructElem":
                    found.append(kid)
        return found

    def descendants(self, element: dict) -> Iterator[dict]:
        """Yield an element's descendants, depth first, in the tree's order."""
        for kid in self.kids(element):
            yield kid
            yield from self.descendants(kid)


def _as_divisions(objects: _Objects, element: dict) -> None:
    """Tag a layout table, its rows and cells as divisions; a table in a cell stays a table."""
    element["S"] = "/Div"
    element.pop("A", None)
    element.pop("ID", None)
    for kid in objects.kids(element):
        if kid["S"] in TABLE_PARTS and kid["S"] != "/Table":
            _as_divisions(objects, kid)


def _join(objects: _Objects, first: dict, piece: dict) -> None:
    """Move the rows of a table's later piece into its first piece, leaving the repeated
    header rows out of the tree (their text then becomes an artifact). A footer repeated on
    every page is kept once, the last page's, at the table's end."""
    first_header = next((kid for kid in objects.kids(first) if kid["S"] == "/THead"), None)
    renamed = {}
    footer = None
    for kid in objects.kids(piece):
        if kid["S"] == "/TFoot":
            footer = kid
            continue
        if kid["S"] == "/THead" and first_header is not None:
            # The same rows as the first piece's: its cells name those instead.
            repeated = [cell for cell in objects.descendants(kid) if cell["S"] == "/TH"]
            original = [cell for cell in objects.descendants(first_header) if cell["S"] == "/TH"]
            for copy, cell in zip(repeated, original, strict=False):
                if "ID" in copy and "ID" in cell:
                    renamed[copy["ID"].string] = cell["ID"]
            continue
        if kid["S"] == "/Caption":
            continue
        first["K"].append(kid.reference)
        kid["P"] = first.reference
    if footer is not None:
        earlier = [kid.reference for kid in objects.kids(first) if kid["S"] == "/TFoot"]
        first["K"] = pydyf.Array(kid for kid in first["K"] if kid not in earlier)
        first["K"].append(footer.reference)
        footer["P"] = first.reference
    for cell in objects.descendants(first):
        headers = cell.get("A", {}).get("Headers")
        if headers:
            cell["A"]["Headers"] = pydyf.Array(
                renamed.get(header.string, header) for header in headers
            )
    parent = objects.get(piece["P"])
    parent["K"] = pydyf.Array(kid for kid in parent["K"] if kid != piece.reference)


def _mark_artifacts(objects: _Objects, root: dict, pages: list[dict]) -> None:
    """Turn each marked-content sequence that no element of the tree reaches into an artifact,
    and forget it in the tree's map from contents to elements."""
    reached: list[set[int]] = [set() for _ in pages]
    page_index = {page.reference: index for index, page in enumerate(pages)}
    for element in objects.descendants(root):
        for kid in element.get("K", ()):
            if isinstance(kid, int):
                reached[page_index[element["Pg"]]].add(kid)

    # The page's contents and the groups drawn in it share its map of marked contents.
    tags_of_page = {
        id(objects.get(page["Contents"])._tags): index for index, page in enumerate(pages)
    }
    for stream in objects.pdf.objects:
        index = tags_of_page.get(id(getattr(stream, "_tags", None)))
        if index is None:
            continue
        items = stream.stream
        for position, item in enumerate(items):
            if isinstance(item, dict) and "MCID" in item and item["MCID"] not in reached[index]:
                items[position - 1] = "/Artifact"
                items[position] = pydyf.Dictionary({"Type": "/Pagination"})

    parent_tree = objects.get(root["ParentTree"])
    numbers = parent_tree["Nums"]
    for key, value in zip(numbers[::2], numbers[1::2], strict=True):
        if key < len(pages) and isinstance(value, list):
            for mcid in range(len(value)):
                if mcid not in reached[key]:
                    value[mcid] = "null"


def _name_header_cells(objects: _Objects, root: dict) -> None:
    """List the header cells by their IDs in the tree's ID tree, where a reader looks up the
    headers that each cell names (its /Headers)."""
    named = sorted(
        (element["ID"].string, element.reference)
        for element in objects.descendants(root)
        if "ID" in element
    )
    if named:
        names = pydyf.Array(item for name, ref in named for item in (pydyf.String(name), ref))
        root["IDTree"] = pydyf.Dictionary({"Names": names})
