"""Change the organisation's identity. Operations flush and never commit."""

from dataclasses import dataclass
from hashlib import sha256

from tracker.attachments import Attachment, store
from tracker.extensions import db
from tracker.organisation.models import THE_ORGANISATION, Organisation
from tracker.organisation.queries import organisation


@dataclass(frozen=True)
class Logo:
    """A logo that passed the checks (rules.logo_type): its name, type and content."""

    file_name: str
    content_type: str
    content: bytes


def save_identity(
    *,
    legal_name: str,
    name_in_sentence: str = "",
    address: str = "",
    siret: str = "",
    declaration_number: str = "",
    declaration_region: str = "",
    representative_name: str = "",
    representative_title: str = "",
    signing_place: str = "",
    logo: Logo | None = None,
    remove_logo: bool = False,
) -> Organisation:
    """Save the organisation's identity (checked by the form); a new logo replaces the old one,
    whose file stays kept for the trail."""
    row = organisation()
    if row is None:
        row = Organisation(id=THE_ORGANISATION, legal_name=legal_name)
        db.session.add(row)
    row.legal_name = legal_name
    row.name_in_sentence = name_in_sentence
    row.address = address
    row.siret = siret
    row.declaration_number = declaration_number
    row.declaration_region = declaration_region
    row.representative_name = representative_name
    row.representative_title = representative_title
    row.signing_place = signing_place
    if logo is not None:
        digest = sha256(logo.content).hexdigest()
        store(
            Attachment(
                file_name=logo.file_name,
                content_type=logo.content_type,
                size=len(logo.content),
                sha256=digest,
                content=logo.content,
            )
        )
        row.logo_file_name = logo.file_name
        row.logo_content_type = logo.content_type
        row.logo_size = len(logo.content)
        row.logo_sha256 = digest
    elif remove_logo:
        row.logo_file_name = row.logo_content_type = row.logo_size = row.logo_sha256 = None
    db.session.flush()
    return row
