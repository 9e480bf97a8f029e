"""The certificate of completion on the Ministry of Labour's model, and the end-of-training
attestation (labour code, article L6353-1): read back from their PDFs, in French and English."""

import io
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from tests import uploads_data
from tests.world import build_world
from tracker import i18n
from tracker.attachments import PNG
from tracker.auth.models import User
from tracker.cohorts.models import Cohort, Competency, Module, Trainee
from tracker.cohorts.operations import create_cohort
from tracker.demo.operations import DEMO_AGREEMENT, DEMO_IDENTITY, DEMO_TITLE_IN_AGREEMENT
from tracker.extensions import db
from tracker.metrics.figures import cohort_figures
from tracker.metrics.loading import load_cohort_data
from tracker.organisation.operations import Logo, save_identity
from tracker.reports import making

END = date(2022, 12, 16)  # the last day of the test world's cohort
MADE_ON = date(2022, 12, 20)
LEFT_ON = date(2022, 3, 4)


def read(pdf) -> PdfReader:
    return PdfReader(io.BytesIO(pdf if isinstance(pdf, bytes) else pdf.read_bytes()))


def plain(text: str) -> str:
    """Collapse every kind of space (the French formats use no-break spaces)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def text_of(pdf) -> str:
    return plain(" ".join(page.extract_text() for page in read(pdf).pages))


@pytest.fixture
def world(world, app):
    """The test world (conftest.py), its organisation's identity (the demo's, with a PNG logo) and
    its cohort's grant agreement; Alan Turing (T02) left the course on 4 March 2022."""
    with app.app_context():
        logo = Logo("logo.png", PNG, uploads_data.png())
        save_identity(**DEMO_IDENTITY, logo=logo)
        cohort = alpha()
        cohort.agreement_number = DEMO_AGREEMENT
        cohort.title_in_agreement = DEMO_TITLE_IN_AGREEMENT
        trainee(cohort, "T02").left_on = LEFT_ON
        db.session.commit()
    return world


def alpha() -> Cohort:
    return db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))


def trainee(cohort: Cohort, ref: str) -> Trainee:
    return db.session.scalar(
        select(Trainee).where(Trainee.cohort_id == cohort.id, Trainee.ref == ref)
    )


def make(kind: str, cohort: Cohort, ref: str, language: str, as_of: date = END):
    maker = making.certificate if kind == "certificate" else making.attestation
    return maker(cohort, trainee(cohort, ref), as_of=as_of, language=language, made_on=MADE_ON).path


def realised(app, language: str, slug: str, ref: str, as_of: date = END) -> str:
    """The trainee's attended hours as `tracker metrics` counts them, as the reports print them."""
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
        figures = cohort_figures(load_cohort_data(cohort, as_of))
        mine = next(t for t in figures.trainees if t.ref == ref)
        with force_locale(i18n.LOCALES[language]):
            return plain(i18n.number(mine.attendance.attended_minutes / 60))


def hours(app, language: str, value: float) -> str:
    with app.app_context(), force_locale(i18n.LOCALES[language]):
        return plain(i18n.hours(value))


# ---------------------------------------------------------------------------------------------
# What they say

ORGANISATION = "Centre régional d'innovation de Montpellier"
ISSUER = {
    "fr": [
        "125 rue de l'Industrie · 34000 Montpellier",
        "SIRET 83451290700017",
        "Déclaration d’activité enregistrée sous le numéro 76340000034 auprès du préfet de la "
        "région Occitanie",
        "Fait à Montpellier, le 20/12/2022.",
        "Claire Dumas, directrice",
        "Cachet et signature du dispensateur",
    ],
    "en": [
        "125 rue de l'Industrie · 34000 Montpellier",
        "SIRET 83451290700017",
        "Declaration of activity no. 76340000034, registered with the prefect of the region "
        "Occitanie",
        "Made in Montpellier, on 20/12/2022.",
        "Claire Dumas, directrice",
        "Stamp and signature of the provider",
    ],
}


def ministry_statement(language: str, name: str, course: str, end: str, realised: str) -> str:
    if language == "fr":
        return (
            "Je soussigné(e) Claire Dumas, directrice, représentant(e) légal(e) du dispensateur "
            "de l’action concourant au développement des compétences "
            f"{ORGANISATION}, atteste qu’{name} a suivi l’action {course}, de nature action "
            f"de formation, qui s’est déroulée du 03/01/2022 au {end}, pour une durée de "
            f"{realised} heures."
        )
    return (
        "I, the undersigned Claire Dumas, directrice, legal representative of the provider of the "
        f"action contributing to the development of skills {ORGANISATION}, certify that {name} "
        f"followed the action {course}, of the nature of a training action, which took place "
        f"from 03/01/2022 to {end}, for a duration of {realised} hours."
    )


COMMITMENT = {
    "fr": "Le dispensateur s’engage à conserver l’ensemble des pièces justificatives qui ont "
    "permis d’établir le présent certificat pendant une durée de 3 ans à compter de la fin de "
    "l’année du dernier paiement.",
    "en": "The provider undertakes to keep all the supporting documents used to establish this "
    "certificate for a period of 3 years from the end of the year of the last payment.",
}
AGREEMENT = {
    "fr": f"Convention de financement n° {DEMO_AGREEMENT}.",
    "en": f"Grant agreement no. {DEMO_AGREEMENT}.",
}
TITLES = {
    "certificate": {"fr": "Certificat de réalisation", "en": "Certificate of completion"},
    "attestation": {"fr": "Attestation de fin de formation", "en": "End-of-training attestation"},
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_certificate_follows_the_ministrys_model(app, world, language):
    with app.app_context():
        path = make("certificate", alpha(), "T01", language)
    text = text_of(path)
    hours_done = realised(app, language, "alpha", "T01")
    assert hours_done == {"fr": "3,50", "en": "3.50"}[language]
    assert TITLES["certificate"][language] in text
    assert TITLES["attestation"][language] not in text
    statement = ministry_statement(
        language, "Ada LOVELACE", DEMO_TITLE_IN_AGREEMENT, "16/12/2022", hours_done
    )
    assert statement in text
    assert AGREEMENT[language] in text
    assert COMMITMENT[language] in text
    assert ORGANISATION.upper() in text
    for element in ISSUER[language]:
        assert element in text, element
    # The logo, an image of its own.
    assert len(read(path).pages[0].images) == 1


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_trainee_who_left_is_certified_until_the_day_they_left(app, world, language):
    with app.app_context():
        path = make("certificate", alpha(), "T02", language)
    text = text_of(path)
    hours_done = realised(app, language, "alpha", "T02")
    statement = ministry_statement(
        language, "Alan TURING", DEMO_TITLE_IN_AGREEMENT, "04/03/2022", hours_done
    )
    assert statement in text
    assert "16/12/2022 " not in text.replace("as of 16/12/2022", "").replace("au 16/12/2022", "")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_without_its_agreement_the_certificate_names_the_cohort_and_leaves_blanks(app, language):
    # Before anyone fills the identity or the agreement: the cohort's name, lines to write on,
    # and no place, agreement or logo.
    with app.app_context():
        build_world()
        db.session.commit()
        path = make("certificate", alpha(), "T01", language)
    text = text_of(path)
    assert {"fr": "l’action IA promotion 1, de nature", "en": "the action IA promotion 1, of"}[
        language
    ] in text
    assert {"fr": "Je soussigné(e) ……", "en": "I, the undersigned ……"}[language] in text
    assert {"fr": "Fait le 20/12/2022.", "en": "Made on 20/12/2022."}[language] in text
    assert AGREEMENT[language] not in text and "SIRET" not in text
    assert COMMITMENT[language] in text
    assert len(read(path).pages[0].images) == 0


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_attestation_gives_objectives_nature_dates_hours_and_results(app, world, language):
    with app.app_context():
        ada = text_of(make("attestation", alpha(), "T01", language))
        alan = text_of(make("attestation", alpha(), "T02", language))
        figures = cohort_figures(load_cohort_data(alpha(), END))
    passed = {t.ref: t.modules_passed for t in figures.trainees}
    acquired = {t.ref: t.competencies_acquired for t in figures.trainees}
    assert passed == {"T01": ("M1",), "T02": ()}
    assert acquired == {"T01": ("C1",), "T02": ()}
    words = {
        "fr": {
            "statement": f"Je soussigné(e) Claire Dumas, directrice, représentant(e) légal(e) de "
            f"{ORGANISATION}, atteste qu’{{name}} a suivi la formation décrite ci-dessous.",
            "law": "Délivrée en application de l’article L6353-1 du code du travail.",
            "course": f"Formation {DEMO_TITLE_IN_AGREEMENT}",
            "agreement": f"Convention de financement {DEMO_AGREEMENT} (Région Occitanie)",
            "nature": "Nature de l’action Action de formation (article L6313-1 du code du travail)",
            "completed": "Dates du 03/01/2022 au 16/12/2022, jusqu’à la fin de la formation.",
            "left": "Dates du 03/01/2022 au 04/03/2022, date de sa sortie de la formation.",
            "planned": "Durée prévue de la formation",
            "realised": "Durée suivie (heures réalisées)",
            "objectives": "Objectifs de la formation La formation vise les compétences "
            "enseignées par ses modules : Python",
            "results": "Résultats de l’évaluation des acquis",
            "block": "B1 C1 — Programmer en Python",
            "acquired": "1 compétence acquise sur 1",
            "not acquired": "0 compétence acquise sur 1",
            "competency yes": "C1 — Programmer en Python acquis",
            "competency no": "C1 — Programmer en Python non acquis",
            "validated": "1 module validé sur 1",
            "not validated": "0 module validé sur 1",
            "module yes": "validé",
            "module no": "non validé",
        },
        "en": {
            "statement": f"I, the undersigned Claire Dumas, directrice, legal representative of "
            f"{ORGANISATION}, certify that {{name}} followed the training described below.",
            "law": "Issued under article L6353-1 of the French labour code.",
            "course": f"Course {DEMO_TITLE_IN_AGREEMENT}",
            "agreement": f"Grant agreement {DEMO_AGREEMENT} (Région Occitanie)",
            "nature": "Nature of the action Training action (article L6313-1 of the labour code)",
            "completed": "Dates from 03/01/2022 to 16/12/2022, until the end of the course.",
            "left": "Dates from 03/01/2022 to 04/03/2022, when the trainee left the course.",
            "planned": "Planned length of the course",
            "realised": "Length followed (hours attended)",
            "objectives": "Objectives of the course The course aims at the skills taught by its "
            "modules: Python",
            "results": "Results of the assessment",
            "block": "B1 C1 — Programmer en Python",
            "acquired": "1 competency acquired of 1",
            "not acquired": "0 competencies acquired of 1",
            "competency yes": "C1 — Programmer en Python acquired",
            "competency no": "C1 — Programmer en Python not acquired",
            "validated": "1 module validated of 1",
            "not validated": "0 modules validated of 1",
            "module yes": "validated",
            "module no": "not validated",
        },
    }[language]
    planned = hours(app, language, 420)
    for text, name, dates, done in (
        (ada, "Ada LOVELACE", "completed", realised(app, language, "alpha", "T01")),
        (alan, "Alan TURING", "left", realised(app, language, "alpha", "T02")),
    ):
        assert TITLES["attestation"][language] in text
        assert words["statement"].format(name=name) in text
        for key in ("law", "course", "agreement", "nature", "objectives", "results", "block"):
            assert words[key] in text, key
        assert words[dates] in text
        assert f"{words['planned']} {planned}" in text
        assert f"{words['realised']} {done} h" in text
        for element in ISSUER[language]:
            assert element in text, element
    grade = {"fr": "15,00", "en": "15.00"}[language]
    assert words["acquired"] in ada and words["competency yes"] in ada
    assert words["validated"] in ada
    assert f"M1 — Python {planned} {grade} {words['module yes']}" in ada
    assert words["not acquired"] in alan and words["competency no"] in alan
    assert words["not validated"] in alan and words["module no"] in alan


@pytest.mark.parametrize("language", ["fr", "en"])
def test_without_competencies_the_attestation_gives_the_results_by_module(app, world, language):
    with app.app_context():
        for competency in db.session.scalars(select(Competency)):
            db.session.delete(competency)
        db.session.commit()
        text = text_of(make("attestation", alpha(), "T01", language))
    assert {
        "fr": "Aucune compétence de certification n’est définie pour cette formation : les "
        "résultats sont donnés par module ci-dessous.",
        "en": "No competency of a certification is defined for this course: the results are "
        "given by module below.",
    }[language] in text
    assert {"fr": "1 module validé sur 1", "en": "1 module validated of 1"}[language] in text


# ---------------------------------------------------------------------------------------------
# Other planned hours


@pytest.mark.parametrize("language", ["fr", "en"])
def test_both_give_the_cohorts_own_planned_hours(app, world, language):
    with app.app_context():
        cohort = create_cohort(
            slug="long",
            name="IA longue",
            funder="Région Occitanie",
            starts_on=date(2022, 1, 3),
            ends_on=END,
            grant_amount=Decimal("273000"),
            planned_hours_per_trainee=Decimal(1200),
        )
        cohort.title_in_agreement = "Concepteur·rice d'IA — parcours long"
        db.session.add(Module(cohort=cohort, code="M1", title="Python", planned_minutes=420 * 60))
        db.session.add(
            Trainee(
                cohort=cohort,
                ref="T01",
                first_name="Ada",
                last_name="Lovelace",
                email="ada.long@example.org",
                enrolled_on=date(2022, 1, 3),
            )
        )
        db.session.commit()
        certificate = text_of(make("certificate", cohort, "T01", language))
        attestation = text_of(make("attestation", cohort, "T01", language))
    planned = {"fr": "Durée prévue de la formation", "en": "Planned length of the course"}
    for text in (certificate, attestation):
        assert f"{planned[language]} {hours(app, language, 1200)}" in text
        assert "Concepteur·rice d'IA — parcours long" in text
    # The modules' 420 h appear only as the module's own hours on the attestation.
    assert hours(app, language, 420) not in certificate
    assert attestation.count(hours(app, language, 420)) == 1


# ---------------------------------------------------------------------------------------------
# On the page


def text_positions(page) -> list[tuple[float, float, str]]:
    """Each text run of a page with the point where it starts, in points from the page's
    lower left corner."""
    runs = []

    def visit(text, cm, tm, *_):
        a, b, c, d, e, f = (float(n) for n in cm)
        x, y = float(tm[4]), float(tm[5])
        if text.strip():
            runs.append((a * x + c * y + e, b * x + d * y + f, text))

    page.extract_text(visitor_text=visit)
    return runs


MM = 72 / 25.4


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("ref", ["T01", "T02"])
def test_the_certificate_is_one_page_with_everything_inside_its_frame(app, world, language, ref):
    with app.app_context():
        cohort = alpha()
        # Long names: the statement runs over more lines.
        who = trainee(cohort, ref)
        who.first_name = "Marie-Élisabeth Geneviève"
        who.last_name = "de La Rochefoucauld-Montmorency"
        db.session.commit()
        path = make("certificate", cohort, ref, language)
    reader = read(path)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    runs = text_positions(page)
    assert all(0 <= x < width and 0 <= y < height for x, y, _ in runs), runs
    # Inside the frame (the page area: 15 mm from the sides, 21 mm from the top and 18 mm from
    # the foot) but for the running header and footer.
    inside = [
        (x, y, text)
        for x, y, text in runs
        if 15 * MM - 0.5 < x < width - 15 * MM and 18 * MM < y < height - 21 * MM
    ]
    outside = [text for x, y, text in runs if (x, y, text) not in inside]
    assert len(outside) <= 4, outside
    footer = {"fr": "Page 1 sur 1", "en": "Page 1 of 1"}[language]
    assert plain(page.extract_text()).endswith(footer)
    inside_text = plain(" ".join(text for _, _, text in inside))
    assert "ROCHEFOUCAULD-MONTMORENCY" in inside_text
    assert COMMITMENT[language][-30:] in inside_text
    assert ISSUER[language][-1] in inside_text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_short_courses_attestation_is_one_page_inside_its_margins(app, world, language):
    with app.app_context():
        path = make("attestation", alpha(), "T02", language)
    reader = read(path)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    runs = text_positions(page)
    assert all(0 <= x < width and 0 <= y < height for x, y, _ in runs), runs
    body = [text for x, y, text in runs if 18 * MM < y < height - 21 * MM]
    assert all(15 * MM - 0.5 < x < width - 15 * MM for x, y, _ in runs if _ in body)
    assert ISSUER[language][-1] in plain(" ".join(body))


# ---------------------------------------------------------------------------------------------
# Where to get them


def client_of(app, login_as, email: str):
    client = app.test_client()
    with app.app_context():
        login_as(client, db.session.scalar(select(User).where(User.email == email)))
    return client


def test_a_trainee_downloads_their_own_attestation_only(app, world, login_as):
    client = client_of(app, login_as, "ada@example.org")
    response = client.get("/cohorts/alpha/trainees/T01/attestation.pdf?as_of=2022-12-16&lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert (
        response.headers["Content-Disposition"]
        == "attachment; filename=alpha_T01_attestation_2022-12-16_en.pdf"
    )
    assert "End-of-training attestation" in text_of(response.data)
    assert client.get("/cohorts/alpha/trainees/T02/attestation.pdf").status_code == 404
    assert client.get("/cohorts/beta/trainees/T01/attestation.pdf").status_code == 404


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("region@laregion.fr", 403),  # officer: no trainee's documents, as the certificate
        ("autre@centre.fr", 404),  # an instructor of another cohort
        ("prof@centre.fr", 200),  # the cohort's instructor
        ("admin@centre.fr", 200),
    ],
)
def test_the_attestation_goes_to_whom_the_certificate_goes(app, world, login_as, email, status):
    client = client_of(app, login_as, email)
    for document in ("certificate", "attestation"):
        url = f"/cohorts/alpha/trainees/T02/{document}.pdf?as_of=2022-06-30"
        assert client.get(url).status_code == status, (document, email)


def test_the_trainee_page_links_to_the_certificate_and_the_attestation(app, world, login_as):
    client = client_of(app, login_as, "ada@example.org")
    page = client.get("/cohorts/alpha/trainees/T01?as_of=2022-06-30&lang=en").get_data(as_text=True)
    assert "/cohorts/alpha/trainees/T01/certificate.pdf?as_of=2022-06-30" in page
    assert "/cohorts/alpha/trainees/T01/attestation.pdf?as_of=2022-06-30" in page
    assert "End-of-training attestation (PDF)" in page


def test_report_attestation_and_report_all_write_it(app, world, run_tracker, tmp_path):
    out = tmp_path / "one"
    result = run_tracker(
        "report", "attestation", "alpha", "T02", "--as-of", "2022-12-16", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert [path.name for path in out.iterdir()] == ["alpha_T02_attestation_2022-12-16_fr.pdf"]
    assert "Attestation de fin de formation" in text_of(next(out.iterdir()))
    wrong = run_tracker("report", "attestation", "alpha", "T99")
    assert wrong.exit_code == 1 and "has no trainee 'T99'" in wrong.output
    every = tmp_path / "all"
    result = run_tracker("report", "all", "alpha", "--as-of", "2022-12-16", "--out", str(every))
    assert result.exit_code == 0, result.output
    names = {path.name for path in every.iterdir()}
    for ref in ("T01", "T02"):
        assert f"alpha_{ref}_certificate_2022-12-16_fr.pdf" in names
        assert f"alpha_{ref}_attestation_2022-12-16_fr.pdf" in names
