"""Put messages in the outbox. Operations: they add to the session and never commit."""

from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from tracker import timeutil
from tracker.cohorts.models import Cohort
from tracker.extensions import db
from tracker.i18n import LOCALES
from tracker.mail.models import OutgoingMessage


def enqueue(**fields: object) -> OutgoingMessage | None:
    """Add a message to the outbox, written in its recipient's language (see `compose`).

    It leaves only once the transaction that adds it commits: if the change that causes it is
    rolled back, so is the message. With an `event_key` already in the outbox, nothing is added
    and None is returned: one event never sends its message twice.
    """
    event_key = fields.get("event_key")
    if event_key is not None and db.session.scalar(
        select(OutgoingMessage.id).where(OutgoingMessage.event_key == event_key)
    ):
        return None
    message = compose(**fields)
    db.session.add(message)
    return message


def compose(
    *,
    recipient: str,
    language: str,
    kind: str,
    subject: object,
    template: str,
    cohort: Cohort | None = None,
    event_key: str | None = None,
    **context: object,
) -> OutgoingMessage:
    """Write a message in its recipient's language, without adding it to the outbox.

    `subject` is a lazy text (`_l`), translated here; the body is `templates/mail/<template>.txt`
    and `.html`, given `context`.
    """
    language = language if language in LOCALES else "fr"
    with force_locale(LOCALES[language]):
        subject_text = str(subject)
        context = {"subject": subject_text, "language": language, **context}
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    return OutgoingMessage(
        recipient=recipient,
        language=language,
        subject=subject_text,
        text=text,
        html=html,
        kind=kind,
        cohort_id=cohort.id if cohort is not None else None,
        event_key=event_key,
        created_at=timeutil.utc_now(),
        next_attempt_at=timeutil.utc_now(),
        attempts=0,
    )


def address_of(endpoint: str, **values: object) -> str:
    """Return the full address of a page for a message: BASE_URL, then the page's path.

    Never from the request's Host header, which whoever sends the request chooses: a forgotten
    password's link would otherwise lead to their server. Works on the command line too.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
