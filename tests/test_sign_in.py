"""Signed-in sessions: sign-out, timeouts, disabled accounts, password change and the throttle."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tracker import create_app
from tracker.auth.models import LoginSession, User
from tracker.auth.operations import add_user
from tracker.extensions import db

PASSWORD = "password-1"


@pytest.fixture
def account(app):
    with app.app_context():
        add_user("prof@centre.fr", "admin", PASSWORD, name="Marie Curie")
        db.session.commit()
    return "prof@centre.fr"


def csrf_token(client, path="/login"):
    page = client.get(path)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)


def sign_in(client, email, password=PASSWORD):
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def session_cookie(client):
    return client.get_cookie("tracker_session").value


def test_sign_out_makes_a_copied_cookie_worthless(app, client, account):
    assert sign_in(client, account).status_code == 302
    copied = session_cookie(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert not signed_in(client)
    client.set_cookie("tracker_session", copied)
    assert not signed_in(client)


def test_sign_in_starts_a_fresh_session(app, client, account):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, account)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_disabling_an_account_ends_its_sessions(app, client, account):
    sign_in(client, account)
    assert signed_in(client)
    with app.app_context():
        db.session.execute(update(User).values(active=False))
        db.session.commit()
    assert not signed_in(client)


@pytest.mark.parametrize(
    ("column", "age"),
    [("last_seen_at", timedelta(minutes=61)), ("started_at", timedelta(hours=13))],
)
def test_idle_and_absolute_timeouts(app, client, account, column, age):
    sign_in(client, account)
    assert signed_in(client)
    with app.app_context():
        login = db.session.scalar(select(LoginSession))
        setattr(login, column, getattr(login, column) - age)
        db.session.commit()
    assert not signed_in(client)


def test_changing_the_password_signs_out_the_other_browsers(app, account):
    mine, other = app.test_client(), app.test_client()
    sign_in(mine, account)
    sign_in(other, account)
    response = mine.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a new password",
            "confirm_password": "a new password",
            "csrf_token": csrf_token(mine, "/account/password"),
        },
    )
    assert response.status_code == 302
    assert signed_in(mine)
    assert not signed_in(other)
    fresh = app.test_client()
    assert sign_in(fresh, account).status_code == 401
    assert sign_in(fresh, account, "a new password").status_code == 302


def test_password_change_with_a_wrong_current_password_is_refused(app, client, account):
    sign_in(client, account)
    response = client.post(
        "/account/password",
        data={
            "current_password": "not it at all",
            "new_password": "a new password",
            "confirm_password": "a new password",
            "csrf_token": csrf_token(client, "/account/password"),
        },
    )
    assert response.status_code == 422
    assert "Ce n’est pas votre mot de passe actuel." in response.text
    assert sign_in(app.test_client(), account).status_code == 302


def test_failed_sign_ins_are_throttled_per_account_across_processes(app, account, database_url):
    # A second app on the same database stands for another worker process.
    other_worker = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    for attempt in range(5):
        worker = app if attempt % 2 else other_worker
        assert sign_in(worker.test_client(), account, "wrong-password").status_code == 401
    response = sign_in(app.test_client(), account)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "900"
    assert "Too many failed sign-ins" in response.text or "Trop de" in response.text
    with other_worker.app_context():
        db.engine.dispose()


def test_failed_sign_ins_are_throttled_per_address(app, account):
    app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 3
    for number in range(3):
        assert (
            sign_in(app.test_client(), f"nobody{number}@centre.fr", "x-password").status_code == 401
        )
    assert sign_in(app.test_client(), account).status_code == 429


def test_cookies_are_secure_outside_development(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_ENV", raising=False)
    production = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    monkeypatch.setenv("TRACKER_ENV", "development")
    development = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert development.config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize(
    ("query", "landing"),
    [
        ("next=/account/password", "/account/password"),
        ("next=/cohorts/x?week%3D2022-W02", "/cohorts/x?week=2022-W02"),
        ("next=/cohorts/x%3Fweek%3D2022-W02%26lang%3Den", "/cohorts/x?week=2022-W02&lang=en"),
        # Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so each
        # of these would leave for another host, or (a newline in a header) fail.
        ("next=/%09/evil.example", "/"),
        ("next=/%0a/x", "/"),
        ("next=/%0d%0aSet-Cookie:x=1", "/"),
        ("next=/%00/evil.example", "/"),
        ("next=/%7f/evil.example", "/"),
        ("next=//evil.example/phish", "/"),
        ("next=///evil.example", "/"),
        ("next=%2F%2Fevil.example", "/"),
        ("next=/\\evil.example", "/"),
        ("next=/%5Cevil.example", "/"),
        ("next=%5C%5Cevil.example", "/"),
        ("next=https://evil.example/", "/"),
        ("next=https:/evil.example/", "/"),
        ("next=javascript:alert(1)", "/"),
        ("next=%20//evil.example", "/"),
        ("next=evil.example", "/"),
        ("next=", "/"),
        ("", "/"),
    ],
)
def test_sign_in_returns_to_the_page_asked_for_on_this_site_only(
    app, client, account, query, landing
):
    token = csrf_token(client)
    response = client.post(
        f"/login?{query}",
        data={"email": account, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == landing


def test_a_page_asked_for_before_signing_in_is_remembered(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account/password"


def test_the_language_chosen_on_the_sign_in_page_is_kept_after_signing_in(app, client, account):
    client.get("/login?lang=en")
    assert sign_in(client, account).status_code == 302
    assert '<html lang="en-GB">' in client.get("/").text
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert "Sign in" in client.get("/login").text
