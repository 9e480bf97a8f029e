"""Pages of the help: the Markdown files of docs/, in the visitor's language."""

import re
from functools import lru_cache
from pathlib import Path

import markdown
from flask import Blueprint, abort, render_template, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from tracker import resources
from tracker.access import allow
from tracker.i18n import current_language

bp = Blueprint("help", __name__)

# The documents a visitor may read: docs/NAME.md in English, docs/NAME.fr.md in French.
DOCUMENTS = {
    "imports": _l("Importing files"),
    "figures": _l("How the figures are computed"),
    "trail": _l("The trail of changes"),
    "signing": _l("Signing the half-days"),
}
# A link between documents as GitHub follows it (figures.md, imports.fr.md#values): the page of
# that document in the language of that file.
DOCUMENT_LINK = re.compile(r'href="([a-z]+)(\.fr)?\.md(#[^"]*)?"')


def docs_folder() -> Path:
    """Return the folder of the documents: docs/, found as templates/ is."""
    return resources.folder("docs")


@lru_cache(maxsize=16)
def rendered(path: Path, modified: float) -> str:
    """Turn a Markdown document into HTML (cached until the file changes)."""
    html = markdown.markdown(
        path.read_text(encoding="utf-8"), extensions=["tables", "fenced_code", "toc"]
    )
    # Wide tables and examples scroll in their own box on a phone, not the whole page; the box
    # takes the focus, so that the keyboard scrolls it too.
    for tag in ("table", "pre"):
        html = html.replace(f"<{tag}>", f'<div class="table-wrap" tabindex="0"><{tag}>')
        html = html.replace(f"</{tag}>", f"</{tag}></div>")
    return html


def document_link(link: re.Match) -> str:
    """Point a link to a document file at its page, in the file's language."""
    name, french, anchor = link.groups()
    url = url_for(".page", name=name, lang="fr" if french else "en")
    return f'href="{url}{anchor or ""}"'


@bp.route("/help/<name>")
@allow("admin", "instructor", "officer", "trainee")
def page(name: str):
    """Show a document of the help in the visitor's language."""
    if name not in DOCUMENTS:
        abort(404)
    folder = docs_folder()
    path = folder / f"{name}.{current_language()}.md"
    if not path.exists():
        path = folder / f"{name}.md"
    html = DOCUMENT_LINK.sub(document_link, rendered(path, path.stat().st_mtime))
    return render_template("help/page.html", title=DOCUMENTS[name], content=Markup(html))
