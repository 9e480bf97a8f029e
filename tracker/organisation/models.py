"""The organisation's identity, one row that administrators edit."""

from sqlalchemy import CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db

# The identity is a single row: its id is always 1.
THE_ORGANISATION = 1


class Organisation(db.Model):
    """The organisation that gives the training and issues its documents.

    The logo's file is kept in the upload folder under its SHA-256 (tracker.attachments): the
    row, and so the trail, hold its digest, never its bytes.
    """

    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint(f"id = {THE_ORGANISATION}", name="single_row"),
        CheckConstraint("siret = '' OR length(siret) = 14", name="siret_has_14_digits"),
        CheckConstraint(
            "declaration_number = '' OR length(declaration_number) = 11",
            name="declaration_number_has_11_digits",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    legal_name: Mapped[str] = mapped_column(String(200))
    # As it reads in a sentence: "le Centre régional d'innovation de Montpellier".
    name_in_sentence: Mapped[str] = mapped_column(String(250), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    siret: Mapped[str] = mapped_column(String(14), default="")
    declaration_number: Mapped[str] = mapped_column(String(11), default="")
    # The region whose prefect registered the activity declaration.
    declaration_region: Mapped[str] = mapped_column(String(100), default="")
    representative_name: Mapped[str] = mapped_column(String(200), default="")
    representative_title: Mapped[str] = mapped_column(String(200), default="")
    # "Fait à …" on the documents.
    signing_place: Mapped[str] = mapped_column(String(100), default="")
    logo_file_name: Mapped[str | None] = mapped_column(String(255))
    logo_content_type: Mapped[str | None] = mapped_column(String(64))
    logo_size: Mapped[int | None] = mapped_column(Integer)
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
