"""Administration of cohorts, curriculum and trainees: forms that save, and refuse with a reason."""

from datetime import date, time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.pages_data import csrf_token
from tracker.auth.models import User
from tracker.cohorts.forms import TraineeForm
from tracker.cohorts.models import Cohort, Competency, Module, Trainee
from tracker.cohorts.operations import (
    CohortError,
    HalfDayTimes,
    record_withdrawal,
    save_module,
    save_trainee,
    update_cohort,
)
from tracker.extensions import db

CODE_RULE = (
    "Up to 32 letters without accents, digits, dashes (-), underscores (_) or dots (.),"
    " starting with a letter or a digit."
)


@pytest.fixture
def admin(app, login_as, world):
    """A test client signed in as the administrator, CSRF checks on."""
    client = app.test_client()
    with app.app_context():
        login_as(client, db.session.get(User, world.accounts["admin"]))
    return client


def post(client, url: str, data: dict):
    """Fill a form as a browser would: fetch the page for its CSRF token, then send it."""
    token = csrf_token(client.get(url).text)
    return client.post(url + "?lang=en", data={**data, "csrf_token": token})


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def one(app, model, **where):
    with app.app_context():
        row = db.session.scalar(select(model).filter_by(**where))
        db.session.expunge_all()
        return row


COHORT = {
    "name": "IA promotion 3",
    "slug": "ia-3",
    "funder": "Région Occitanie",
    "starts_on": "05/09/2025",
    "ends_on": "2027-02-26",
    "grant_amount": "273 000,50",
    "contracted_trainees": "24",
    "planned_hours": "1 400,5",
    "threshold_percent": "75",
    "morning_starts_at": "08:45",
    "morning_ends_at": "12:15",
    "afternoon_starts_at": "13h15",
    "afternoon_ends_at": "16:45",
}


def test_an_admin_creates_a_cohort_with_french_numbers(app, admin):
    response = post(admin, "/cohorts/new", COHORT)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cohorts/ia-3/curriculum")
    cohort = one(app, Cohort, slug="ia-3")
    assert cohort.grant_amount == Decimal("273000.50")
    assert cohort.starts_on == date(2025, 9, 5)
    assert cohort.ends_on == date(2027, 2, 26)
    assert cohort.contracted_trainees == 24
    assert cohort.planned_minutes_per_trainee == 1400 * 60 + 30
    assert cohort.attendance_threshold == 0.75
    assert (
        cohort.morning_starts_at,
        cohort.morning_ends_at,
        cohort.afternoon_starts_at,
        cohort.afternoon_ends_at,
    ) == (time(8, 45), time(12, 15), time(13, 15), time(16, 45))


def test_a_new_cohort_form_offers_the_usual_times_of_the_half_days(admin):
    page = admin.get("/cohorts/new?lang=en").text
    for name, shown in (
        ("morning_starts_at", "09:00"),
        ("morning_ends_at", "12:30"),
        ("afternoon_starts_at", "13:30"),
        ("afternoon_ends_at", "17:00"),
    ):
        assert f'id="{name}" name="{name}" required type="time" value="{shown}"' in page


def test_an_admin_changes_the_times_of_a_cohorts_half_days(app, admin):
    page = admin.get("/cohorts/alpha/edit?lang=en").text
    assert 'name="morning_starts_at" required type="time" value="09:00"' in page
    changed = {
        **COHORT,
        "slug": "alpha",
        "morning_starts_at": "08:30",
        "afternoon_ends_at": "17:30",
    }
    response = post(admin, "/cohorts/alpha/edit", changed)
    assert response.status_code == 302
    cohort = one(app, Cohort, slug="alpha")
    assert (cohort.morning_starts_at, cohort.afternoon_ends_at) == (time(8, 30), time(17, 30))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": "01/09/2025"}, "ends_on", "The last day must be on or after the first day."),
        ({"slug": "alpha"}, "slug", "Another cohort already uses this short name."),
        (
            {"slug": "IA 3"},
            "slug",
            "Up to 64 lowercase letters without accents, digits and dashes (-).",
        ),
        (
            {"grant_amount": "beaucoup"},
            "grant_amount",
            "Enter an amount in euros, such as 1234.50.",
        ),
        ({"grant_amount": "10,123"}, "grant_amount", "Enter at most 2 decimals (cents)."),
        ({"grant_amount": "-5"}, "grant_amount", "Enter an amount without a minus sign."),
        ({"contracted_trainees": "2,5"}, "contracted_trainees", "Enter a whole number."),
        ({"contracted_trainees": "0"}, "contracted_trainees", "At least 1 trainee."),
        ({"threshold_percent": "120"}, "threshold_percent", "Between 0 and 100."),
        ({"starts_on": "31/02/2025"}, "starts_on", "Enter a real date as DD/MM/YYYY"),
        ({"name": ""}, "name", "This field is required."),
        ({"morning_starts_at": ""}, "morning_starts_at", "This field is required."),
        (
            {"morning_ends_at": "25:00"},
            "morning_ends_at",
            "Enter a time as HH:MM, for example 09:00.",
        ),
        (
            {"afternoon_starts_at": "after lunch"},
            "afternoon_starts_at",
            "Enter a time as HH:MM, for example 09:00.",
        ),
        (
            {"morning_ends_at": "08:45"},
            "morning_ends_at",
            "The morning must end after it starts (08:45).",
        ),
        (
            {"afternoon_starts_at": "12:00"},
            "afternoon_starts_at",
            "The afternoon must start once the morning has ended (12:15).",
        ),
        (
            {"afternoon_ends_at": "13:00"},
            "afternoon_ends_at",
            "The afternoon must end after it starts (13:15).",
        ),
    ],
)
def test_a_wrong_cohort_is_refused_beside_its_field(app, admin, changes, field, message):
    before = count(app, Cohort)
    response = post(admin, "/cohorts/new", {**COHORT, **changes})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert f'aria-describedby="{field}-error"' in response.text or (
        f'{field}-hint {field}-error"' in response.text
    )
    assert count(app, Cohort) == before


def test_a_form_without_its_csrf_token_changes_nothing(app, admin):
    response = admin.post("/cohorts/new", data=COHORT)
    assert response.status_code == 400
    assert one(app, Cohort, slug="ia-3") is None


def test_an_admin_edits_a_cohort_and_may_change_its_slug(app, admin):
    page = admin.get("/cohorts/alpha/edit?lang=en").text
    assert 'value="273000.00"' in page and 'value="80"' in page
    data = {**COHORT, "slug": "alpha-1", "name": "IA promotion 1 bis"}
    response = post(admin, "/cohorts/alpha/edit", data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cohorts/alpha-1")
    assert one(app, Cohort, slug="alpha-1").name == "IA promotion 1 bis"
    assert one(app, Cohort, slug="alpha") is None


def test_a_cohort_keeps_its_own_slug_and_is_shown_in_french_by_default(app, admin):
    page = admin.get("/cohorts/alpha/edit").text
    assert 'value="273000,00"' in page
    response = post(admin, "/cohorts/alpha/edit", {**COHORT, "slug": "alpha"})
    assert response.status_code == 302


def test_a_refused_edit_changes_nothing(app, admin):
    response = post(admin, "/cohorts/alpha/edit", {**COHORT, "slug": "beta", "name": "X"})
    assert response.status_code == 422
    assert one(app, Cohort, slug="alpha").name == "IA promotion 1"


MODULE = {
    "code": "M2",
    "title": "Data engineering",
    "planned_hours": "52,5",
    "starts_on": "04/10/2022",
    "ends_on": "29/10/2022",
    "pass_mark": "12",
}


def test_an_admin_adds_and_edits_a_module_with_its_competencies(app, admin):
    with app.app_context():
        competency = db.session.scalar(select(Competency.id).where(Competency.code == "C1"))
    response = post(
        admin, "/cohorts/alpha/curriculum/modules/new", {**MODULE, "competencies": [competency]}
    )
    assert response.status_code == 302
    with app.app_context():
        module = db.session.scalar(select(Module).where(Module.code == "M2"))
        assert module.planned_minutes == 52 * 60 + 30
        assert module.pass_mark == 12
        assert [c.code for c in module.competencies] == ["C1"]
    response = post(
        admin, "/cohorts/alpha/curriculum/modules/M2/edit", {**MODULE, "title": "Données"}
    )
    assert response.status_code == 302
    with app.app_context():
        module = db.session.scalar(select(Module).where(Module.code == "M2"))
        assert module.title == "Données"
        assert module.competencies == []
    page = admin.get("/cohorts/alpha/curriculum?lang=en").text
    assert "Données" in page and "52.50\u00a0h" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "M1"}, "code", "This code is already used in this cohort."),
        ({"code": "M/2"}, "code", CODE_RULE),
        ({"code": "Module 2"}, "code", CODE_RULE),
        ({"pass_mark": "25"}, "pass_mark", "Between 0 and 20."),
        ({"planned_hours": ""}, "planned_hours", "This field is required."),
        ({"ends_on": "01/10/2022"}, "ends_on", "The last day must be on or after the first day."),
        ({"competencies": ["9999"]}, "competencies", "not a valid choice"),
    ],
)
def test_a_wrong_module_is_refused(app, admin, changes, field, message):
    before = count(app, Module)
    response = post(admin, "/cohorts/alpha/curriculum/modules/new", {**MODULE, **changes})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert count(app, Module) == before


def test_a_module_of_another_cohort_is_not_found(app, admin):
    assert admin.get("/cohorts/beta/curriculum/modules/M1/edit").status_code == 404


def test_an_admin_adds_and_edits_a_competency(app, admin):
    response = post(
        admin,
        "/cohorts/alpha/curriculum/competencies/new",
        {"code": "C2", "title": "Manipuler des données", "block": "B2"},
    )
    assert response.status_code == 302
    response = post(
        admin,
        "/cohorts/alpha/curriculum/competencies/C2/edit",
        {"code": "C2", "title": "Préparer des données", "block": "B2"},
    )
    assert response.status_code == 302
    assert one(app, Competency, code="C2").title == "Préparer des données"
    response = post(
        admin,
        "/cohorts/alpha/curriculum/competencies/C2/edit",
        {"code": "C1", "title": "Doublon", "block": ""},
    )
    assert response.status_code == 422
    assert "This code is already used in this cohort." in response.text
    assert one(app, Competency, code="C2").title == "Préparer des données"


def test_a_competency_code_holds_only_letters_digits_dashes_underscores_and_dots(app, admin):
    response = post(
        admin, "/cohorts/alpha/curriculum/competencies/new", {"code": "C/2", "title": "Données"}
    )
    assert response.status_code == 422
    assert CODE_RULE in response.text
    assert count(app, Competency) == 1


TRAINEE = {
    "ref": "T03",
    "first_name": "Grace",
    "last_name": "Hopper",
    "email": "Grace.Hopper@example.org",
    "enrolled_on": "10/01/2022",
}


def test_an_admin_enrols_and_edits_a_trainee(app, admin):
    response = post(admin, "/cohorts/alpha/trainees/new", TRAINEE)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cohorts/alpha/trainees")
    with app.app_context():
        trainee = db.session.scalar(
            select(Trainee).join(Cohort).where(Cohort.slug == "alpha", Trainee.ref == "T03")
        )
        assert trainee.enrolled_on == date(2022, 1, 10)
        assert trainee.email == "grace.hopper@example.org"
    response = post(admin, "/cohorts/alpha/trainees/T03/edit", {**TRAINEE, "ref": "T04"})
    assert response.status_code == 302
    page = admin.get("/cohorts/alpha/trainees?lang=en").text
    assert "T04" in page and "Grace Hopper" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ref": "T02"}, "ref", "Another trainee of this cohort has this reference."),
        ({"ref": "T/03"}, "ref", CODE_RULE),
        ({"ref": "T" * 33}, "ref", CODE_RULE),
        ({"ref": ".."}, "ref", CODE_RULE),
        ({"email": "grace"}, "email", "Enter an email address"),
        ({"enrolled_on": ""}, "enrolled_on", "This field is required."),
        ({"last_name": "   "}, "last_name", "This field is required."),
    ],
)
def test_a_wrong_trainee_is_refused(app, admin, changes, field, message):
    before = count(app, Trainee)
    response = post(admin, "/cohorts/alpha/trainees/new", {**TRAINEE, **changes})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert count(app, Trainee) == before


def test_the_same_reference_may_be_used_in_another_cohort(app, admin):
    response = post(admin, "/cohorts/beta/trainees/new", {**TRAINEE, "ref": "T02"})
    assert response.status_code == 302


def test_an_admin_records_a_withdrawal(app, admin):
    response = post(
        admin,
        "/cohorts/alpha/trainees/T02/withdrawal",
        {"left_on": "15/03/2022", "reason": "A trouvé un emploi"},
    )
    assert response.status_code == 302
    trainee = one(app, Trainee, ref="T02", first_name="Alan")
    assert trainee.left_on == date(2022, 3, 15)
    assert trainee.exit_reason == "A trouvé un emploi"
    page = admin.get("/cohorts/alpha?as_of=2022-03-31&lang=en").text
    assert "withdrawn" in page
    listing = admin.get("/cohorts/alpha/trainees?lang=en").text
    assert "15/03/2022" in listing and "A trouvé un emploi" in listing


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"left_on": "01/01/2022", "reason": "Départ"}, "left_on", "they cannot leave before"),
        ({"left_on": "15/03/2022", "reason": "  "}, "reason", "Give the reason for leaving."),
        ({"left_on": "", "reason": "Départ"}, "left_on", "This field is required."),
    ],
)
def test_a_wrong_withdrawal_is_refused(app, admin, data, field, message):
    response = post(admin, "/cohorts/alpha/trainees/T02/withdrawal", data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    trainee = one(app, Trainee, ref="T02", first_name="Alan")
    assert trainee.left_on is None and trainee.exit_reason is None


def test_enrolment_cannot_move_after_the_day_the_trainee_left(app, admin):
    post(
        admin,
        "/cohorts/alpha/trainees/T02/withdrawal",
        {"left_on": "15/03/2022", "reason": "Départ"},
    )
    data = {**TRAINEE, "ref": "T02", "enrolled_on": "01/04/2022"}
    response = post(admin, "/cohorts/alpha/trainees/T02/edit", data)
    assert response.status_code == 422
    assert "The trainee left on 15/03/2022" in response.text
    assert one(app, Trainee, ref="T02", first_name="Alan").enrolled_on == date(2022, 1, 3)


def test_the_code_fields_say_which_characters_a_code_may_hold(admin):
    for url in (
        "/cohorts/alpha/trainees/new",
        "/cohorts/alpha/curriculum/modules/new",
        "/cohorts/alpha/curriculum/competencies/new",
    ):
        page = admin.get(url + "?lang=fr").text
        assert "Jusqu’à 32 lettres sans accent, chiffres, tirets (-), tirets bas (_)" in page
    page = admin.get("/cohorts/new?lang=fr").text
    assert "Jusqu’à 64 lettres minuscules sans accent, chiffres et tirets" in page


def test_a_refusal_of_the_operation_is_shown_in_french(app, admin, monkeypatch):
    # Another administrator enrolled T02 between the form's check and the save.
    monkeypatch.setattr(TraineeForm, "validate_ref", lambda form, field: None)
    url = "/cohorts/alpha/trainees/new"
    token = csrf_token(admin.get(url).text)
    response = admin.post(url + "?lang=fr", data={**TRAINEE, "ref": "T02", "csrf_token": token})
    assert response.status_code == 422
    assert "T02 est déjà inscrit dans cette promotion" in response.text
    assert count(app, Trainee) == 3


# The operations check the same rules as the forms, for callers other than the pages.


def test_operations_refuse_what_breaks_a_rule(app_context, world):
    alpha = db.session.scalar(select(Cohort).where(Cohort.slug == "alpha"))
    terms = {
        "slug": "beta",
        "name": "X",
        "starts_on": date(2022, 1, 1),
        "ends_on": date(2022, 12, 1),
        "grant_amount": Decimal(1),
        "contracted_trainees": 1,
        "planned_hours_per_trainee": None,
        "funder": "",
        "attendance_threshold": Decimal("0.8"),
    }
    with pytest.raises(CohortError, match="slug: a cohort beta already exists") as error:
        update_cohort(alpha, **terms)
    assert error.value.field == "slug"
    late_morning = HalfDayTimes(time(9), time(9), time(13, 30), time(17))
    with pytest.raises(
        CohortError, match=r"morning_ends_at: the morning must end after it starts \(09:00\)"
    ):
        update_cohort(alpha, **{**terms, "slug": "alpha", "half_days": late_morning})
    overlapping = HalfDayTimes(time(9), time(14), time(13, 30), time(17))
    with pytest.raises(CohortError, match="afternoon_starts_at: the afternoon must start once"):
        update_cohort(alpha, **{**terms, "slug": "alpha", "half_days": overlapping})
    with pytest.raises(CohortError, match="code: M1 is already used"):
        save_module(alpha, None, code="M1", title="Bis", planned_hours=Decimal(1))
    with pytest.raises(CohortError, match="pass_mark"):
        save_module(alpha, None, code="M9", title="Bis", planned_hours=Decimal(1), pass_mark=21)
    with pytest.raises(CohortError, match="ref: 'T/1' is not a code"):
        save_trainee(
            alpha,
            None,
            ref="T/1",
            first_name="A",
            last_name="B",
            email="a@b.fr",
            enrolled_on=date(2022, 1, 3),
        )
    with pytest.raises(CohortError, match="code: 'M 9' is not a code"):
        save_module(alpha, None, code="M 9", title="Bis", planned_hours=Decimal(1))
    with pytest.raises(CohortError, match="ref: T01 is already enrolled"):
        save_trainee(
            alpha,
            None,
            ref="T01",
            first_name="A",
            last_name="B",
            email="a@b.fr",
            enrolled_on=date(2022, 1, 3),
        )
    trainee = db.session.scalar(select(Trainee).where(Trainee.cohort_id == alpha.id))
    with pytest.raises(CohortError, match="left_on"):
        record_withdrawal(trainee, left_on=date(2021, 1, 1), reason="x")
    with pytest.raises(CohortError, match="reason"):
        record_withdrawal(trainee, left_on=date(2022, 6, 1), reason=" ")
    beta = db.session.scalar(select(Cohort).where(Cohort.slug == "beta"))
    foreign = Competency(cohort_id=beta.id, code="CX", title="Ailleurs")
    db.session.add(foreign)
    db.session.flush()
    with pytest.raises(CohortError, match="competencies"):
        save_module(
            alpha, None, code="M9", title="Bis", planned_hours=Decimal(1), competencies=[foreign]
        )
