"""The outbox: a message is written in the transaction of its cause, in its recipient's language."""

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.mail.models import OutgoingMessage
from tracker.mail.outbox import enqueue

SUBJECT = _l("Your account on Tracker")


def invite(email="ada@example.org", language="fr", **overrides):
    fields = {
        "recipient": email,
        "language": language,
        "kind": "invitation",
        "subject": SUBJECT,
        "template": "invitation",
        "name": "Ada",
        "email": email,
        "link": "https://tracker.example/password/new/invitation/abc",
        "valid_until": date(2026, 12, 8),
    }
    fields.update(overrides)
    return enqueue(**fields)


def outbox() -> list[OutgoingMessage]:
    return list(db.session.scalars(select(OutgoingMessage).order_by(OutgoingMessage.id)))


def test_a_message_rolled_back_with_its_cause_never_leaves(app):
    with app.app_context():
        invite()
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(OutgoingMessage)) == 0
        invite()
        db.session.commit()
        db.session.remove()
        [message] = outbox()
        assert message.recipient == "ada@example.org"
        assert message.sent_at is None and message.attempts == 0


def test_each_message_is_written_in_its_recipients_language(app):
    with app.app_context():
        invite("ada@example.org", "fr")
        invite("grace@example.org", "en")
        db.session.commit()
        french, english = outbox()
        with force_locale("fr"):
            assert french.subject == _("Your account on Tracker")
        assert english.subject == "Your account on Tracker"
        # The dates are written in each language: Babel's month names, whatever the catalog.
        assert "8 décembre 2026" in french.text and "8 décembre 2026" in french.html
        assert "8 December 2026" in english.text and "8 December 2026" in english.html
        assert '<html lang="fr">' in french.html and '<html lang="en-GB">' in english.html
        assert "https://tracker.example/password/new/invitation/abc" in english.text
        assert 'href="https://tracker.example/password/new/invitation/abc"' in english.html


def test_the_html_escapes_what_people_typed(app):
    with app.app_context():
        message = invite(name="<b>Ada</b>")
        assert "<b>Ada</b>" not in message.html and "&lt;b&gt;Ada&lt;/b&gt;" in message.html
        # Plain text is not HTML: the name is as typed.
        assert "<b>Ada</b>" in message.text
        db.session.rollback()


def test_one_event_never_enqueues_its_message_twice(app):
    with app.app_context():
        assert invite(event_key="invitation:1") is not None
        db.session.commit()
        assert invite(event_key="invitation:1") is None
        assert invite(event_key="invitation:2") is not None
        db.session.commit()
        assert [message.event_key for message in outbox()] == ["invitation:1", "invitation:2"]
