"""The survey links sent to trainees: signed, naming the trainee and the moment, expiring after
SURVEY_DAYS, answered once (tracker.outcomes.operations keeps those answered).

The token is signed with the application's secret key under a salt of its own, so that no other
signed value of the tracker (a device's cookie, a signing pass) can stand for it, and the
trainee's id and the moment inside cannot be changed without breaking the signature.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from tracker import timeutil
from tracker.cohorts.models import Trainee
from tracker.mail.outbox import address_of
from tracker.outcomes.models import MOMENTS

SALT = "tracker-survey"
DAY_SECONDS = 24 * 60 * 60


class _ClockSigner(TimestampSigner):
    """Date the signatures by the tracker's clock, which the tests can set (or at an instant)."""

    signed_at: datetime | None = None

    def get_timestamp(self) -> int:
        return int((self.signed_at or timeutil.utc_now()).timestamp())


def _serializer(signed_at: datetime | None = None) -> URLSafeTimedSerializer:
    signer = type("_DatedSigner", (_ClockSigner,), {"signed_at": signed_at})
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT, signer=signer)


class LinkExpired(Exception):
    """A survey link older than SURVEY_DAYS."""


class LinkInvalid(Exception):
    """A survey link that the tracker did not sign as it is (changed, cut, made up)."""


@dataclass(frozen=True)
class SurveyOf:
    """Whom and what a survey link asks: a trainee's id and a moment."""

    trainee_id: int
    moment: str


def survey_token(trainee: Trainee, moment: str, signed_at: datetime | None = None) -> str:
    """Sign a token naming the trainee and the moment their situation is asked at (signed now,
    or at an instant: the demo's links, sent long ago)."""
    if moment not in MOMENTS:
        raise ValueError(f"no such moment: {moment!r}")
    return _serializer(signed_at).dumps({"trainee": trainee.id, "moment": moment})


def survey_link(trainee: Trainee, moment: str) -> str:
    """Return the absolute address of the trainee's survey for a moment (exit, 3 or 6 months),
    starting with BASE_URL as every mailed link does (never with a request's Host header)."""
    return address_of("outcomes.survey", token=survey_token(trainee, moment))


def read_survey_token(token: str) -> SurveyOf:
    """Read whom a token names; raise LinkExpired or LinkInvalid."""
    max_age = current_app.config["SURVEY_DAYS"] * DAY_SECONDS
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkExpired from error
    except BadSignature as error:
        raise LinkInvalid from error
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("trainee"), int)
        or payload.get("moment") not in MOMENTS
    ):
        raise LinkInvalid
    return SurveyOf(payload["trainee"], payload["moment"])
