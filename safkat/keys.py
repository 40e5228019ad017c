"""The platform's two secret keys: the key-encryption key (KEK) that wraps every tender's
private key, and the Ed25519 key that signs receipts.

Each comes from an environment variable (hex) or a file of the instance folder created
with mode 0600 on first run. Neither is ever stored in the database; the database keeps
only a check value of the KEK, so that starting with a different KEK (a restored
database, a lost or swapped file) stops with a clear error instead of sealing new bids
under a key that cannot open the old ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nacl.signing import SigningKey, VerifyKey
from sqlalchemy import String, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from safkat.bids.crypto import kek_check_value
from safkat.config import ConfigError
from safkat.db import Base


class KeyCheck(Base):
    """What the database knows of the platform keys: check values, never the keys."""

    __tablename__ = "key_checks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


@dataclass(frozen=True)
class PlatformKeys:
    kek: bytes
    signing_key: SigningKey

    @property
    def verify_key(self) -> VerifyKey:
        return self.signing_key.verify_key


def _read_key(env_value: str | None, path: Path, *, create: bool) -> bytes:
    if env_value:
        try:
            key = bytes.fromhex(env_value.strip())
        except ValueError:
            raise ConfigError(f"{path.name}: the environment variable must hold 64 hex digits.") from None
    elif path.exists():
        key = bytes.fromhex(path.read_text().strip())
    elif create:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = os.urandom(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key.hex() + "\n")
    else:
        raise ConfigError(f"Missing key: set the variable or restore {path}.")
    if len(key) != 32:
        raise ConfigError(f"{path.name}: a key is 32 bytes (64 hex digits).")
    return key


def load_platform_keys(
    instance_path: Path, seal_key_hex: str | None, signing_key_hex: str | None, production: bool
) -> PlatformKeys:
    """Load the keys; in development, create missing ones in the instance folder."""
    kek = _read_key(seal_key_hex, instance_path / "seal.key", create=not production)
    signing = _read_key(signing_key_hex, instance_path / "signing.key", create=not production)
    return PlatformKeys(kek=kek, signing_key=SigningKey(signing))


def check_kek(session: Session, keys: PlatformKeys) -> None:
    """Refuse a KEK that differs from the one the database was sealed with.

    The first time (empty database), remember its check value.
    """
    if not inspect(session.get_bind()).has_table(KeyCheck.__tablename__):
        return  # not migrated yet: `safkat db upgrade` comes first
    expected = session.scalar(select(KeyCheck.value).where(KeyCheck.name == "kek"))
    actual = kek_check_value(keys.kek)
    if expected is None:
        session.add(KeyCheck(name="kek", value=actual))
        session.commit()
    elif expected != actual:
        raise ConfigError(
            "The platform seal key (SAFKAT_SEAL_KEY or instance/seal.key) is not the one this database's "
            "bids were sealed with. Restore the right key; nothing was changed."
        )
