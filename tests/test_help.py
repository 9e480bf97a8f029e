"""The users' documentation: in the repository, served to signed-in users, linked from the pages,
and true to what the importer accepts."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tracker.cohorts.operations import create_cohort
from tracker.extensions import db
from tracker.imports.forms import KIND_LABELS
from tracker.imports.operations import KINDS, import_file

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
CSV_EXAMPLE = re.compile(r"```csv\n(.*?)```", re.S)
MARKDOWN_LINK = re.compile(r"\]\(([^)#]+)(#[^)]*)?\)")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_help_pages_show_the_documents_in_the_visitor_s_language(signed_in, language):
    client = signed_in("trainee")
    imports = client.get(f"/help/imports?lang={language}")
    figures = client.get(f"/help/figures?lang={language}")
    assert imports.status_code == figures.status_code == 200
    titles = {
        "fr": ("Importer des fichiers", "Comment les chiffres sont calculés"),
        "en": ("Importing files", "How the figures are computed"),
    }[language]
    assert "<h1 id=" in imports.text and titles[0] in imports.text
    assert titles[1] in figures.text
    # Tables scroll in their own box on a phone.
    assert '<div class="table-wrap" tabindex="0"><table>' in imports.text


def test_links_between_documents_lead_to_their_pages(signed_in):
    page = signed_in("officer").get("/help/figures?lang=en").text
    assert '<a href="/help/figures?lang=fr">Version française</a>' in page
    page = signed_in("officer").get("/help/figures?lang=fr").text
    assert '<a href="/help/figures?lang=en">English version</a>' in page


def test_the_import_page_links_to_the_guide_to_imports(signed_in):
    for url in ("/cohorts/alpha/import", "/cohorts/alpha/budget/expenses/import"):
        assert 'href="/help/imports"' in signed_in("admin").get(url).text


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("admin", "/cohorts/alpha"),
        ("instructor", "/cohorts/alpha/trainees/T01"),
        ("trainee", "/cohorts/alpha/trainees/T01"),
        ("officer", "/funding"),
        ("officer", "/cohorts/alpha/funding"),
    ],
)
def test_the_figure_pages_link_to_how_the_figures_are_computed(signed_in, role, url):
    response = signed_in(role).get(url + "?lang=fr")
    assert response.status_code == 200
    assert '<a href="/help/figures">Comment chaque chiffre est calculé</a>' in response.text


def examples(document: Path) -> list[str]:
    return CSV_EXAMPLE.findall(document.read_text(encoding="utf-8"))


@pytest.mark.parametrize("document", ["imports.md", "imports.fr.md"])
def test_each_example_of_the_guide_lists_every_column_and_is_accepted(app, document):
    found = examples(DOCS / document)
    assert len(found) == len(KIND_LABELS)
    with app.app_context():
        cohort = create_cohort(
            slug="docs",
            name="Docs",
            starts_on=date(2021, 9, 6),
            ends_on=date(2023, 3, 3),
            grant_amount=Decimal(273000),
        )
        for kind, example in zip(KIND_LABELS, found, strict=True):
            header = re.split("[,;]", example.splitlines()[0])
            assert header == [column.name for column in KINDS[kind].columns], kind
            summary = import_file(cohort, kind, example.encode())
            assert summary.created == len(example.splitlines()) - 1, kind
        db.session.rollback()


# The team's design notes, out of the repository; spelt apart, so that this file does not name them.
DESIGN_NOTES = "DESIGN" + ".md"


def test_the_readme_and_the_documents_link_only_within_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme and DESIGN_NOTES not in readme
    assert "(docs/imports.md)" in readme and "(docs/figures.md)" in readme
    for document in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target, _anchor in MARKDOWN_LINK.findall(document.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://")):
                continue
            assert (document.parent / target).exists(), f"{document.name}: {target}"


def test_the_code_points_only_to_documents_in_the_repository():
    """The team's design notes are not in the repository: the code, the templates and the tests
    refer their readers to the README and docs/, never to a file they cannot open."""
    read = [
        path
        for folder in ("tracker", "templates", "tests", "benchmarks", "docs")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".html", ".md", ".txt", ".css", ".js"}
    ]
    assert len(read) > 100
    found = [path for path in read if DESIGN_NOTES in path.read_text(encoding="utf-8")]
    assert found == []


def test_the_readme_names_the_system_packages_and_the_port():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "libpango-1.0-0" in readme and "brew install pango" in readme
    assert "make run PORT=8000" in readme
    makefile = (ROOT / "Makefile").read_text()
    assert "PORT ?= 5000" in makefile and "--port $(PORT)" in makefile
