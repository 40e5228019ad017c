"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# "fast" exists for the test suite only: hashing at full cost would make it slow.
PROFILES = {
    "default": {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 2},
    "fast": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
}

MIN_PASSWORD_LENGTH = 10


def make_hasher(profile: str = "default") -> PasswordHasher:
    return PasswordHasher(type=Type.ID, **PROFILES[profile])


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
