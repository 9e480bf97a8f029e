"""The administrator's account pages: create, edit links, disable, reset a password."""

import pytest
from sqlalchemy import func, select

from tests.world import PASSWORD
from tracker.auth.models import LoginSession, User
from tracker.auth.passwords import verify_password
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db

pytestmark = pytest.mark.usefixtures("without_csrf")


@pytest.fixture
def admin(app, world, login_as):
    with app.app_context():
        return login_as(app.test_client(), db.session.get(User, world.accounts["admin"]))


def accounts() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_the_list_shows_every_account_with_its_links(admin):
    page = admin.get("/admin/accounts?lang=en")
    assert page.status_code == 200
    for email in ("admin@centre.fr", "prof@centre.fr", "region@laregion.fr", "ada@example.org"):
        assert email in page.text
    assert "T01 · Ada Lovelace" in page.text
    assert "Region officer" in page.text


def test_an_instructor_account_is_created_with_its_cohorts(app, admin):
    with app.app_context():
        alpha = db.session.scalar(select(Cohort.id).where(Cohort.slug == "alpha"))
    response = admin.post(
        "/admin/accounts/new",
        data={
            "email": "Nouveau@Centre.fr",
            "name": "Nouveau Prof",
            "role": "instructor",
            "password": "first-password",
            "cohorts": [alpha],
            "trainee": 0,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nouveau@centre.fr"))
        assert user.role == "instructor"
        assert [cohort.slug for cohort in user.cohorts] == ["alpha"]
        assert verify_password(user.password_hash, "first-password")


def test_a_trainee_account_is_linked_to_a_trainee_without_one(app, admin):
    with app.app_context():
        alan = db.session.scalar(select(Trainee).where(Trainee.ref == "T02"))
        ada = db.session.scalar(
            select(Trainee).where(Trainee.ref == "T01", Trainee.first_name == "Ada")
        )
        alan_id, ada_id = alan.id, ada.id
    form = admin.get("/admin/accounts/new").text
    assert "T02 · Alan Turing" in form
    assert "alpha · T01 · Ada Lovelace" not in form  # Ada already has an account
    response = admin.post(
        "/admin/accounts/new",
        data={
            "email": "alan@example.org",
            "role": "trainee",
            "password": "first-password",
            "trainee": alan_id,
        },
    )
    assert response.status_code == 302
    refused = admin.post(
        "/admin/accounts/new",
        data={
            "email": "other@example.org",
            "role": "trainee",
            "password": "first-password",
            "trainee": ada_id,
        },
    )
    assert refused.status_code == 422
    with app.app_context():
        assert (
            db.session.scalar(select(User).where(User.email == "alan@example.org")).trainee_id
            == alan_id
        )
        assert db.session.scalar(select(User).where(User.email == "other@example.org")) is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"email": "not an email", "role": "officer", "password": "first-password"},
            "email",
            "email",
        ),
        ({"email": "x@centre.fr", "role": "officer", "password": "short"}, "password", "8"),
        # Without a password, the account is invited by mail (tests/test_password_links.py).
        (
            {
                "email": "x@centre.fr",
                "role": "officer",
                "password": "first-password",
                "language": "de",
            },
            "language",
            "Not a valid choice",
        ),
        (
            {"email": "x@centre.fr", "role": "trainee", "password": "first-password"},
            "trainee",
            "Choose the trainee",
        ),
        (
            {"email": "prof@centre.fr", "role": "officer", "password": "first-password"},
            "email",
            "prof@centre.fr",
        ),
    ],
)
def test_a_wrong_account_is_refused_beside_its_field(app, admin, data, field, message):
    with app.app_context():
        before = accounts()
    response = admin.post("/admin/accounts/new?lang=en", data={"trainee": 0, **data})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert message in response.text.split(f'id="{field}-error"')[1].split("</span>")[0]
    with app.app_context():
        assert accounts() == before


def test_disabling_an_account_signs_it_out_and_it_can_be_enabled_again(app, admin, world, login_as):
    with app.app_context():
        officer = login_as(app.test_client(), db.session.get(User, world.accounts["officer"]))
    assert officer.get("/").status_code == 200
    assert admin.post(f"/admin/accounts/{world.accounts['officer']}/active").status_code == 302
    assert officer.get("/").status_code == 302
    with app.app_context():
        assert db.session.get(User, world.accounts["officer"]).active is False
    admin.post(f"/admin/accounts/{world.accounts['officer']}/active")
    with app.app_context():
        assert db.session.get(User, world.accounts["officer"]).active is True


def test_an_admin_cannot_disable_their_own_account(app, admin, world):
    response = admin.post(f"/admin/accounts/{world.accounts['admin']}/active")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(User, world.accounts["admin"]).active is True
    assert admin.get("/").status_code == 200


def test_resetting_a_password_ends_the_accounts_sessions(app, admin, world, login_as):
    with app.app_context():
        officer = login_as(app.test_client(), db.session.get(User, world.accounts["officer"]))
    refused = admin.post(
        f"/admin/accounts/{world.accounts['officer']}/password", data={"new_password": "short"}
    )
    assert refused.status_code == 422
    response = admin.post(
        f"/admin/accounts/{world.accounts['officer']}/password",
        data={"new_password": "brand new password"},
    )
    assert response.status_code == 302
    assert officer.get("/").status_code == 302
    with app.app_context():
        user = db.session.get(User, world.accounts["officer"])
        assert verify_password(user.password_hash, "brand new password")
        assert not verify_password(user.password_hash, PASSWORD)
        live = db.session.scalar(
            select(func.count(LoginSession.id)).where(
                LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)
            )
        )
        assert live == 0


def test_editing_moves_an_instructor_to_another_cohort(app, admin, world):
    with app.app_context():
        beta = db.session.scalar(select(Cohort.id).where(Cohort.slug == "beta"))
    response = admin.post(
        f"/admin/accounts/{world.accounts['instructor']}",
        data={
            "email": "prof@centre.fr",
            "name": "Olivier Prof",
            "role": "instructor",
            "cohorts": [beta],
            "trainee": 0,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, world.accounts["instructor"])
        assert [cohort.slug for cohort in user.cohorts] == ["beta"]


def error_beside(page: str, field: str) -> str:
    """Return the error shown beside a field of the account form."""
    return page.split(f'id="{field}-error"')[1].split("</span>")[0].split(">", 1)[1]


def edit_role(client, user_id: int, role: str, email: str, query: str = ""):
    return client.post(
        f"/admin/accounts/{user_id}{query}",
        data={"email": email, "name": "Claire Admin", "role": role, "trainee": 0},
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?lang=en", "This is the last active administrator account"),
        ("?lang=fr", "C’est le dernier compte administrateur actif"),
    ],
)
def test_the_last_administrator_cannot_give_up_the_role(app, admin, world, query, message):
    response = edit_role(admin, world.accounts["admin"], "officer", "admin@centre.fr", query)
    assert response.status_code == 422
    assert message in error_beside(response.text, "role")
    with app.app_context():
        assert db.session.get(User, world.accounts["admin"]).role == "admin"


def test_a_disabled_administrator_does_not_count_as_another(app, admin, world, make_user):
    with app.app_context():
        make_user("admin", email="parti@centre.fr").active = False
        db.session.commit()
    response = edit_role(admin, world.accounts["admin"], "officer", "admin@centre.fr")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, world.accounts["admin"]).role == "admin"


def test_an_administrator_may_give_up_the_role_when_another_remains(app, admin, world, make_user):
    with app.app_context():
        make_user("admin", email="relais@centre.fr")
        db.session.commit()
    response = edit_role(admin, world.accounts["admin"], "officer", "admin@centre.fr")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, world.accounts["admin"]).role == "officer"


def test_the_last_administrator_cannot_be_disabled(app, app_context, world):
    from tracker.auth.operations import AccountError, set_active, update_account

    last = db.session.get(User, world.accounts["admin"])
    other = db.session.get(User, world.accounts["officer"])
    with pytest.raises(AccountError) as refused:
        set_active(last, False, by=other)
    assert refused.value.field == "active"
    assert "last active administrator" in refused.value.message
    assert last.active is True
    with pytest.raises(AccountError):
        update_account(last, email=last.email, name=last.name, role="instructor")
    db.session.rollback()
    assert db.session.get(User, world.accounts["admin"]).role == "admin"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?lang=en", "An account already uses prof@centre.fr"),
        ("?lang=fr", "Un compte utilise déjà l’adresse prof@centre.fr"),
    ],
)
def test_account_errors_are_in_the_pages_language(app, admin, world, query, message):
    response = admin.post(
        f"/admin/accounts/new{query}",
        data={
            "email": "prof@centre.fr",
            "role": "officer",
            "password": "first-password",
            "trainee": 0,
        },
    )
    assert response.status_code == 422
    assert error_beside(response.text, "email") == message
    page = admin.post(f"/admin/accounts/{world.accounts['admin']}/active{query}")
    assert page.status_code == 303
    shown = admin.get(page.headers["Location"] + query).text
    expected = "You cannot disable" if query == "?lang=en" else "Vous ne pouvez pas désactiver"
    assert expected in shown


@pytest.mark.parametrize(
    ("email", "english", "french"),
    [
        ("no-at-sign.example.org", "must contain an @ sign", "doit contenir un @"),
        ("@example.org", "needs a name before the @ sign", "il manque le nom avant l’@"),
        ("ada@", "needs a domain after the @ sign", "il manque le domaine après l’@"),
        ("ada@example", "has no valid domain after the @ sign", "le domaine après l’@"),
        ("ada lovelace@example.org", "contains characters", "contient des caractères"),
        ("a" * 250 + "@example.org", "is too long", "est trop longue"),
        ("ada@" + "b" * 64 + ".org", "is too long", "est trop longue"),
        ("ada@exa_mple.org", "contains characters", "contient des caractères"),
        ("ada..lovelace@example.org", "misplaced period or hyphen", "point ou un tiret"),
    ],
)
def test_email_problems_are_told_in_the_users_language(app, email, english, french):
    from tracker.auth.operations import AccountError, normalise_email

    for query, expected in (("?lang=en", english), ("?lang=fr", french)):
        with app.test_request_context(f"/{query}"), pytest.raises(AccountError) as refused:
            normalise_email(email)
        assert refused.value.field == "email"
        assert expected in refused.value.message, refused.value.message


def test_an_email_problem_the_catalog_does_not_know_is_told_in_general_terms(app):
    from email_validator import EmailSyntaxError

    from tracker.auth.operations import email_problem

    with app.test_request_context("/?lang=fr"):
        assert email_problem(EmailSyntaxError("Some new reason.")) == (
            "n’est pas une adresse électronique valide"
        )
