"""`tracker mail send`: the outbox delivered to a real SMTP server, retried while it is down."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.smtp import html_of, text_of
from tests.test_mail_outbox import invite
from tracker import timeutil
from tracker.extensions import db
from tracker.mail import delivery
from tracker.mail.models import OutgoingMessage

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Freeze the tracker's clock at NOW; the returned function moves it."""
    instant = [NOW]
    monkeypatch.setattr(timeutil, "utc_now", lambda: instant[0])

    def move_to(moment: datetime) -> None:
        instant[0] = moment

    return move_to


def messages() -> list[OutgoingMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMessage).order_by(OutgoingMessage.id)))


def test_messages_are_read_back_from_the_server_in_each_language(
    app, mail_settings, smtp_server, run_tracker
):
    with app.app_context():
        invite("ada@example.org", "fr")
        invite("grace@example.org", "en")
        db.session.commit()
    result = run_tracker("mail", "send")
    assert result.exit_code == 0, result.output
    assert "2 sent, 0 failed." in result.output
    french, english = smtp_server.inbox.messages
    assert french["To"] == "ada@example.org" and english["To"] == "grace@example.org"
    assert french["From"] == "Tracker <tracker@centre.example>"
    assert french.get_content_type() == "multipart/alternative"
    assert english["Subject"] == "Your account on Tracker"
    assert french["Content-Language"] == "fr" and english["Content-Language"] == "en"
    assert "8 décembre 2026" in text_of(french) and "8 décembre 2026" in html_of(french)
    assert "8 December 2026" in text_of(english) and "8 December 2026" in html_of(english)
    assert "https://tracker.example/password/new/invitation/abc" in text_of(english)
    with app.app_context():
        assert all(message.sent_at is not None for message in messages())
    # Nothing is due any more: a second pass sends nothing again.
    assert "0 sent, 0 failed." in run_tracker("mail", "send").output
    assert len(smtp_server.inbox.messages) == 2


def test_the_server_down_then_up_every_message_leaves_once(app, mail_settings, smtp_server, clock):
    smtp_server.stop()
    with app.app_context():
        for n in range(3):
            invite(f"trainee{n}@example.org", "fr")
        db.session.commit()
        outcome = delivery.send_due()
        assert (outcome.sent, outcome.failed) == (0, 3)
        for message in messages():
            assert message.sent_at is None and message.attempts == 1
            assert "cannot reach 127.0.0.1" in message.last_error
            assert message.next_attempt_at == NOW + timedelta(minutes=1)
        # Not due yet: the server is not asked again before the back-off ends.
        assert delivery.send_due().failed == 0
        smtp_server.start()
        clock(NOW + timedelta(minutes=1))
        outcome = delivery.send_due()
        assert (outcome.sent, outcome.failed) == (3, 0)
        clock(NOW + timedelta(hours=2))
        assert delivery.send_due().sent == 0
    received = sorted(message["To"] for message in smtp_server.inbox.messages)
    assert received == [f"trainee{n}@example.org" for n in range(3)]


def test_failed_attempts_wait_1_2_4_minutes_and_at_most_an_hour(
    app, mail_settings, smtp_server, clock
):
    smtp_server.stop()
    with app.app_context():
        invite()
        db.session.commit()
        waits = []
        moment = NOW
        for _ in range(9):
            clock(moment)
            assert delivery.send_due().failed == 1
            [message] = messages()
            waits.append(message.next_attempt_at - moment)
            moment = message.next_attempt_at
        assert [wait // timedelta(minutes=1) for wait in waits] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
        assert message.attempts == 9


def test_a_message_the_server_refuses_is_kept_with_its_error_and_tried_again(
    app, mail_settings, smtp_server, clock
):
    smtp_server.inbox.refuse_with = "451 4.3.0 Try again later"
    with app.app_context():
        invite()
        db.session.commit()
        assert delivery.send_due().failed == 1
        [message] = messages()
        assert message.sent_at is None and "Try again later" in message.last_error
        smtp_server.inbox.refuse_with = None
        clock(NOW + timedelta(minutes=1))
        assert delivery.send_due().sent == 1
        [message] = messages()
        assert message.sent_at == NOW + timedelta(minutes=1)
    assert len(smtp_server.inbox.messages) == 1


def test_a_claimed_message_is_not_claimed_by_a_second_sender(app, clock):
    with app.app_context():
        invite()
        db.session.commit()
        assert len(delivery.claim_due(NOW)) == 1
        # Another sender, meanwhile: the first one's claim holds it for the lease.
        assert delivery.claim_due(NOW) == []
        assert delivery.claim_due(NOW + delivery.LEASE - timedelta(seconds=1)) == []
        # A sender that died with it: another takes it once the lease has run out.
        assert len(delivery.claim_due(NOW + delivery.LEASE)) == 1


def test_without_a_sender_address_nothing_is_sent_and_the_command_says_why(
    app, mail_settings, smtp_server, run_tracker
):
    app.config["MAIL_SENDER"] = None
    with app.app_context():
        invite()
        db.session.commit()
    result = run_tracker("mail", "send")
    assert result.exit_code == 1
    assert "MAIL_SENDER is not set" in result.output
    assert smtp_server.inbox.messages == []


def test_the_loop_sends_until_sigterm_stops_it(app, database_url, smtp_server, tmp_path):
    with app.app_context():
        invite()
        db.session.commit()
    environment = {
        **os.environ,
        "TRACKER_DATABASE_URL": database_url,
        "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
        "TRACKER_SECRET_KEY": "test",
        "TRACKER_MAIL_HOST": "127.0.0.1",
        "TRACKER_MAIL_PORT": str(smtp_server.port),
        "TRACKER_MAIL_SENDER": "tracker@centre.example",
        "TRACKER_MAIL_LOOP_SECONDS": "1",
    }
    loop = subprocess.Popen(
        [sys.executable, "-c", "from tracker.cli import main; main()", "mail", "send", "--loop"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not smtp_server.inbox.messages and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(smtp_server.inbox.messages) == 1
        # Queued while the loop runs: its next pass sends it.
        with app.app_context():
            invite("grace@example.org", "en")
            db.session.commit()
        while len(smtp_server.inbox.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        loop.send_signal(signal.SIGTERM)
        output, _ = loop.communicate(timeout=30)
    finally:
        loop.kill()
    assert loop.returncode == 0, output
    assert "Stopped." in output
    assert [message["To"] for message in smtp_server.inbox.messages] == [
        "ada@example.org",
        "grace@example.org",
    ]


def test_wait_after_a_failure():
    assert delivery.wait_after(1) == timedelta(minutes=1)
    assert delivery.wait_after(3) == timedelta(minutes=4)
    assert delivery.wait_after(50) == timedelta(hours=1)


def test_a_stopping_sender_finishes_the_message_in_hand_and_gives_the_others_back(
    app, mail_settings, smtp_server, clock
):
    stop = threading.Event()
    original = smtp_server.inbox.handle_DATA

    async def accept_then_stop(server, session, envelope):
        stop.set()  # SIGTERM arrives while the first message is being sent
        return await original(server, session, envelope)

    smtp_server.inbox.handle_DATA = accept_then_stop
    with app.app_context():
        for n in range(3):
            invite(f"trainee{n}@example.org", "fr")
        db.session.commit()
        outcome = delivery.send_due(stop=stop)
        assert (outcome.sent, outcome.failed) == (1, 0)
        first, *others = messages()
        assert first.sent_at is not None
        # Given back untried: due now, no attempt counted, for the next sender.
        assert [(m.sent_at, m.attempts, m.next_attempt_at) for m in others] == [(None, 0, NOW)] * 2
    assert len(smtp_server.inbox.messages) == 1


class Accounts:
    """aiosmtpd's authenticator: one account, tracker / secret."""

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        right = isinstance(auth_data, LoginPassword) and (
            auth_data.login,
            auth_data.password,
        ) == (b"tracker", b"secret")
        return AuthResult(success=right, handled=False)


# The implicit TLS server's AUTH without STARTTLS (see below) makes aiosmtpd warn.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_secured_server_with_a_sign_in(app, mail_settings, tmp_path, monkeypatch, security):
    import ssl

    from aiosmtpd.controller import Controller

    from tests.smtp import SMTPServer, self_signed_certificate

    certificate, key = self_signed_certificate(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(certificate, key)
    server = SMTPServer()
    options = {"authenticator": Accounts(), "auth_required": True}
    if security == "tls":
        # aiosmtpd only counts STARTTLS as TLS for AUTH: over implicit TLS, it must be told.
        options.update(ssl_context=server_context, auth_require_tls=False)
    else:
        options.update(tls_context=server_context, require_starttls=True)
    server.controller = Controller(server.inbox, hostname="127.0.0.1", port=server.port, **options)
    server.controller.start()
    # The tracker checks the server's certificate: trust the test's own, and no other.
    real = ssl.create_default_context
    monkeypatch.setattr(delivery.ssl, "create_default_context", lambda: real(cafile=certificate))
    app.config.update(
        MAIL_PORT=server.port, MAIL_SECURITY=security, MAIL_USER="tracker", MAIL_PASSWORD="wrong"
    )
    try:
        with app.app_context():
            invite()
            db.session.commit()
            assert delivery.send_due().failed == 1
            [message] = messages()
            assert "535" in message.last_error  # authentication refused
            app.config["MAIL_PASSWORD"] = "secret"
            message.next_attempt_at = NOW
            db.session.commit()
            assert delivery.send_due(now=NOW).sent == 1
    finally:
        server.stop()
    [received] = server.inbox.messages
    assert received["To"] == "ada@example.org"


def test_a_sent_messages_text_is_forgotten_after_30_days_but_not_its_event(
    app, mail_settings, smtp_server, clock
):
    with app.app_context():
        invite(event_key="invitation:1")
        db.session.commit()
        assert delivery.send_due().sent == 1
        clock(NOW + timedelta(days=30))
        delivery.send_due()
        [message] = messages()
        assert "Ada" in message.text
        clock(NOW + timedelta(days=30, minutes=1))
        delivery.send_due()
        [message] = messages()
        assert (message.text, message.html) == ("", "")
        assert message.recipient == "ada@example.org" and message.sent_at == NOW
        # Its event is still known: it is not sent again.
        assert invite(event_key="invitation:1") is None


def test_the_status_tells_what_waits_and_why(app, mail_settings, smtp_server, clock, run_tracker):
    smtp_server.stop()
    with app.app_context():
        invite()
        invite("grace@example.org", "en")
        db.session.commit()
    assert "2 waiting, 0 of them failed at least once." in run_tracker("mail", "status").output
    result = run_tracker("mail", "send")
    assert "0 sent, 2 failed." in result.output
    output = run_tracker("mail", "status").output
    assert "2 waiting, 2 of them failed at least once." in output
    assert "The oldest waits since 2026-12-01T09:00:00+00:00." in output
    assert "The oldest failing one, after 1 attempt: cannot reach 127.0.0.1" in output
    assert "Next attempt at 2026-12-01T09:01:00+00:00." in output
