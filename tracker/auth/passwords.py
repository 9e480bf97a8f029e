"""Password hashing with Argon2id."""

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults: Argon2id with RFC 9106's low-memory profile (64 MiB, 3 passes).
APPLICATION_HASHER = PasswordHasher()
_hasher = APPLICATION_HASHER

MIN_LENGTH = 8


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password."""
    return _hasher.hash(password)


@lru_cache(maxsize=2)
def _hash_of_nothing(hasher: PasswordHasher) -> str:
    """Return a hash of a random password that nobody knows, at the hasher's cost."""
    return hasher.hash(secrets.token_urlsafe(32))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Tell whether a password matches its hash.

    Without a hash (no such account), check a hash of the same cost all the same, and refuse:
    answering faster would tell who has an account.
    """
    try:
        if password_hash is None:
            _hasher.verify(_hash_of_nothing(_hasher), password)
            return False
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
