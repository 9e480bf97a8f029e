"""Password hashing with Argon2id."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults: Argon2id with RFC 9106's low-memory profile (64 MiB, 3 passes).
APPLICATION_HASHER = PasswordHasher()
_hasher = APPLICATION_HASHER

MIN_LENGTH = 8


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether a password matches its hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
