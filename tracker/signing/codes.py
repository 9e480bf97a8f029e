"""The room's code of a half-day: what the projector shows and a trainee's phone sends back.

Time is cut into steps of `SIGNING_CODE_SECONDS` (30 by default): step = floor(unix time /
seconds). For each half-day and step, an HMAC-SHA256 keyed with the application's secret gives a
short code to type (6 characters from an alphabet without 0, O, 1 and I) and a longer token for
the QR code's address. A code is accepted during its step and the next one, so that a trainee who
reads it just before it changes still has time to type it; the half-day's id is in the HMAC, so a
code shown in another room, or on another half-day, is refused.

Once a trainee opened the signing page with a valid code, drawing the signature may take longer
than the code lasts: the page carries a pass, signed with the same secret, naming the half-day,
the trainee, the code and when it was read; the code is checked again as of that instant when the
signature is confirmed, within a few minutes (`PASS_SECONDS`).

Pure functions: the secret, the half-day's id and the instant are arguments.
"""

import base64
import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadData, URLSafeSerializer

# 32 symbols, 5 bits each: the digits and capitals that cannot be taken for one another.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6
TOKEN_LENGTH = 20
# The current step and the previous one are accepted.
ACCEPTED_STEPS = 2
# A code from an older step, up to this many steps back, is told expired rather than wrong.
RECOGNISED_STEPS = 20
# How long a signing page opened with a valid code may be confirmed.
PASS_SECONDS = 5 * 60

_BASE32 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET)


@dataclass(frozen=True)
class RoomCode:
    """A half-day's code during one step: the short code to type and the QR address's token."""

    step: int
    code: str
    token: str

    @property
    def spaced(self) -> str:
        """Return the code in two groups of three, easier to read from the back of a room."""
        return f"{self.code[:3]} {self.code[3:]}"


def time_step(now: datetime, seconds: int) -> int:
    """Return the code's time step at an instant: floor(unix time / seconds)."""
    return math.floor(now.timestamp() / seconds)


def step_ends(step: int, seconds: int) -> float:
    """Return the unix time at which a step ends (the next code is shown)."""
    return (step + 1) * seconds


def _key(secret: str | bytes, purpose: str) -> bytes:
    """Derive a key of its own for one use of the application's secret."""
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, f"tracker.signing.{purpose}".encode(), hashlib.sha256).digest()


def room_code(secret: str | bytes, session_id: int, step: int) -> RoomCode:
    """Return a half-day's code and token during a time step."""
    digest = hmac.new(
        _key(secret, "room-code"), f"{session_id}:{step}".encode(), hashlib.sha256
    ).digest()
    letters = base64.b32encode(digest).decode().translate(_BASE32)
    return RoomCode(step, letters[:CODE_LENGTH], letters[CODE_LENGTH : CODE_LENGTH + TOKEN_LENGTH])


def current_code(secret: str | bytes, session_id: int, now: datetime, seconds: int) -> RoomCode:
    """Return the code a half-day's projector shows at an instant."""
    return room_code(secret, session_id, time_step(now, seconds))


def normalised(text: str | None) -> str:
    """Return a typed code as the codes are written: capitals, without spaces or dashes."""
    return "".join((text or "").split()).replace("-", "").upper()


def _matches(text: str, code: RoomCode) -> bool:
    # In constant time: how much of a code is right must not show in the answer's delay. As
    # bytes: compare_digest refuses strings with letters outside ASCII, which anyone may type.
    typed = text.encode()
    return hmac.compare_digest(typed, code.code.encode()) | hmac.compare_digest(
        typed, code.token.encode()
    )


def step_of(
    secret: str | bytes, session_id: int, text: str | None, now: datetime, seconds: int
) -> int | None:
    """Return the step of a half-day's code or token if it is accepted at an instant, else None.

    Accepted: the code of the current step or of the previous one.
    """
    text = normalised(text)
    if not text:
        return None
    current = time_step(now, seconds)
    for step in range(current, current - ACCEPTED_STEPS, -1):
        if _matches(text, room_code(secret, session_id, step)):
            return step
    return None


def is_expired(
    secret: str | bytes, session_id: int, text: str | None, now: datetime, seconds: int
) -> bool:
    """Tell whether a text is a half-day's code or token of an older step than those accepted
    (shown in the last few minutes), so that the trainee is told to read it again."""
    text = normalised(text)
    if not text:
        return False
    current = time_step(now, seconds)
    older = range(current - ACCEPTED_STEPS, current - RECOGNISED_STEPS, -1)
    return any(_matches(text, room_code(secret, session_id, step)) for step in older)


# ---------------------------------------------------------------------------------------------
# The pass of a signing page opened with a code


@dataclass(frozen=True)
class SigningPass:
    """What a signing page opened with a code may sign: a half-day, by a trainee, with the code
    read at an instant (checked again, as of that instant, when the signature is confirmed)."""

    session_id: int
    trainee_id: int
    code: str
    read_at: datetime


def _serializer(secret: str | bytes) -> URLSafeSerializer:
    return URLSafeSerializer(_key(secret, "pass"), salt="signing-pass")


def issue_pass(
    secret: str | bytes, session_id: int, trainee_id: int, code: str, read_at: datetime
) -> str:
    """Return the signed pass of a signing page opened with a code read at an instant."""
    return _serializer(secret).dumps(
        # To the millisecond below: never later than the reading, whose step it keeps.
        [session_id, trainee_id, normalised(code), math.floor(read_at.timestamp() * 1000) / 1000]
    )


def read_pass(secret: str | bytes, text: str | None) -> SigningPass | None:
    """Read a signing page's pass; None when it is missing or was not issued by this site."""
    try:
        session_id, trainee_id, code, read_at = _serializer(secret).loads(text or "")
    except (BadData, ValueError, TypeError):
        return None
    if not (
        type(session_id) is int
        and type(trainee_id) is int
        and isinstance(code, str)
        and isinstance(read_at, int | float)
    ):
        return None
    return SigningPass(session_id, trainee_id, code, datetime.fromtimestamp(read_at, UTC))
