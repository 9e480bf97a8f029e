"""Where the served files are: inside an installed package, or beside it in a checkout.

A built wheel carries templates/, static/ and docs/ inside the package (setup.py); a checkout keeps
them at its top, where development edits them.
"""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
INSTALLED = (PACKAGE / "templates").is_dir()
ROOT = PACKAGE if INSTALLED else PACKAGE.parent


def folder(name: str) -> Path:
    """Return the folder templates, static or docs of this installation."""
    return ROOT / name
