"""The organisation's identity: its checks, its page for administrators, its trail, the cohort's
agreement, and the demo's values."""

import io
import json
from hashlib import sha256

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests import uploads_data
from tests.test_reports import cohort_and_trainee, dates, read, text_of
from tracker.attachments import stored_path
from tracker.audit.models import AuditEntry
from tracker.auth.models import User
from tracker.cohorts.models import Cohort
from tracker.demo.operations import DEMO_AGREEMENT, DEMO_IDENTITY, DEMO_TITLE_IN_AGREEMENT
from tracker.extensions import db
from tracker.organisation import queries, rules
from tracker.organisation.models import Organisation
from tracker.reports import making
from tracker.reports.making import organisation_name

SIRET = "83451290700017"  # SIREN 834 512 907 and NIC 00017: both keys hold

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient></defs>'
    b'<rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>'
)


# --- The rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("siret", [SIRET, "73282932000074", "35600000000048"])
def test_a_siret_whose_key_holds_is_accepted(siret):
    assert rules.luhn_valid(siret)
    assert rules.siret_problem(siret) is None


def test_la_poste_s_establishments_follow_their_own_key(app):
    # The sum of the digits is a multiple of 5, and the Luhn key does not hold.
    assert not rules.luhn_valid("35600000000001")
    with app.test_request_context("/?lang=en"):
        assert rules.siret_problem("35600000000001") is None
        assert rules.siret_problem("35600000000002") is not None


@pytest.mark.parametrize(
    ("siret", "problem"),
    [
        ("83451290700018", "key is wrong"),
        ("8345129070001", "14 digits"),
        ("834512907000170", "14 digits"),
        ("8345129070001A", "14 digits"),
        ("８３４５１２９０７０００１７", "14 digits"),  # full-width digits
    ],
)
def test_a_wrong_siret_is_refused_saying_why(app, siret, problem):
    with app.test_request_context("/?lang=en"):
        assert problem in rules.siret_problem(siret)


@pytest.mark.parametrize(
    ("number", "refused"),
    [("76340000034", False), ("7634000003", True), ("763400000345", True), ("7634000003X", True)],
)
def test_the_declaration_number_has_11_digits(app, number, refused):
    with app.test_request_context("/?lang=en"):
        assert (rules.declaration_number_problem(number) is not None) == refused


# --- The logo -------------------------------------------------------------------------------


def logo_refusal(app, content: bytes) -> str:
    with app.test_request_context("/?lang=en"), pytest.raises(rules.LogoRefused) as refused:
        rules.logo_type(content, field="Logo")
    return str(refused.value)


def test_a_png_image_and_a_plain_svg_drawing_are_logos(app):
    with app.test_request_context("/?lang=en"):
        assert rules.logo_type(uploads_data.png(), field="Logo") == "image/png"
        assert rules.logo_type(SVG, field="Logo") == "image/svg+xml"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "<script>",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
            "onload",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
            "<foreignobject>",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
            "entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
            "entities",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<image xlink:href="https://tracker.example/track.png"/></svg>',
            "https://tracker.example/track.png",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg">'
            b'<a href="javascript:alert(1)"><rect/></a></svg>',
            "javascript:alert(1)",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://x.example/a)"/>'
            b"</svg>",
            "https://x.example/a",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://x.example/s.css";'
            b"</style></svg>",
            "style",
        ),
    ],
)
def test_an_svg_drawing_that_runs_code_or_fetches_anything_is_refused(app, content, says):
    message = logo_refusal(app, content)
    assert message.startswith("Logo: ")
    assert says in message


@pytest.mark.parametrize(
    "content",
    [
        uploads_data.jpeg(),
        uploads_data.TEXT,
        uploads_data.PDF,
        b"<html><body>not a drawing</body></html>",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,
    ],
)
def test_what_is_not_a_png_image_nor_an_svg_drawing_is_refused(app, content):
    assert logo_refusal(app, content).startswith("Logo: ")


# --- The page -------------------------------------------------------------------------------

pytestmark = pytest.mark.usefixtures("without_csrf")

FILLED = {
    "legal_name": "Centre de formation Exemple",
    "name_in_sentence": "le Centre de formation Exemple",
    "address": "1 place de la Comédie\r\n34000 Montpellier",
    "siret": "834 512 907 00017",
    "declaration_number": "763 400 000 34",
    "declaration_region": "Occitanie",
    "representative_name": "Claire Dumas",
    "representative_title": "directrice",
    "signing_place": "Montpellier",
}


def send(client, logo: tuple[bytes, str] | None = None, **changes):
    data = FILLED | changes
    if logo is not None:
        data["logo"] = (io.BytesIO(logo[0]), logo[1])
    return client.post("/admin/organisation?lang=en", data=data, content_type="multipart/form-data")


def saved(app) -> Organisation | None:
    with app.app_context():
        row = db.session.get(Organisation, 1)
        if row is not None:
            db.session.expunge(row)
        return row


def test_before_anyone_fills_it_the_identity_is_the_setting_s_name(app):
    with app.app_context():
        app.config["ORGANISATION_NAME"] = "Simplon Occitanie"
        identity = queries.current()
        assert identity.legal_name == identity.name_in_sentence == "Simplon Occitanie"
        assert identity.siret == "" and identity.logo_path is None
        assert organisation_name() == "Simplon Occitanie"


def test_the_admin_fills_the_identity_with_a_logo_and_the_documents_use_it(app, world, signed_in):
    admin = signed_in("admin")
    page = admin.get("/admin/organisation?lang=en")
    assert page.status_code == 200
    assert 'href="/admin/organisation"' in page.text  # in the admin's menu
    png = uploads_data.png()
    response = send(admin, logo=(png, "logo.png"))
    assert response.status_code == 302, response.text
    row = saved(app)
    assert row.legal_name == "Centre de formation Exemple"
    assert row.siret == SIRET and row.declaration_number == "76340000034"
    assert row.address == "1 place de la Comédie\r\n34000 Montpellier"
    assert (row.logo_content_type, row.logo_size) == ("image/png", len(png))
    assert row.logo_sha256 == sha256(png).hexdigest()
    with app.app_context():
        assert stored_path(row.logo_sha256).read_bytes() == png
        identity = queries.current()
        assert identity.representative_name == "Claire Dumas"
        assert identity.logo_path == stored_path(row.logo_sha256)
        assert organisation_name() == "Centre de formation Exemple"
    shown = admin.get("/admin/organisation/logo")
    assert shown.status_code == 200 and shown.data == png
    assert shown.mimetype == "image/png"
    page = admin.get("/admin/organisation?lang=en")
    assert 'value="Centre de formation Exemple"' in page.text
    assert 'src="/admin/organisation/logo"' in page.text


def test_a_new_logo_replaces_the_old_one_and_it_can_be_removed(app, world, signed_in):
    admin = signed_in("admin")
    assert send(admin, logo=(uploads_data.png(), "logo.png")).status_code == 302
    assert send(admin, logo=(SVG, "logo.svg")).status_code == 302
    row = saved(app)
    assert (row.logo_content_type, row.logo_sha256) == ("image/svg+xml", sha256(SVG).hexdigest())
    # Sent again without a file, the logo stays.
    assert send(admin).status_code == 302
    assert saved(app).logo_sha256 == sha256(SVG).hexdigest()
    assert send(admin, remove_logo="y").status_code == 302
    assert saved(app).logo_sha256 is None
    assert admin.get("/admin/organisation/logo").status_code == 404


@pytest.mark.parametrize(
    ("changes", "logo", "field", "says"),
    [
        ({"siret": "83451290700018"}, None, "siret", "key is wrong"),
        ({"siret": "1234"}, None, "siret", "14 digits"),
        ({"declaration_number": "7634"}, None, "declaration_number", "11 digits"),
        ({"legal_name": "  "}, None, "legal_name", "required"),
        ({}, (uploads_data.jpeg(), "logo.png"), "logo", "not a PNG image nor an SVG"),
        (
            {},
            (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "l.svg"),
            "logo",
            "&lt;script&gt;",
        ),
        ({}, (uploads_data.png(), "logo.svg"), "logo", "holds a PNG image"),
        ({}, (b"", "logo.png"), "logo", "empty"),
    ],
)
def test_a_refusal_names_the_field_and_changes_nothing(
    app, world, signed_in, changes, logo, field, says
):
    admin = signed_in("admin")
    assert send(admin, legal_name="Before").status_code == 302
    before = saved(app)
    response = send(admin, logo=logo, **(changes | {"representative_name": "Someone Else"}))
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    assert says in response.text
    after = saved(app)
    assert after.legal_name == "Before" and after.representative_name == before.representative_name
    assert after.logo_sha256 is None


def test_a_logo_over_the_limit_of_one_megabyte_is_refused(app, world, signed_in):
    assert app.config["LOGO_MAX_BYTES"] == 1024 * 1024
    # A smaller limit: a body over 500 kB would go through a temporary file of the test client.
    app.config["LOGO_MAX_BYTES"] = 2000
    admin = signed_in("admin")
    drawing = b'<svg xmlns="http://www.w3.org/2000/svg"><!--' + b" " * 1900 + b"--></svg>"
    assert len(drawing) <= 2000
    assert send(admin, logo=(drawing, "logo.svg")).status_code == 302
    big = drawing.replace(b"<!--", b"<!--" + b" " * 200)
    response = send(admin, logo=(big, "big.svg"))
    assert response.status_code == 400
    assert "the file is too large" in response.text
    assert saved(app).logo_sha256 == sha256(drawing).hexdigest()


@pytest.mark.parametrize("role", ["instructor", "officer", "trainee"])
def test_other_roles_neither_see_nor_change_the_identity(app, world, signed_in, role):
    client = signed_in(role)
    expected = 404 if role == "trainee" else 403
    assert client.get("/admin/organisation").status_code == expected
    assert send(client).status_code == expected
    assert saved(app) is None
    assert 'href="/admin/organisation"' not in client.get("/").text


def test_the_page_speaks_french_by_default(app, world, signed_in):
    page = signed_in("admin").get("/admin/organisation")
    assert page.status_code == 200
    assert 'lang="fr"' in page.text


def test_the_trail_keeps_each_change_with_the_logo_s_digest_not_its_bytes(app, world, signed_in):
    admin = signed_in("admin")
    png = uploads_data.png()
    assert send(admin, logo=(png, "logo.png")).status_code == 302
    assert send(admin, signing_place="Nîmes").status_code == 302
    with app.app_context():
        entries = list(
            db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity == "organisation")
                .order_by(AuditEntry.id)
            )
        )
        admin_id = db.session.scalar(select(User.id).where(User.role == "admin"))
    assert [entry.action for entry in entries] == ["insert", "update"]
    inserted = json.loads(entries[0].after)
    assert inserted["siret"] == SIRET
    assert inserted["logo_sha256"] == sha256(png).hexdigest()
    assert all(admin_id == entry.actor_id for entry in entries)
    assert json.loads(entries[1].before) == {"signing_place": "Montpellier"}
    assert json.loads(entries[1].after) == {"signing_place": "Nîmes"}
    trail = admin.get("/audit?lang=en")
    assert trail.status_code == 200
    assert "Organisation&#39;s identity" in trail.text or "Organisation’s identity" in trail.text
    assert "Nîmes" in trail.text


def test_a_certificate_made_after_the_identity_is_saved_names_its_legal_name(app, world, signed_in):
    assert send(signed_in("admin"), legal_name="Simplon Occitanie").status_code == 302
    with app.app_context():
        cohort, trainee = cohort_and_trainee()
        made = making.certificate(cohort, trainee, **dates(as_of=cohort.ends_on))
        text = text_of(made.path)
        author = read(made.path).metadata["/Author"]
    assert "development of skills Simplon Occitanie, certify that Ada LOVELACE" in text
    assert "Centre régional" not in text
    assert author == "Simplon Occitanie"


# --- The cohort's agreement -----------------------------------------------------------------


def test_the_cohort_form_keeps_the_agreement_number_and_title(app, world, signed_in):
    admin = signed_in("admin")
    form = admin.get("/cohorts/alpha/edit?lang=en")
    assert "Grant agreement number" in form.text
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        data = {
            "slug": cohort.slug,
            "name": cohort.name,
            "funder": cohort.funder,
            "starts_on": cohort.starts_on.strftime("%d/%m/%Y"),
            "ends_on": cohort.ends_on.strftime("%d/%m/%Y"),
            "grant_amount": str(cohort.grant_amount),
            "contracted_trainees": str(cohort.contracted_trainees),
            "planned_hours": "",
            "threshold_percent": "80",
            "morning_starts_at": "09:00",
            "morning_ends_at": "12:30",
            "afternoon_starts_at": "13:30",
            "afternoon_ends_at": "17:00",
            "agreement_number": " 2021-OCC-FPRO-0457 ",
            "title_in_agreement": "Développeur·se d'applications en intelligence artificielle",
        }
    response = admin.post("/cohorts/alpha/edit", data=data)
    assert response.status_code == 302, response.text
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
        assert cohort.agreement_number == "2021-OCC-FPRO-0457"
        assert cohort.title_in_agreement == (
            "Développeur·se d'applications en intelligence artificielle"
        )
    assert "2021-OCC-FPRO-0457" in admin.get("/cohorts/alpha/edit").text


def test_the_cohort_command_takes_the_agreement(app, run_tracker):
    result = run_tracker(
        "cohort", "create", "conv", "--name", "Conv", "--starts", "2024-01-08",
        "--ends", "2024-12-20", "--grant", "1000", "--agreement", "2024-OCC-0001",
        "--title-in-agreement", "Titre exact",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "conv"))
        assert (cohort.agreement_number, cohort.title_in_agreement) == (
            "2024-OCC-0001",
            "Titre exact",
        )


# --- The demo -------------------------------------------------------------------------------


def test_the_demo_fills_a_plausible_identity_and_agreement(app, demo):
    with app.app_context(), app.test_request_context("/?lang=en"), force_locale("en"):
        identity = queries.current()
        assert identity.legal_name == "Centre régional d'innovation de Montpellier"
        assert identity.name_in_sentence == "le Centre régional d'innovation de Montpellier"
        assert "Montpellier" in identity.address
        assert rules.siret_problem(identity.siret) is None
        assert rules.declaration_number_problem(identity.declaration_number) is None
        assert identity.declaration_region == "Occitanie"
        assert (identity.representative_name, identity.representative_title) == (
            "Claire Dumas",
            "directrice",
        )
        assert identity.signing_place == "Montpellier"
        logo = identity.logo_path.read_bytes()
        assert rules.logo_type(logo, field="Logo") == "image/svg+xml"
        assert identity.logo_content_type == "image/svg+xml"
        cohort = db.session.scalar(select(Cohort))
        assert cohort.agreement_number == DEMO_AGREEMENT == "2021-OCC-FPRO-0457"
        assert cohort.title_in_agreement == DEMO_TITLE_IN_AGREEMENT
    assert DEMO_IDENTITY["legal_name"] == identity.legal_name
