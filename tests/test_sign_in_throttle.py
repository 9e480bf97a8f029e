"""The sign-in throttle: counted before the password is checked, per account and address, per
address, per trusted browser; the same work for an unknown email; the client's address behind a
trusted proxy."""

import re
import threading

import pytest
from argon2 import PasswordHasher
from flask import request
from itsdangerous import URLSafeTimedSerializer

from tracker import create_app
from tracker.auth import passwords
from tracker.auth.operations import add_user
from tracker.extensions import db

PASSWORD = "password-1"
OWNER = "admin@centre.fr"


@pytest.fixture
def account(app):
    with app.app_context():
        add_user(OWNER, "admin", PASSWORD, name="Claire Admin")
        add_user("prof@centre.fr", "instructor", PASSWORD, name="Olivier Prof")
        db.session.commit()
    return OWNER


class CountingHasher(PasswordHasher):
    """The tests' cheap hasher, counting the hashes it checks (and their parameters)."""

    def __init__(self, pause: float = 0.0):
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.pause = pause
        self.checked: list[str] = []
        self.lock = threading.Lock()

    def verify(self, hash, password):
        with self.lock:
            # The parameters of the hash checked: $argon2id$v=19$m=1024,t=1,p=1$...
            self.checked.append(hash.rsplit("$", 2)[0])
        if self.pause:
            threading.Event().wait(self.pause)
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch):
    counting = CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", counting)
    return counting


def browser(app, address: str):
    """A new browser (its own cookies) at an address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(client, email, password=PASSWORD, **kwargs):
    page = client.get("/login", **kwargs)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, **kwargs
    )


def sign_out(client):
    page = client.get("/")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    client.post("/logout", data={"csrf_token": token})


def test_failures_from_another_address_never_stop_the_owner(app, account):
    attacker = browser(app, "198.51.100.7")
    for _ in range(12):
        assert sign_in(attacker, account, "guessing").status_code in (401, 429)
    assert sign_in(attacker, account, "guessing").status_code == 429
    assert sign_in(browser(app, "192.0.2.10"), account).status_code == 302


def test_an_owner_who_signed_in_before_from_a_browser_is_never_stopped_by_others(app, account):
    # The Region office: everybody behind one address.
    app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 8
    office = "192.0.2.10"
    owner = browser(app, office)
    assert sign_in(owner, account).status_code == 302
    sign_out(owner)
    colleague = browser(app, office)
    for _ in range(6):
        sign_in(colleague, account, "guessing")
    for number in range(6):
        sign_in(colleague, f"nobody{number}@centre.fr", "guessing")
    assert sign_in(colleague, account).status_code == 429
    assert sign_in(browser(app, office), "prof@centre.fr").status_code == 429
    # The owner's own browser still signs in, and only for the owner's account.
    assert sign_in(owner, account).status_code == 302
    sign_out(owner)
    assert sign_in(owner, "prof@centre.fr").status_code == 429


def test_a_trusted_browser_is_itself_limited(app, account):
    owner = browser(app, "192.0.2.10")
    assert sign_in(owner, account).status_code == 302
    sign_out(owner)
    for _ in range(5):
        assert sign_in(owner, account, "mistyped").status_code == 401
    assert sign_in(owner, account).status_code == 429


def test_a_device_cookie_not_signed_by_us_is_not_trusted(app, account):
    owner = browser(app, "192.0.2.10")
    assert sign_in(owner, account).status_code == 302
    genuine = owner.get_cookie("tracker_device", path="/login").value
    _, devices = URLSafeTimedSerializer("test").loads_unsafe(genuine)
    attacker = browser(app, "198.51.100.7")
    for _ in range(5):
        assert sign_in(attacker, account, "guessing").status_code == 401
    for forged in (
        URLSafeTimedSerializer("another key", salt="tracker-sign-in-device").dumps(devices),
        "not-a-cookie",
    ):
        attacker.set_cookie("tracker_device", forged, path="/login")
        assert sign_in(attacker, account).status_code == 429
    attacker.set_cookie("tracker_device", genuine, path="/login")
    # The genuine cookie is trusted: the forged ones were refused for their signature alone.
    assert sign_in(attacker, account).status_code == 302


def test_thirty_failures_from_one_address_stop_newcomers_there_only(app, account):
    app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 3
    for number in range(3):
        assert sign_in(browser(app, "192.0.2.10"), f"x{number}@centre.fr", "x").status_code == 401
    assert sign_in(browser(app, "192.0.2.10"), account).status_code == 429
    assert sign_in(browser(app, "192.0.2.11"), account).status_code == 302


def test_a_refused_attempt_says_when_to_try_again(app, account):
    attacker = browser(app, "198.51.100.7")
    for _ in range(5):
        assert sign_in(attacker, account, "guessing").status_code == 401
    response = sign_in(attacker, account, "guessing")
    assert response.status_code == 429
    assert 890 <= int(response.headers["Retry-After"]) <= 900
    assert "Attendez 15 minutes" in response.text


def test_parallel_attempts_get_no_more_password_checks_than_the_limit(app, account, monkeypatch):
    hasher = CountingHasher(pause=0.05)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    clients = [browser(app, "198.51.100.7") for _ in range(20)]
    tokens = []
    for client in clients:
        page = client.get("/login")
        tokens.append(re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1))
    start = threading.Barrier(len(clients))
    statuses = []

    def attempt(client, token):
        start.wait()
        response = client.post(
            "/login", data={"email": account, "password": "guessing", "csrf_token": token}
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 20
    assert set(statuses) <= {401, 429}
    assert len(hasher.checked) <= 5
    assert statuses.count(401) == len(hasher.checked)


def test_an_unknown_email_costs_the_same_password_check_as_a_known_one(app, account, hasher):
    client = browser(app, "192.0.2.10")
    assert sign_in(client, account, "wrong-password").status_code == 401
    assert len(hasher.checked) == 1
    assert sign_in(client, "nobody@centre.fr", "wrong-password").status_code == 401
    assert len(hasher.checked) == 2
    assert hasher.checked[1] == hasher.checked[0]  # a hash of the same cost


def test_a_disabled_account_costs_the_same_password_check(app, account, hasher):
    from sqlalchemy import update

    from tracker.auth.models import User

    with app.app_context():
        db.session.execute(update(User).where(User.email == account).values(active=False))
        db.session.commit()
    assert sign_in(browser(app, "192.0.2.10"), account).status_code == 401
    assert len(hasher.checked) == 1


@pytest.mark.parametrize("proxies", [0, 1])
def test_behind_a_trusted_proxy_the_address_is_the_clients(app, account, proxies):
    app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 3
    behind_proxy = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 3,
            "PROXY_FIX_X_FOR": proxies,
        }
    )
    proxy = "10.0.0.2"
    for number in range(3):
        client = browser(behind_proxy, proxy)
        headers = {"X-Forwarded-For": "198.51.100.7"}
        assert sign_in(client, f"x{number}@centre.fr", "x", headers=headers).status_code == 401
    other_client = browser(behind_proxy, proxy)
    response = sign_in(other_client, account, headers={"X-Forwarded-For": "192.0.2.10"})
    # Trusted, the proxy's header names the client; untrusted, it could be forged and is ignored.
    assert response.status_code == (302 if proxies else 429)
    with behind_proxy.app_context():
        db.engine.dispose()


def test_the_trusted_proxies_are_set_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TRACKER_PROXY_FIX_X_FOR", "1")
    monkeypatch.setenv("TRACKER_PROXY_FIX_X_PROTO", "1")
    app = create_app()
    assert app.config["PROXY_FIX_X_FOR"] == 1
    assert app.config["PROXY_FIX_X_PROTO"] == 1
    seen = {}

    @app.route("/where")
    def where():
        seen.update(address=request.remote_addr, secure=request.is_secure)
        return ""

    where.allowed_roles = frozenset({"public"})
    app.test_client().get(
        "/where", headers={"X-Forwarded-For": "192.0.2.44", "X-Forwarded-Proto": "https"}
    )
    assert seen == {"address": "192.0.2.44", "secure": True}
