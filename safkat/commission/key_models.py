"""The commission's opening keys: each officer's public key, and each member's sealed share
of a tender's commission secret (issue 14; the cryptography is :mod:`safkat.keyshare`).

The server holds no private half: a member's private key lives in their browser or their
command-line tool, and the database keeps only what is sealed to it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safkat.accounts.models import User
from safkat.db import Base, UTCDateTime


class MemberKey(Base):
    """An officer's opening public key (X25519). One active key per officer; a replaced or
    revoked key stays, so that the shares sealed to it keep naming the key they need."""

    __tablename__ = "member_keys"
    __table_args__ = (
        Index(
            "uq_member_keys_one_active",
            "user_id",
            unique=True,
            sqlite_where=Column("revoked_at").is_(None),
            postgresql_where=Column("revoked_at").is_(None),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    fingerprint: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class TenderKeyShare(Base):
    """One member's share of a tender's commission secret, for one commission (``epoch``).

    ``sealed_share`` opens only with the member's private key; ``commitment`` names a share
    handed in that is not this one. After the deadline, the share the member hands in is
    kept in ``kept_share`` (under the KEK, bound to tender, epoch and member) until the
    quorum comes. A redistribution retires the shares of the old epoch.
    """

    __tablename__ = "tender_key_shares"
    __table_args__ = (
        UniqueConstraint("tender_id", "epoch", "user_id", name="uq_tender_key_shares_member"),
        UniqueConstraint("tender_id", "epoch", "share_index", name="uq_tender_key_shares_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    epoch: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the keyshare "member id"
    share_index: Mapped[int] = mapped_column(Integer)
    member_key_id: Mapped[int] = mapped_column(ForeignKey("member_keys.id"))  # the key it is sealed to
    sealed_share: Mapped[bytes] = mapped_column(LargeBinary)
    commitment: Mapped[str] = mapped_column(String(64))
    kept_share: Mapped[bytes | None] = mapped_column(LargeBinary)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    member_key: Mapped[MemberKey] = relationship()
