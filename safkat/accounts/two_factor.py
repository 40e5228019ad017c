"""Two-factor login for officers and administrators: TOTP codes and recovery codes.

- The TOTP secret (RFC 6238, 30-second steps, 6 digits) is stored only sealed, with
  Fernet under a key derived from ``SECRET_KEY`` by HKDF-SHA256. Changing the secret key
  makes sealed secrets unreadable: their owners then log in with a recovery code and enrol
  again.
- A code is accepted for the current step or one step either side (clock drift), and
  never twice: the step of the last accepted code is claimed with a conditional UPDATE, so
  even two requests racing with the same code cannot both pass.
- Ten recovery codes of 80 random bits are shown once at enrolment; only their SHA-256
  is kept (enough for values that cannot be guessed), and each works once.

Functions take the session, the user, the inputs and ``now``; none knows Flask.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from argon2 import PasswordHasher
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from safkat import audit
from safkat.accounts.models import RecoveryCode, User
from safkat.accounts.passwords import verify_password
from safkat.errors import N_, DomainError

ISSUER = "Safkat"
STEP_SECONDS = 30
DIGITS = 6
RECOVERY_CODE_COUNT = 10
WRONG_CODE = N_("This code is not right. Type the code your app shows now, or one of your recovery codes.")


class SecretBox:
    """Seals TOTP secrets for the database with a key derived from the app's secret key."""

    def __init__(self, secret_key: str):
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"safkat.totp-secret.v1").derive(
            secret_key.encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str | None) -> str | None:
        if not sealed:
            return None
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None


def enrolment_secret(session: Session, user: User, box: SecretBox) -> str:
    """The secret being enrolled, created (and stored sealed) on first call."""
    if user.has_two_factor:
        raise DomainError(N_("Two-factor login is already on."))
    secret = box.open(user.totp_secret)
    if secret is None:
        secret = pyotp.random_base32()
        user.totp_secret = box.seal(secret)
        session.flush()
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=ISSUER
    )


def qr_code_data_uri(uri: str) -> str:
    """The ``otpauth://`` URI as an SVG QR code, in a ``data:`` URI the CSP allows for images."""
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


def enable(session: Session, user: User, code: str, box: SecretBox, now: datetime) -> list[str]:
    """Turn two-factor login on after a correct code; return the recovery codes to show once."""
    secret = enrolment_secret(session, user, box)
    counter = _matching_step(secret, code, now)
    if counter is None:
        raise DomainError(N_("This code is not right. Check the time of your phone and type the code shown now."))
    _claim_step(session, user, counter)
    user.totp_enabled_at = now
    codes = _new_recovery_codes(session, user, now)
    user.session_version += 1
    audit.record(session, actor=user, action="user.two_factor_enabled", object_type="user", object_id=user.id, now=now)
    return codes


def verify(session: Session, user: User, code: str, box: SecretBox, now: datetime) -> str:
    """Check a login's second factor: ``"totp"`` or ``"recovery"``, else a :class:`DomainError`."""
    if not user.has_two_factor:
        raise DomainError(WRONG_CODE)
    code = "".join(code.split())
    if code.isdigit() and len(code) == DIGITS:
        secret = box.open(user.totp_secret)
        counter = _matching_step(secret, code, now) if secret else None
        if counter is None:
            raise DomainError(WRONG_CODE)
        _claim_step(session, user, counter)
        return "totp"
    _use_recovery_code(session, user, code, now)
    return "recovery"


def disable(
    session: Session, user: User, password: str, code: str, hasher: PasswordHasher, box: SecretBox, now: datetime
) -> None:
    """Turn two-factor login off; needs the password and a current or recovery code."""
    if not verify_password(hasher, user.password_hash, password):
        raise DomainError(N_("The password is not right."))
    verify(session, user, code, box, now)
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.session_version += 1
    audit.record(session, actor=user, action="user.two_factor_disabled", object_type="user", object_id=user.id, now=now)


def recovery_codes_left(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == DIGITS):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for counter in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def _claim_step(session: Session, user: User, counter: int) -> None:
    claimed = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_counter.is_(None), User.totp_last_counter < counter))
        .values(totp_last_counter=counter)
    )
    if claimed.rowcount != 1:
        raise DomainError(N_("This code was already used. Wait for the next one."))


def _digest(code: str) -> str:
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()  # 80 bits, 16 characters
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code), created_at=now) for code in codes)
    session.flush()
    return codes


def _use_recovery_code(session: Session, user: User, code: str, now: datetime) -> None:
    row_id = session.scalar(
        select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(code), RecoveryCode.used_at.is_(None)
        )
    )
    used = None
    if row_id is not None:
        used = session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == row_id, RecoveryCode.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
    if used is None or used.rowcount != 1:
        raise DomainError(WRONG_CODE)
    audit.record(
        session,
        actor=user,
        action="user.recovery_code_used",
        object_type="user",
        object_id=user.id,
        now=now,
        left=recovery_codes_left(session, user),
    )
