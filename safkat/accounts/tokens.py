"""Signed, expiring tokens for e-mail links (verification, password reset)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from safkat.accounts.models import User


class TokenError(Exception):
    """The link is broken, forged or expired; ``expired`` says which."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(secret_key: str, purpose: str, now: datetime) -> URLSafeTimedSerializer:
    """A serializer whose timestamps come from the app's clock, not the machine's."""

    class ClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(now.timestamp())

    return URLSafeTimedSerializer(secret_key, salt=f"safkat.{purpose}", signer=ClockSigner)


def _password_fingerprint(user: User) -> str:
    # Changes when the password changes, so a reset link works only once.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_email_token(secret_key: str, user: User, now: datetime) -> str:
    return _serializer(secret_key, "verify-email", now).dumps({"uid": user.id, "email": user.email})


def make_reset_token(secret_key: str, user: User, now: datetime) -> str:
    payload = {"uid": user.id, "pw": _password_fingerprint(user)}
    return _serializer(secret_key, "reset-password", now).dumps(payload)


def read_token(secret_key: str, purpose: str, token: str, max_age: int, now: datetime) -> dict:
    """Return the token's payload or raise :class:`TokenError`."""
    serializer = _serializer(secret_key, purpose, now)
    try:
        payload = serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError(expired=True) from None
    except BadSignature:
        raise TokenError(expired=False) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("uid"), int):
        raise TokenError(expired=False)
    return payload


def reset_token_matches(user: User, payload: dict) -> bool:
    return payload.get("pw") == _password_fingerprint(user)
