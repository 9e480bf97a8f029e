"""The organisation's identity as the documents print it."""

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from tracker.attachments import stored_path
from tracker.extensions import db
from tracker.organisation.models import THE_ORGANISATION, Organisation


@dataclass(frozen=True)
class Identity:
    """Who issues the documents: names, numbers, representative, place and logo."""

    legal_name: str
    name_in_sentence: str = ""
    address: str = ""
    siret: str = ""
    declaration_number: str = ""
    declaration_region: str = ""
    representative_name: str = ""
    representative_title: str = ""
    signing_place: str = ""
    logo_content_type: str | None = None
    logo_sha256: str | None = None

    @property
    def logo_path(self) -> Path | None:
        """Return where the logo's file is kept, if there is a logo."""
        return stored_path(self.logo_sha256) if self.logo_sha256 else None


def organisation() -> Organisation | None:
    """Return the organisation's row, if administrators have filled it."""
    return db.session.get(Organisation, THE_ORGANISATION)


def current() -> Identity:
    """Return the organisation's identity; before anyone fills it, its name from the setting
    ORGANISATION_NAME and nothing else."""
    row = organisation()
    if row is None:
        name = current_app.config["ORGANISATION_NAME"]
        return Identity(legal_name=name, name_in_sentence=name)
    return Identity(
        legal_name=row.legal_name,
        name_in_sentence=row.name_in_sentence or row.legal_name,
        address=row.address,
        siret=row.siret,
        declaration_number=row.declaration_number,
        declaration_region=row.declaration_region,
        representative_name=row.representative_name,
        representative_title=row.representative_title,
        signing_place=row.signing_place,
        logo_content_type=row.logo_content_type,
        logo_sha256=row.logo_sha256,
    )
