"""Accounts: `tracker user add`, Argon2id hashes and the sign-in page."""

import re

import pytest
from sqlalchemy import func, select

from tracker.auth.models import User
from tracker.auth.passwords import verify_password
from tracker.cohorts.models import Trainee
from tracker.extensions import db


@pytest.fixture
def cohort_with_trainee(app, run_tracker):
    result = run_tracker(
        "cohort",
        "create",
        "ibm-ai-1",
        "--name",
        "IA",
        "--starts",
        "2021-09-06",
        "--ends",
        "2023-03-03",
        "--grant",
        "273000",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        from tracker.cohorts.models import Cohort

        cohort = db.session.scalar(select(Cohort))
        db.session.add(
            Trainee(
                cohort=cohort,
                ref="T01",
                first_name="Ada",
                last_name="Lovelace",
                email="ada@example.org",
                enrolled_on=cohort.starts_on,
            )
        )
        db.session.commit()


def account_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_user_add_hashes_the_password_with_argon2id(app, run_tracker):
    result = run_tracker(
        "user",
        "add",
        "Officer@Region.fr",
        "--role",
        "officer",
        "--password-stdin",
        input="correct horse battery\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "officer@region.fr"
        assert user.role == "officer"
        assert user.password_hash.startswith("$argon2id$")
        assert "correct horse" not in user.password_hash
        assert verify_password(user.password_hash, "correct horse battery")
        assert not verify_password(user.password_hash, "wrong horse battery")


def test_user_add_prompts_for_the_password_twice(app, run_tracker):
    result = run_tracker(
        "user",
        "add",
        "admin@centre.fr",
        "--role",
        "admin",
        input="long enough pass\nlong enough pass\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert verify_password(db.session.scalar(select(User.password_hash)), "long enough pass")


def test_user_add_links_an_instructor_and_a_trainee(app, run_tracker, cohort_with_trainee):
    assert (
        run_tracker(
            "user",
            "add",
            "prof@centre.fr",
            "--role",
            "instructor",
            "--cohort",
            "ibm-ai-1",
            "--password-stdin",
            input="password-1\n",
        ).exit_code
        == 0
    )
    assert (
        run_tracker(
            "user",
            "add",
            "ada@example.org",
            "--role",
            "trainee",
            "--cohort",
            "ibm-ai-1",
            "--trainee",
            "T01",
            "--password-stdin",
            input="password-2\n",
        ).exit_code
        == 0
    )
    with app.app_context():
        instructor = db.session.scalar(select(User).where(User.role == "instructor"))
        trainee = db.session.scalar(select(User).where(User.role == "trainee"))
        assert [c.slug for c in instructor.cohorts] == ["ibm-ai-1"]
        assert trainee.trainee.ref == "T01"
        assert trainee.name == "Ada Lovelace"


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["not-an-email", "--role", "admin"], "password-1", "email:"),
        (["a@centre.fr", "--role", "admin"], "short", "password: must be at least 8"),
        (["a@centre.fr", "--role", "trainee"], "password-1", "trainee: a trainee account"),
        (
            ["a@centre.fr", "--role", "instructor", "--cohort", "nope"],
            "password-1",
            "--cohort: no cohort 'nope'",
        ),
        (
            ["a@centre.fr", "--role", "trainee", "--cohort", "ibm-ai-1", "--trainee", "T99"],
            "password-1",
            "--trainee: no trainee 'T99'",
        ),
        (
            ["a@centre.fr", "--role", "officer", "--cohort", "ibm-ai-1"],
            "password-1",
            "--cohort: a officer is not linked",
        ),
    ],
)
def test_user_add_refuses_bad_input_and_changes_nothing(
    app, run_tracker, cohort_with_trainee, args, password, message
):
    result = run_tracker("user", "add", *args, "--password-stdin", input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert account_count(app) == 0


def test_user_add_refuses_a_second_account_with_the_same_email(app, run_tracker):
    args = ("user", "add", "a@centre.fr", "--role", "admin", "--password-stdin")
    assert run_tracker(*args, input="password-1\n").exit_code == 0
    result = run_tracker(*args, input="password-2\n")
    assert result.exit_code == 1
    assert "already uses a@centre.fr" in result.output
    assert account_count(app) == 1


def sign_in(client, email, password):
    page = client.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_sign_in_page_accepts_the_right_password_only(app, client, run_tracker):
    run_tracker(
        "user",
        "add",
        "prof@centre.fr",
        "--role",
        "admin",
        "--name",
        "Marie Curie",
        "--password-stdin",
        input="password-1\n",
    )
    assert client.get("/login").status_code == 200
    assert sign_in(client, "prof@centre.fr", "wrong-password").status_code == 401
    assert client.get("/").status_code == 302
    response = sign_in(client, "prof@centre.fr", "password-1")
    assert response.status_code == 302
    assert "Marie Curie" in client.get("/").text


def test_sign_in_without_csrf_token_is_refused(app, client):
    response = client.post("/login", data={"email": "a@b.fr", "password": "x"})
    assert response.status_code == 400


def test_the_application_hashes_with_argon2id_at_a_real_cost():
    from argon2 import Type

    from tracker.auth.passwords import APPLICATION_HASHER

    # The tests swap in a cheap hasher; this is the one the application is built with.
    assert APPLICATION_HASHER.type is Type.ID
    assert APPLICATION_HASHER.memory_cost >= 19 * 1024  # OWASP's minimum for Argon2id, in KiB
    assert APPLICATION_HASHER.time_cost >= 2
