"""The wheel's build step: it carries what the application serves and reads.

templates/, static/ and docs/ stay at the top of the checkout, where development edits them; a
built package has them inside (tracker/templates, tracker/static, tracker/docs), with the French
catalog compiled from its .po (the compiled .mo is never committed). Everything else is declared
in pyproject.toml.
"""

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

CHECKOUT = Path(__file__).resolve().parent
SERVED = ("templates", "static", "docs")
TRANSLATIONS = Path("tracker") / "translations"


class BuildWithServedFiles(build_py):
    """Build the package with the served folders and the compiled catalogs inside it."""

    def run(self) -> None:
        """Build the package, then add what a checkout keeps beside it."""
        super().run()
        if self.editable_mode:
            return  # an editable install reads them from the checkout (`make translations`)
        package = Path(self.build_lib) / "tracker"
        for name in SERVED:
            shutil.copytree(CHECKOUT / name, package / name, dirs_exist_ok=True)
        for po in (CHECKOUT / TRANSLATIONS).glob("*/LC_MESSAGES/messages.po"):
            language = po.parent.parent.name
            with po.open("rb") as file:
                catalog = read_po(file, locale=language)
            mo = package / po.relative_to(CHECKOUT / "tracker").with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as file:
                # As `make translations` does: an entry marked fuzzy is still used.
                write_mo(file, catalog, use_fuzzy=True)


setup(cmdclass={"build_py": BuildWithServedFiles})
