"""The signed weekly sheet: what it shows, its PAdES seal checked by pyHanko, the week's proof
file, who downloads them, and the refusal when there is no certificate to seal with."""

import asyncio
import hashlib
import io
import json
import math
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from sqlalchemy import delete, select

from tracker import create_app, timeutil
from tracker.attendance.models import AttendanceRecord, Session
from tracker.audit import capture
from tracker.auth.models import User
from tracker.cli import main
from tracker.cohorts.models import Cohort, Module, Trainee
from tracker.extensions import db
from tracker.reports import making
from tracker.signing import strokes
from tracker.signing.models import Countersignature, PaperSheet, Signature

WEEK = "2022-W02"  # Monday 10/01/2022: the world's session, in the morning
MADE_ON = date(2022, 1, 20)
# January: Paris is UTC+1.
MONDAY_MORNING_SIGNED = datetime(2022, 1, 10, 8, 4, 30, 123456, tzinfo=UTC)  # 09:04 in Paris


def drawing(seed: int, points: int = 40) -> str:
    """A made-up signature: one sine wave across the pad, kept as the pad's strokes."""
    stroke = [
        [round(0.05 + 0.9 * i / points, 4), round(0.5 + 0.35 * math.sin(i / 3 + seed), 4), i * 16]
        for i in range(points)
    ]
    return strokes.stored([stroke])


def sign(session: Session, trainee: Trainee, signed_at: datetime, *, step: int | None = 1) -> None:
    """Add a trainee's signature of a half-day, with its digest over the documented fields."""
    fields = {
        "session_id": session.id,
        "trainee_id": trainee.id,
        "signed_at": signed_at,
        "address": "192.0.2.7",
        "user_agent": "Mozilla/5.0 (Android 14; Mobile)",
        "time_step": step,
    }
    kept = drawing(trainee.id)
    db.session.add(Signature(**fields, strokes=kept, digest=strokes.digest(fields, kept)))


def countersign(session: Session, instructor: User, signed_at: datetime) -> None:
    """Close a half-day by the instructor's countersignature."""
    fields = {
        "session_id": session.id,
        "signed_by_id": instructor.id,
        "signer_name": instructor.name,
        "signed_at": signed_at,
        "address": "192.0.2.1",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
    }
    kept = drawing(100 + instructor.id)
    db.session.add(Countersignature(**fields, strokes=kept, digest=strokes.digest(fields, kept)))
    session.closed_at = signed_at
    session.closed_by_id = instructor.id


def mark(session: Session, trainee: Trainee, status: str, **fields) -> None:
    db.session.add(
        AttendanceRecord(session_id=session.id, trainee_id=trainee.id, status=status, **fields)
    )


def alpha() -> tuple[Cohort, dict[str, Trainee], dict[tuple[date, str], Session], User]:
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
    trainees = {
        t.ref: t for t in db.session.scalars(select(Trainee).where(Trainee.cohort == cohort))
    }
    sessions = {(s.date, s.slot): s for s in db.session.scalars(select(Session))}
    instructor = db.session.scalar(select(User).where(User.email == "prof@centre.fr"))
    return cohort, trainees, sessions, instructor


@pytest.fixture
def week(app, world):
    """The world's week, signed: Monday morning countersigned, Monday afternoon closed by the
    tracker, Tuesday morning not closed; a trainee who joins on Tuesday."""
    with app.app_context():
        cohort, trainees, sessions, instructor = alpha()
        # The world keeps this week's paper sheet; these tests want it signed on screen, and
        # add a paper sheet where they test one.
        db.session.execute(delete(PaperSheet).where(PaperSheet.cohort_id == cohort.id))
        ada, alan = trainees["T01"], trainees["T02"]
        module = db.session.scalar(select(Module).where(Module.cohort == cohort))
        monday_pm = Session(cohort=cohort, module=module, date=date(2022, 1, 10), slot="PM")
        tuesday_am = Session(
            cohort=cohort,
            module=module,
            date=date(2022, 1, 11),
            slot="AM",
            starts_at=datetime(2022, 1, 1, 8, 30).time(),
            ends_at=datetime(2022, 1, 1, 12, 0).time(),
        )
        newcomer = Trainee(
            cohort=cohort,
            ref="T03",
            first_name="Katherine",
            last_name="Johnson",
            email="katherine@example.org",
            enrolled_on=date(2022, 1, 11),
        )
        db.session.add_all([monday_pm, tuesday_am, newcomer])
        db.session.flush()
        monday_am = sessions[(date(2022, 1, 10), "AM")]
        # Monday morning: Ada signed (the world marks her present, Alan excused).
        sign(monday_am, ada, MONDAY_MORNING_SIGNED)
        countersign(monday_am, instructor, datetime(2022, 1, 10, 11, 35, tzinfo=UTC))
        # Monday afternoon: Ada marked present without signing, Alan absent; closed by the tracker.
        mark(monday_pm, ada, "present")
        mark(monday_pm, alan, "absent")
        db.session.flush()
        monday_pm.closed_at = datetime(2022, 1, 17, 23, 0, tzinfo=UTC)
        # Tuesday morning: Ada signed and came late; Alan signed but is marked absent; the
        # newcomer signed remotely (no code step).
        sign(tuesday_am, ada, datetime(2022, 1, 11, 7, 50, tzinfo=UTC))
        mark(tuesday_am, ada, "late", minutes_missed=20)
        sign(tuesday_am, alan, datetime(2022, 1, 11, 7, 41, tzinfo=UTC))
        mark(tuesday_am, alan, "absent")
        sign(tuesday_am, newcomer, datetime(2022, 1, 11, 7, 33, tzinfo=UTC), step=None)
        mark(tuesday_am, newcomer, "present")
        db.session.commit()


def plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def pages_of(pdf: bytes) -> list[str]:
    return [plain(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def made_sheet(app, language: str = "en", made_on: date = MADE_ON) -> bytes:
    with app.app_context():
        cohort = alpha()[0]
        made = making.signed_sheet(
            cohort, WEEK, as_of=date(2022, 6, 30), language=language, made_on=made_on
        )
        return made.path.read_bytes()


def trust_root(certificate: Path) -> asn1_x509.Certificate:
    _key, cert, _others = pkcs12.load_key_and_certificates(
        certificate.read_bytes(), b"seal-password"
    )
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def in_a_thread(function, *args):
    """Call a function in a thread of its own: pyHanko's validation runs asyncio.run, which
    refuses to start in a thread where an event loop runs (the browser tests' Playwright keeps
    one running in the main thread for the whole session)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def seal_status(pdf: bytes, certificate: Path):
    reader = PdfFileReader(io.BytesIO(pdf))
    [signature] = reader.embedded_signatures
    context = ValidationContext(trust_roots=[trust_root(certificate)])
    return signature, in_a_thread(validate_pdf_signature, signature, context)


# ---------------------------------------------------------------------------------------------
# What the sheet shows


def test_the_signed_sheet_shows_each_signature_or_why_there_is_none(app, week):
    pdf = made_sheet(app)
    [text] = pages_of(pdf)
    assert "Signed attendance sheet — week of 10 January 2022" in text
    for name in ("LOVELACE Ada T01", "TURING Alan T02", "JOHNSON Katherine T03"):
        assert name in text
    # The half-days' times: the cohort's, or the session's own.
    assert "09:00–12:30" in text and "13:30–17:00" in text and "08:30–12:00" in text
    # Signature times in Paris; what the roll call says beside a signature.
    assert "09:04" in text and "08:50" in text and "08:41" in text and "08:33" in text
    assert "late, 20 min missed" in text
    assert "marked: unjustified absence" in text
    # No signature: why.
    assert "excused absence" in text and text.count("unjustified absence") == 2
    assert "not expected" in text  # the newcomer on Monday
    assert "not signed" in text and "marked: present" in text  # Ada on Monday afternoon
    # The countersignatures: drawn with name and time, closed by the tracker, not closed.
    assert "Instructor's countersignature" in text
    assert "Olivier Prof" in text and "10/01/2022 12:35" in text
    assert "closed automatically" in text and "18/01/2022 00:00" in text
    assert "not closed" in text
    assert "electronic seal of Centre régional d'innovation de Montpellier" in text
    # Each signature drawn, described by whose it is (the PDF's figures carry the text).
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_the_signed_sheet_is_landscape_and_speaks_french(app, week):
    pdf = made_sheet(app, "fr")
    [text] = pages_of(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert box.width > box.height
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "Lundi 10/01/2022" in text and "Mardi 11/01/2022" in text
    assert "matin" in text and "après-midi" in text
    assert "LOVELACE Ada T01" in text


def test_a_week_on_paper_says_so_where_no_signature_was_drawn(app, week):
    with app.app_context():
        cohort = alpha()[0]
        db.session.add(
            PaperSheet(
                cohort_id=cohort.id,
                week=date(2022, 1, 10),
                file_name="semaine-2.pdf",
                content_type="application/pdf",
                size=1234,
                sha256="ab" * 32,
            )
        )
        db.session.commit()
    [text] = pages_of(made_sheet(app))
    assert "signed on paper" in text
    assert "semaine-2.pdf" in text and "ab" * 32 in text
    # A drawn signature and a recorded absence still show as such.
    assert "09:04" in text and "unjustified absence" in text


def test_every_page_carries_the_instructors_countersignatures(app, week):
    with app.app_context():
        cohort = alpha()[0]
        for number in range(40):
            db.session.add(
                Trainee(
                    cohort=cohort,
                    ref=f"X{number:02d}",
                    first_name="Extra",
                    last_name=f"Trainee {number:02d}",
                    email=f"x{number}@example.org",
                    enrolled_on=date(2022, 1, 3),
                )
            )
        db.session.commit()
    pages = pages_of(made_sheet(app))
    assert len(pages) >= 2
    with_rows = [text for text in pages if "Extra" in text]
    assert len(with_rows) >= 2
    for text in with_rows:
        assert "Instructor's countersignature" in text
        assert "Olivier Prof" in text and "closed automatically" in text and "not closed" in text


# ---------------------------------------------------------------------------------------------
# The seal


def test_pyhanko_finds_the_sealed_sheet_intact_and_whole(app, week, seal_certificate):
    signature, status = seal_status(made_sheet(app), seal_certificate)
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.modification_level.name == "NONE"
    assert status.bottom_line
    assert (
        "Centre régional d'innovation de Montpellier" in status.signing_cert.subject.human_friendly
    )


def test_one_changed_byte_breaks_the_seal(app, week, seal_certificate):
    pdf = made_sheet(app)
    signature, _ = seal_status(pdf, seal_certificate)
    start, first_length, _second_start, _second_length = signature.byte_range
    # A letter of the document's XMP metadata (kept uncompressed, as PDF/A wants), within the
    # first signed range: the file still reads, its content changed.
    position = pdf.index(b"Signed attendance sheet")
    assert start <= position < start + first_length
    changed = bytearray(pdf)
    changed[position] ^= ord("S") ^ ord("s")
    _signature, status = seal_status(bytes(changed), seal_certificate)
    assert not status.intact
    assert not status.bottom_line
    # The signature itself is untouched and still covers the whole file: what it signed changed.
    assert status.coverage.name == "ENTIRE_FILE"


def test_a_sheet_is_made_again_only_when_its_weeks_signatures_or_marks_change(app, week):
    def path() -> Path:
        with app.app_context():
            cohort = alpha()[0]
            return making.signed_sheet(
                cohort, WEEK, as_of=date(2022, 6, 30), language="en", made_on=MADE_ON
            ).path

    first = path()
    assert path() == first
    with app.app_context():
        cohort, trainees, _sessions, _instructor = alpha()
        module = db.session.scalar(select(Module).where(Module.cohort == cohort))
        # Another week's signature: the same sheet.
        later = Session(cohort=cohort, module=module, date=date(2022, 1, 17), slot="AM")
        db.session.add(later)
        db.session.flush()
        sign(later, trainees["T01"], datetime(2022, 1, 17, 8, 0, tzinfo=UTC))
        db.session.commit()
    assert path() == first
    seen = {first}

    def changed(change) -> None:
        with app.app_context():
            change(*alpha())
            db.session.commit()
        made = path()
        assert made not in seen
        seen.add(made)

    monday_pm = (date(2022, 1, 10), "PM")
    changed(
        lambda c, t, s, i: sign(s[monday_pm], t["T01"], datetime(2022, 1, 10, 12, 40, tzinfo=UTC))
    )
    changed(
        lambda c, t, s, i: countersign(s[monday_pm], i, datetime(2022, 1, 10, 16, 5, tzinfo=UTC))
    )

    def mark_present(cohort, trainees, sessions, instructor) -> None:
        record = db.session.scalar(
            select(AttendanceRecord).where(
                AttendanceRecord.session_id == sessions[monday_pm].id,
                AttendanceRecord.trainee_id == trainees["T02"].id,
            )
        )
        with capture.acting(reason="Feuille papier retrouvée"):
            record.status = "present"
            db.session.flush()

    changed(mark_present)
    changed(
        lambda c, t, s, i: db.session.add(
            PaperSheet(
                cohort_id=c.id,
                week=date(2022, 1, 10),
                file_name="scan.png",
                content_type="image/png",
                size=10,
                sha256="cd" * 32,
            )
        )
    )


# ---------------------------------------------------------------------------------------------
# No certificate


def test_without_a_certificate_the_signed_sheet_is_refused(app, week, signed_in, tmp_path):
    app.config["SEAL_CERTIFICATE"] = str(tmp_path / "nowhere.p12")
    client = signed_in("officer")
    for url in (
        f"/cohorts/alpha/attendance-sheets/{WEEK}/signed.pdf",
        f"/cohorts/alpha/attendance-sheets/{WEEK}/proof.json",
    ):
        response = client.get(url + "?lang=en")
        assert response.status_code == 409
        assert "certificate is missing or cannot be opened" in response.get_data(as_text=True)
    result = app.test_cli_runner().invoke(
        main, ["report", "signed-sheet", "alpha", "--week", WEEK, "--out", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "nowhere.p12 does not exist" in result.output and "tracker init" in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("*.pdf"))


def test_a_certificate_that_cannot_be_opened_is_refused(app, week, signed_in, tmp_path):
    app.config["SEAL_PASSWORD"] = "not-its-password"
    response = signed_in("admin").get(f"/cohorts/alpha/attendance-sheets/{WEEK}/signed.pdf")
    assert response.status_code == 409
    result = app.test_cli_runner().invoke(
        main, ["report", "signed-sheet", "alpha", "--week", WEEK, "--out", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "cannot be opened" in result.output and "SEAL_PASSWORD" in result.output


def test_an_expired_certificate_is_refused(app, week, tmp_path, monkeypatch):
    monkeypatch.setattr(timeutil, "utc_now", lambda: datetime(2040, 1, 1, tzinfo=UTC))
    result = app.test_cli_runner().invoke(
        main, ["report", "signed-sheet", "alpha", "--week", WEEK, "--out", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "expired on" in result.output and "configure a new one" in result.output


def test_tracker_init_makes_a_self_signed_certificate_and_says_so(tmp_path):
    certificate = tmp_path / "instance" / "seal.p12"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}",
            "SEAL_CERTIFICATE": str(certificate),
        }
    )
    result = app.test_cli_runner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert "SELF-SIGNED" in result.output and "development only" in result.output
    assert "SEAL_CERTIFICATE" in result.output and "TRACKER_SEAL_PASSWORD" in result.output
    assert certificate.stat().st_mode & 0o777 == 0o600
    key, cert, _ = pkcs12.load_key_and_certificates(certificate.read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 3072
    name = "Centre régional d'innovation de Montpellier"
    assert cert.subject.rfc4514_string() == f"O={name},CN={name}"
    assert cert.issuer == cert.subject
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365
    assert 5 <= years < 5.1
    # Made once: a second init keeps it, and says it is self-signed.
    content = certificate.read_bytes()
    result = app.test_cli_runner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert "Made a" not in result.output
    assert f"sealed with a SELF-SIGNED certificate, for development only {certificate}" in (
        result.output
    )
    assert certificate.read_bytes() == content
    # A password that does not open it: init says so, and still brings the database up to date.
    app.config["SEAL_PASSWORD"] = "wrong"
    result = app.test_cli_runner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert "Warning: the signed sheets cannot be sealed" in result.output
    assert "cannot be opened" in result.output
    with app.app_context():
        db.engine.dispose()


def test_the_certificate_and_its_password_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TRACKER_SEAL_CERTIFICATE", "/etc/tracker/seal.p12")
    monkeypatch.setenv("TRACKER_SEAL_PASSWORD", "secret")
    app = create_app()
    assert app.config["SEAL_CERTIFICATE"] == "/etc/tracker/seal.p12"
    assert app.config["SEAL_PASSWORD"] == "secret"


# ---------------------------------------------------------------------------------------------
# The proof file


def test_the_proof_names_the_sheet_as_served_and_its_digests_recompute(app, week, signed_in):
    client = signed_in("officer")
    sheet = client.get(f"/cohorts/alpha/attendance-sheets/{WEEK}/signed.pdf?lang=en")
    response = client.get(f"/cohorts/alpha/attendance-sheets/{WEEK}/proof.json?lang=en")
    assert sheet.status_code == response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=alpha_signed-sheet_{WEEK}_en_proof.json"
    )
    proof = json.loads(response.data)
    assert proof["cohort"] == {
        "slug": "alpha",
        "name": "IA promotion 1",
        "funder": "Région Occitanie",
    }
    assert proof["week"] == WEEK and proof["first_day"] == "2022-01-10"
    assert proof["sheet"]["file_name"] == f"alpha_signed-sheet_{WEEK}_en.pdf"
    assert proof["sheet"]["sha256"] == hashlib.sha256(sheet.data).hexdigest()
    assert proof["sheet"]["sealed_by"]["self_signed"] is True
    assert proof["paper_sheet"] is None
    signatures = proof["signatures"]
    assert [
        (s["half_day"]["date"], s["half_day"]["slot"], s["trainee_ref"]) for s in signatures
    ] == [
        ("2022-01-10", "AM", "T01"),
        ("2022-01-11", "AM", "T01"),
        ("2022-01-11", "AM", "T02"),
        ("2022-01-11", "AM", "T03"),
    ]
    first = signatures[0]
    assert first["trainee_name"] == "Ada Lovelace"
    assert first["half_day"] | {"session_id": 0} == {
        "session_id": 0,
        "date": "2022-01-10",
        "slot": "AM",
        "starts_at": "09:00",
        "ends_at": "12:30",
        "time_zone": "Europe/Paris",
        "module": "M1",
        "kind": "classroom",
    }
    assert first["signed_at"] == "2022-01-10T08:04:30.123456+00:00"
    assert first["address"] == "192.0.2.7" and first["user_agent"].startswith("Mozilla/5.0")
    assert first["time_step"] == 1 and signatures[3]["time_step"] is None
    assert json.loads(first["strokes"])[0][0] == [0.05, round(0.5 + 0.35 * math.sin(1), 4), 0]
    # Every digest computed again from the proof's own fields.
    for entry in signatures:
        fields = {name: entry[name] for name in proof["digests"]["signature_fields"]}
        assert strokes.digest(fields, entry["strokes"]) == entry["digest"]
        assert entry["intact"] is True
    [countersigned] = proof["countersignatures"]
    assert countersigned["signer_name"] == "Olivier Prof"
    assert countersigned["signed_at"] == "2022-01-10T11:35:00+00:00"
    fields = {name: countersigned[name] for name in proof["digests"]["countersignature_fields"]}
    assert strokes.digest(fields, countersigned["strokes"]) == countersigned["digest"]
    closings = {(h["date"], h["slot"]): h["closed_by_id"] for h in proof["half_days"]}
    assert closings[("2022-01-10", "PM")] is None and closings[("2022-01-10", "AM")] is not None


def test_the_proof_gives_the_paper_sheets_fingerprint_and_flags_a_changed_signature(
    app, week, signed_in
):
    with app.app_context():
        cohort, trainees, _sessions, _ = alpha()
        db.session.add(
            PaperSheet(
                cohort_id=cohort.id,
                week=date(2022, 1, 10),
                file_name="semaine-2.pdf",
                content_type="application/pdf",
                size=1234,
                sha256="ab" * 32,
            )
        )
        # Someone changes a kept address behind the application's back.
        signature = db.session.scalar(
            select(Signature).where(Signature.trainee_id == trainees["T02"].id)
        )
        signature.address = "203.0.113.9"
        db.session.commit()
    proof = json.loads(
        signed_in("admin").get(f"/cohorts/alpha/attendance-sheets/{WEEK}/proof.json").data
    )
    assert proof["paper_sheet"]["sha256"] == "ab" * 32
    assert proof["sheet"]["language"] == "fr"
    assert {s["trainee_ref"]: s["intact"] for s in proof["signatures"]} == {
        "T01": True,
        "T02": False,
        "T03": True,
    }


def test_the_command_writes_the_signed_sheet_and_its_proof(app, week, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(
        main,
        ["report", "signed-sheet", "alpha", "--week", WEEK, "--lang", "en", "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    sheet = tmp_path / f"alpha_signed-sheet_{WEEK}_en.pdf"
    assert result.output.strip() == str(sheet)
    assert "LOVELACE Ada T01" in pages_of(sheet.read_bytes())[0]
    result = runner.invoke(
        main, ["report", "proof", "alpha", "--week", WEEK, "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    french = tmp_path / f"alpha_signed-sheet_{WEEK}_fr.pdf"
    proof_file = tmp_path / f"alpha_signed-sheet_{WEEK}_fr_proof.json"
    assert result.output.split() == [str(french), str(proof_file)]
    proof = json.loads(proof_file.read_text())
    assert proof["sheet"]["sha256"] == hashlib.sha256(french.read_bytes()).hexdigest()
    assert len(proof["signatures"]) == 4
    result = runner.invoke(main, ["report", "signed-sheet", "alpha", "--week", "2022-W10"])
    assert result.exit_code == 1 and "no session in the week 2022-W10" in result.output


# ---------------------------------------------------------------------------------------------
# Who downloads them


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("officer", 200), ("instructor", 200), ("outsider", 404), ("trainee", 404)],
)
def test_the_signed_sheet_and_proof_go_to_those_who_get_the_sheets(
    app, week, signed_in, role, status
):
    client = signed_in(role)
    for url in (
        f"/cohorts/alpha/attendance-sheets/{WEEK}/signed.pdf",
        f"/cohorts/alpha/attendance-sheets/{WEEK}/proof.json",
    ):
        assert client.get(url).status_code == status


def test_a_signed_sheet_of_a_bad_week_or_as_recorded_is_refused(app, week, signed_in):
    client = signed_in("admin")
    assert client.get("/cohorts/alpha/attendance-sheets/2022-W99/signed.pdf").status_code == 400
    assert client.get("/cohorts/alpha/attendance-sheets/2022-W10/signed.pdf").status_code == 404
    response = client.get(
        f"/cohorts/alpha/attendance-sheets/{WEEK}/signed.pdf?as_recorded=2022-01-10T12:00:00"
    )
    assert response.status_code == 400


def test_a_sheet_is_sealed_where_an_event_loop_is_running(app, week):
    """pyHanko's asyncio.run would refuse inside a running loop (an asynchronous worker, or a
    test session driving a browser): the seal is made all the same."""

    async def inside_a_loop() -> bytes:
        return made_sheet(app, made_on=date(2022, 1, 21))

    pdf = in_a_thread(asyncio.run, inside_a_loop())
    assert pdf.startswith(b"%PDF-")
    assert b"/ETSI.CAdES.detached" in pdf
