"""Accounts by mail: invitations and forgotten passwords, each a signed link that expires and
serves once."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from tests.smtp import text_of
from tests.world import PASSWORD
from tracker import timeutil
from tracker.auth import links
from tracker.auth.models import User
from tracker.auth.passwords import verify_password
from tracker.extensions import db
from tracker.mail.delivery import send_due
from tracker.mail.models import OutgoingMessage

pytestmark = pytest.mark.usefixtures("without_csrf")

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LINK = re.compile(r"https?://\S+/password/(?:invitation|reset)/\S+")


@pytest.fixture
def clock(monkeypatch):
    """Freeze the tracker's clock at NOW; the returned function moves it."""
    instant = [NOW]
    monkeypatch.setattr(timeutil, "utc_now", lambda: instant[0])

    def move_to(moment: datetime) -> None:
        instant[0] = moment

    return move_to


def account(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def link_for(app, email: str, purpose: str) -> str:
    """Return the path of a fresh link for an account, as a mail would carry it."""
    return links.link_to_choose(account(email), purpose).removeprefix(app.config["BASE_URL"])


def outbox() -> list[OutgoingMessage]:
    return list(db.session.scalars(select(OutgoingMessage).order_by(OutgoingMessage.id)))


def choose(client, path: str, password: str = "a brand new password"):
    return client.post(path, data={"new_password": password, "confirm_password": password})


def forge(token: str, **changes) -> str:
    """Change what a token says, keeping its signature (which then no longer matches)."""
    payload, rest = token.rsplit(".", 2)[0], token.rsplit(".", 2)[1:]
    coder = URLSafeSerializer("any key")  # the payload's coding alone, not its signature
    data = coder.load_payload(payload.encode())
    data.update(changes)
    return ".".join([coder.dump_payload(data).decode(), *rest])


# The attacks first: a link for one account must never set another's password.


def test_a_link_for_one_account_cannot_set_anothers_password(app, world, client, clock):
    with app.app_context():
        mine = link_for(app, "ada@example.org", links.RESET)
        officer = world.accounts["officer"]
    prefix, token = mine.rsplit("/", 1)
    # The account's id changed in the token: the signature no longer matches.
    response = choose(client, f"{prefix}/{forge(token, user=officer)}", "taken over!")
    assert response.status_code == 400
    assert "not valid" in client.get(f"{prefix}/{forge(token, user=officer)}?lang=en").text
    # A forgotten password's link is no invitation, and the other way round (salts of their own).
    response = choose(client, mine.replace("/reset/", "/invitation/"), "taken over!")
    assert response.status_code == 400
    with app.app_context():
        assert verify_password(db.session.get(User, officer).password_hash, PASSWORD)
        assert verify_password(account("ada@example.org").password_hash, PASSWORD)
    # The link itself works, for its own account only.
    assert choose(client, mine).status_code == 303
    with app.app_context():
        assert verify_password(account("ada@example.org").password_hash, "a brand new password")
        assert verify_password(db.session.get(User, officer).password_hash, PASSWORD)


def test_a_link_signed_with_another_key_is_refused(app, world, client, clock):
    with app.app_context():
        path = link_for(app, "ada@example.org", links.RESET)
    app.config["SECRET_KEY"] = "another key"
    assert choose(client, path).status_code == 400


def test_a_used_link_is_refused(app, world, client, clock):
    with app.app_context():
        path = link_for(app, "ada@example.org", links.RESET)
    assert choose(client, path).status_code == 303
    response = client.get(path + "?lang=en")
    assert response.status_code == 410
    assert "no longer works" in response.text
    assert choose(client, path, "once more, again").status_code == 410
    with app.app_context():
        assert verify_password(account("ada@example.org").password_hash, "a brand new password")


def test_a_link_stops_working_when_the_account_changes_its_email(app, world, client, clock):
    with app.app_context():
        path = link_for(app, "ada@example.org", links.INVITATION)
        account("ada@example.org").email = "ada.lovelace@example.org"
        db.session.commit()
    assert client.get(path).status_code == 410


def test_a_tampered_link_is_refused(app, world, client, clock):
    with app.app_context():
        path = link_for(app, "ada@example.org", links.RESET)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    response = client.get(tampered + "?lang=en")
    assert response.status_code == 400
    assert "not valid" in response.text
    assert "Traceback" not in response.text


def test_a_forgotten_passwords_link_expires_after_an_hour(app, world, client, clock):
    with app.app_context():
        path = link_for(app, "ada@example.org", links.RESET)
    clock(NOW + timedelta(minutes=59))
    assert client.get(path).status_code == 200
    clock(NOW + timedelta(minutes=61))
    response = client.get(path + "?lang=en")
    assert response.status_code == 410
    assert "expired" in response.text
    assert choose(client, path).status_code == 410


def test_an_invitation_expires_after_the_invitation_days(app, world, client, clock):
    app.config["INVITATION_DAYS"] = 3
    with app.app_context():
        path = link_for(app, "ada@example.org", links.INVITATION)
    clock(NOW + timedelta(days=3) - timedelta(minutes=1))
    assert client.get(path).status_code == 200
    clock(NOW + timedelta(days=3, minutes=1))
    response = client.get(path + "?lang=en")
    assert response.status_code == 410
    assert "invitation has expired" in response.text


def test_a_disabled_accounts_link_is_refused(app, world, client, clock):
    with app.app_context():
        path = link_for(app, "ada@example.org", links.RESET)
        account("ada@example.org").active = False
        db.session.commit()
    assert choose(client, path).status_code == 410


def test_the_chosen_password_obeys_the_rules(app, world, client, clock):
    with app.app_context():
        path = link_for(app, "ada@example.org", links.RESET)
    response = client.post(
        path + "?lang=en", data={"new_password": "short", "confirm_password": "short"}
    )
    assert response.status_code == 422
    assert "At least 8 characters." in response.text
    response = client.post(
        path, data={"new_password": "long enough 1", "confirm_password": "long enough 2"}
    )
    assert response.status_code == 422
    # Refused passwords leave the link as it was.
    assert choose(client, path).status_code == 303


# Invitations.


def test_an_invited_person_chooses_a_password_from_the_mail_and_signs_in(
    app, world, signed_in, mail_settings, smtp_server, clock
):
    admin = signed_in("admin")
    response = admin.post(
        "/admin/accounts/new?lang=en",
        data={
            "email": "Nouvelle@Centre.fr",
            "name": "Nouvelle Prof",
            "role": "officer",
            "password": "",
            "trainee": 0,
            "language": "en",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = account("nouvelle@centre.fr")
        assert user.language == "en"
        # No password signs in until the owner chooses one.
        assert not verify_password(user.password_hash, "")
        [message] = outbox()
        assert (message.recipient, message.kind) == ("nouvelle@centre.fr", "invitation")
        assert send_due().sent == 1
    [mail] = smtp_server.inbox.messages
    assert mail["Subject"] == "Your account on Tracker"
    assert "Hello Nouvelle Prof," in text_of(mail)
    # Valid 7 days: until 8 December (Paris) for an invitation sent on 1 December.
    assert "8 December 2026" in text_of(mail)
    path = LINK.search(text_of(mail)).group(0).removeprefix(app.config["BASE_URL"])
    newcomer = app.test_client()
    page = newcomer.get(path + "?lang=en")
    assert page.status_code == 200
    assert "nouvelle@centre.fr" in page.text
    assert choose(newcomer, path).status_code == 303
    response = newcomer.post(
        "/login", data={"email": "nouvelle@centre.fr", "password": "a brand new password"}
    )
    assert response.status_code == 302
    # Used once: the same mail's link no longer works.
    assert app.test_client().get(path).status_code == 410


def test_a_failed_account_creation_sends_no_invitation(app, world, signed_in):
    admin = signed_in("admin")
    response = admin.post(
        "/admin/accounts/new",
        data={"email": "prof@centre.fr", "role": "officer", "trainee": 0, "language": "fr"},
    )
    assert response.status_code == 422
    with app.app_context():
        assert outbox() == []


def test_the_administrator_sends_an_invitation_again(app, world, signed_in):
    admin = signed_in("admin")
    officer = world.accounts["officer"]
    response = admin.post(f"/admin/accounts/{officer}/invitation")
    assert response.status_code == 303
    with app.app_context():
        [message] = outbox()
        assert message.recipient == "region@laregion.fr" and message.kind == "invitation"
        # The current password works until a new one is chosen.
        assert verify_password(db.session.get(User, officer).password_hash, PASSWORD)
        db.session.get(User, officer).active = False
        db.session.commit()
    assert admin.post(f"/admin/accounts/{officer}/invitation").status_code == 409


# Forgotten passwords.


def ask(client, email: str):
    return client.post("/password/forgotten?lang=en", data={"email": email})


def test_a_forgotten_password_is_answered_the_same_whether_the_address_exists_or_not(
    app, world, clock
):
    answers = []
    for email in ("ada@example.org", "nobody@example.org"):
        client = app.test_client()
        response = ask(client, email)
        page = client.get(response.headers["Location"] + "?lang=en")
        answers.append(
            (
                response.status_code,
                response.headers["Location"],
                page.status_code,
                page.text.replace(email, "EMAIL"),
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == 303
    assert "If an account uses EMAIL" in answers[0][3]
    with app.app_context():
        [message] = outbox()
        assert (message.recipient, message.kind) == ("ada@example.org", "password_reset")
        assert message.language == "fr"


def test_a_forgotten_password_mail_leads_to_a_new_password(
    app, world, mail_settings, smtp_server, clock
):
    client = app.test_client()
    assert ask(client, "Ada@Example.org").status_code == 303
    with app.app_context():
        assert send_due().sent == 1
    [mail] = smtp_server.inbox.messages
    assert mail["To"] == "ada@example.org"
    path = LINK.search(text_of(mail)).group(0).removeprefix(app.config["BASE_URL"])
    assert "/password/reset/" in path
    assert choose(client, path).status_code == 303
    with app.app_context():
        assert verify_password(account("ada@example.org").password_hash, "a brand new password")


def test_a_disabled_account_gets_no_mail(app, world, clock):
    with app.app_context():
        account("ada@example.org").active = False
        db.session.commit()
    assert ask(app.test_client(), "ada@example.org").status_code == 303
    with app.app_context():
        assert outbox() == []


def test_forgotten_password_requests_are_limited(app, world, clock):
    app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"] = 2
    for _ in range(2):
        assert ask(app.test_client(), "ada@example.org").status_code == 303
    response = ask(app.test_client(), "ada@example.org")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    with app.app_context():
        assert db.session.scalar(select(func.count(OutgoingMessage.id))) == 2
    # Another account is not stopped by these.
    assert ask(app.test_client(), "nobody@example.org").status_code == 303


def test_a_forged_host_header_does_not_put_its_host_in_the_mailed_link(app, world, clock):
    # Password-reset poisoning: the victim's link pointing at the attacker's server.
    client = app.test_client()
    response = client.post(
        "/password/forgotten",
        data={"email": "ada@example.org"},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 303
    with app.app_context():
        [message] = outbox()
    assert "evil.example" not in message.text + message.html
    assert f"{app.config['BASE_URL']}/password/reset/" in message.text


def test_the_command_line_invites_too(app, world, run_tracker):
    result = run_tracker(
        "user", "add", "Nouveau@Centre.fr", "--role", "officer", "--invite", "--language", "en"
    )
    assert result.exit_code == 0, result.output
    assert "invitation to choose a password is in the outbox" in result.output
    with app.app_context():
        assert account("nouveau@centre.fr").language == "en"
        [message] = outbox()
        assert message.recipient == "nouveau@centre.fr"
        assert message.subject == "Your account on Tracker"
        assert f"{app.config['BASE_URL']}/password/invitation/" in message.text
