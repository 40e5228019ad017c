"""Account models: users, enterprises and their documents, authorities, sectors."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safkat.db import Base, UTCDateTime, one_of


class Role(StrEnum):
    BIDDER = "bidder"
    OFFICER = "officer"
    ADMIN = "admin"


class EnterpriseStatus(StrEnum):
    REGISTERED = "registered"  # account created, documents not yet submitted
    PENDING = "pending"  # documents submitted, waiting for review
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class SupportScheme(StrEnum):
    ANADE = "anade"
    ANGEM = "angem"
    CNAC = "cnac"
    NONE = "none"


class LegalForm(StrEnum):
    INDIVIDUAL = "individual"  # personne physique / entreprise individuelle
    EURL = "eurl"
    SARL = "sarl"
    SNC = "snc"
    SPA = "spa"
    ARTISAN = "artisan"


class DocumentKind(StrEnum):
    SUPPORT_ATTESTATION = "support_attestation"  # ANADE / ANGEM / CNAC attestation
    TRADE_REGISTER = "trade_register"  # extrait du RC or carte d'artisan
    TAX_CARD = "tax_card"  # carte d'immatriculation fiscale (NIF)
    OTHER = "other"


class Sector(Base):
    """A sector of activity, e.g. fibre-optic networks or civil works."""

    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_fr: Mapped[str] = mapped_column(String(120))
    name_ar: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))

    def name(self, locale: str) -> str:
        return {"ar": self.name_ar, "en": self.name_en}.get(locale, self.name_fr)


enterprise_sectors = Table(
    "enterprise_sectors",
    Base.metadata,
    Column("enterprise_id", ForeignKey("enterprises.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="RESTRICT"), primary_key=True),
)


class ContractingAuthority(Base):
    """A service contractant, e.g. Algérie Télécom, direction opérationnelle d'Oran."""

    __tablename__ = "authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_ar: Mapped[str] = mapped_column(String(200))
    wilaya_code: Mapped[str] = mapped_column(String(2))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    commission_quorum: Mapped[int] = mapped_column(Integer, default=2, server_default="2")  # new tenders' k

    officers: Mapped[list[User]] = relationship(back_populates="authority")

    def name(self, locale: str) -> str:
        return self.name_ar if locale == "ar" else self.name_fr


class Enterprise(Base):
    """A bidding firm, most often a micro-enterprise created with state support."""

    __tablename__ = "enterprises"
    __table_args__ = (
        CheckConstraint(one_of("status", EnterpriseStatus), name="status"),
        CheckConstraint(one_of("support_scheme", SupportScheme), name="support_scheme"),
        CheckConstraint(one_of("legal_form", LegalForm), name="legal_form"),
        CheckConstraint("rc_number IS NOT NULL OR artisan_card IS NOT NULL", name="has_register_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(16))
    nif: Mapped[str] = mapped_column(String(20), unique=True)
    nis: Mapped[str] = mapped_column(String(20))
    rc_number: Mapped[str | None] = mapped_column(String(40))
    artisan_card: Mapped[str | None] = mapped_column(String(40))
    support_scheme: Mapped[str] = mapped_column(String(8))
    attestation_number: Mapped[str | None] = mapped_column(String(60))
    wilaya_code: Mapped[str] = mapped_column(String(2), index=True)
    address: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(30))
    contact_person: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16), default=EnterpriseStatus.REGISTERED, index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    sectors: Mapped[list[Sector]] = relationship(secondary=enterprise_sectors, order_by=Sector.code)
    members: Mapped[list[User]] = relationship(back_populates="enterprise")
    documents: Mapped[list[EnterpriseDocument]] = relationship(
        back_populates="enterprise", order_by="EnterpriseDocument.id"
    )

    @property
    def is_micro_enterprise(self) -> bool:
        return self.support_scheme != SupportScheme.NONE

    @property
    def is_verified(self) -> bool:
        return self.status == EnterpriseStatus.VERIFIED


class EnterpriseDocument(Base):
    """An attestation file an enterprise uploaded for its verification."""

    __tablename__ = "enterprise_documents"
    __table_args__ = (CheckConstraint(one_of("kind", DocumentKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    enterprise: Mapped[Enterprise] = relationship(back_populates="documents")


class User(UserMixin, Base):
    """A person who logs in: a bidder, an officer or an administrator."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("role", Role), name="role"),
        CheckConstraint("role <> 'officer' OR authority_id IS NOT NULL", name="officer_authority"),
        CheckConstraint("role <> 'bidder' OR enterprise_id IS NOT NULL", name="bidder_enterprise"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped to log the user out everywhere (password reset, "log out everywhere").
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    is_enterprise_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"), index=True)
    # Two-factor login (staff): the TOTP secret sealed under a key derived from SECRET_KEY
    # (see accounts/two_factor.py), set on enrolment and in force once confirmed.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time step of the last accepted code: a code is never accepted twice.
    totp_last_counter: Mapped[int | None] = mapped_column(Integer)

    enterprise: Mapped[Enterprise | None] = relationship(back_populates="members")
    authority: Mapped[ContractingAuthority | None] = relationship(back_populates="officers")

    def get_id(self) -> str:
        """Flask-Login's session token: changes when the session version is bumped."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def is_bidder(self) -> bool:
        return self.role == Role.BIDDER

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None


class RecoveryCode(Base):
    """A single-use code that replaces the authenticator app once; only its SHA-256 is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EndedSession(Base):
    """A login session ended by logging out, whose cookie, replayed, must open nothing.

    Sessions are signed cookies: the server cannot delete one, so it remembers the ids of
    the ended ones until the moment they would have expired anyway (issue 18)."""

    __tablename__ = "ended_sessions"

    session_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
