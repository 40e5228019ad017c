"""Open-data records: the OCDS releases, stored once and never rewritten."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from safkat.db import Base, UTCDateTime


class OcdsRelease(Base):
    """One OCDS 1.1 release: a snapshot of a tender's public facts at one public change.

    ``release`` is the release's JSON exactly as published; it is written once, when the
    change happens, and served as it is ever after (a release is history, not a view).
    """

    __tablename__ = "ocds_releases"
    __table_args__ = (
        UniqueConstraint("ocid", "release_id", name="uq_ocds_releases_ocid_release_id"),
        Index("ix_ocds_releases_date_id", "date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ocid: Mapped[str] = mapped_column(String(80), index=True)
    release_id: Mapped[str] = mapped_column(String(120))
    tags: Mapped[str] = mapped_column(String(200))  # space-separated releaseTag codes
    date: Mapped[datetime] = mapped_column(UTCDateTime)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    release: Mapped[str] = mapped_column(Text)  # the release's JSON

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split()
