"""Account operations: registration, e-mail verification, login, enterprise review.

Every function takes the session, the actor, its inputs and ``now``; none knows Flask.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safkat import audit
from safkat.accounts.models import (
    ContractingAuthority,
    DocumentKind,
    Enterprise,
    EnterpriseDocument,
    EnterpriseStatus,
    Role,
    Sector,
    User,
)
from safkat.accounts.passwords import MIN_PASSWORD_LENGTH, verify_password
from safkat.accounts.validators import (
    is_valid_authority_code,
    is_valid_nif,
    normalise_digits,
    normalise_email,
    normalise_rc,
)
from safkat.errors import N_, DomainError, InvalidTransition
from safkat.filenames import clean_file_name
from safkat.statemachine import StateMachine
from safkat.storage import FileStore

ENTERPRISE_LIFECYCLE = StateMachine(
    "enterprise",
    {
        (EnterpriseStatus.REGISTERED, "submit"): EnterpriseStatus.PENDING,
        (EnterpriseStatus.REJECTED, "submit"): EnterpriseStatus.PENDING,
        (EnterpriseStatus.PENDING, "approve"): EnterpriseStatus.VERIFIED,
        (EnterpriseStatus.PENDING, "reject"): EnterpriseStatus.REJECTED,
        (EnterpriseStatus.VERIFIED, "suspend"): EnterpriseStatus.SUSPENDED,
        (EnterpriseStatus.SUSPENDED, "reinstate"): EnterpriseStatus.VERIFIED,
    },
)
INVALID_AUTHORITY_CODE = N_(
    "The code is 2 to 8 capital letters or digits, optionally followed by a dash and a suffix (e.g. AT-ORN)."
)
REVIEW_ACTIONS = ("approve", "reject", "suspend", "reinstate")
ACTIONS_NEEDING_REASON = ("reject", "suspend")
ENTERPRISE_DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}


@dataclass
class EnterpriseRegistration:
    """What a firm types in the registration form."""

    company_name: str
    legal_form: str
    nif: str
    nis: str
    rc_number: str | None
    artisan_card: str | None
    support_scheme: str
    attestation_number: str | None
    wilaya_code: str
    sector_ids: list[int]
    address: str
    phone: str
    contact_person: str
    email: str
    password: str
    locale: str = "fr"


@dataclass
class UploadedDocument:
    kind: str
    filename: str
    stream: BinaryIO


@dataclass
class LoginResult:
    user: User
    needs_rehash: bool = field(default=False)


class InvalidCredentials(DomainError):
    pass


@dataclass
class RegistrationOutcome:
    """What a registration did. The visitor gets the same answer either way (no account
    enumeration); the view e-mails ``created`` a confirmation link, or ``existing`` (the owner
    of the address, or of the enterprise with that NIF) a warning."""

    created: User | None = None
    existing: User | None = None
    conflict: str | None = None  # "email" or "nif"


def register_enterprise(
    session: Session, data: EnterpriseRegistration, hasher: PasswordHasher, now: datetime
) -> RegistrationOutcome:
    """Create an enterprise and its owner account (the e-mail still to be verified), unless
    the address or the NIF is already registered. Both paths do the same work (the password
    is hashed first), so neither the answer nor its time says which accounts exist."""
    email = normalise_email(data.email)
    nif = normalise_digits(data.nif)
    if not is_valid_nif(nif):
        raise DomainError(N_("The NIF must have 15 digits (20 for some entities)."))
    if len(data.password) < MIN_PASSWORD_LENGTH:
        raise DomainError(N_("The password must have at least %(n)s characters."), n=MIN_PASSWORD_LENGTH)
    password_hash = hasher.hash(data.password)
    owner = session.scalar(select(User).where(User.email == email))
    if owner is not None:
        return RegistrationOutcome(existing=owner, conflict="email")
    enterprise = session.scalar(select(Enterprise).where(Enterprise.nif == nif))
    if enterprise is not None:
        owners = [member for member in enterprise.members if member.is_enterprise_owner and member.is_active]
        return RegistrationOutcome(existing=owners[0] if owners else None, conflict="nif")
    return RegistrationOutcome(created=_create_enterprise(session, data, email, nif, password_hash, now))


def _create_enterprise(
    session: Session, data: EnterpriseRegistration, email: str, nif: str, password_hash: str, now: datetime
) -> User:
    sectors = session.scalars(select(Sector).where(Sector.id.in_(data.sector_ids))).all()
    enterprise = Enterprise(
        name=data.company_name.strip(),
        legal_form=data.legal_form,
        nif=nif,
        nis=normalise_digits(data.nis),
        rc_number=normalise_rc(data.rc_number) if data.rc_number else None,
        artisan_card=(data.artisan_card or "").strip() or None,
        support_scheme=data.support_scheme,
        attestation_number=(data.attestation_number or "").strip() or None,
        wilaya_code=data.wilaya_code,
        address=data.address.strip(),
        phone=data.phone.strip(),
        contact_person=data.contact_person.strip(),
        email=email,
        status=EnterpriseStatus.REGISTERED,
        created_at=now,
        sectors=list(sectors),
    )
    user = User(
        email=email,
        password_hash=password_hash,
        full_name=data.contact_person.strip(),
        role=Role.BIDDER,
        locale=data.locale,
        is_active=True,
        created_at=now,
        session_version=1,
        enterprise=enterprise,
        is_enterprise_owner=True,
    )
    session.add_all([enterprise, user])
    session.flush()
    audit.record(
        session,
        actor=user,
        action="enterprise.registered",
        object_type="enterprise",
        object_id=enterprise.id,
        now=now,
        nif=nif,
        name=enterprise.name,
    )
    return user


def confirm_email(session: Session, user: User, email: str, now: datetime) -> bool:
    """Mark the e-mail verified if ``email`` is still the account's. Returns False if stale."""
    if normalise_email(email) != user.email:
        return False
    if user.email_verified_at is None:
        user.email_verified_at = now
        audit.record(session, actor=user, action="user.email_verified", object_type="user", object_id=user.id, now=now)
    session.flush()
    return True


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(session: Session, email: str, password: str, hasher: PasswordHasher, now: datetime) -> User:
    """Return the user whose credentials these are, or raise :class:`InvalidCredentials`.

    The same error (and about the same time) whether the e-mail exists or not. The login
    is recorded by :func:`record_login` once every factor is given.
    """
    user = find_user_by_email(session, email)
    if user is None:
        hasher.hash(password)  # spend the same time as a real check
        raise InvalidCredentials(N_("Wrong e-mail address or password."))
    if not verify_password(hasher, user.password_hash, password):
        raise InvalidCredentials(N_("Wrong e-mail address or password."))
    if not user.is_active:
        raise InvalidCredentials(N_("This account is disabled. Contact the platform's administrators."))
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def record_login(session: Session, user: User, now: datetime, second_factor: str | None = None) -> None:
    """Note a completed login (after the second factor, for those who have one)."""
    user.last_login_at = now
    details = {"second_factor": second_factor} if second_factor else {}
    audit.record(
        session, actor=user, action="user.logged_in", object_type="user", object_id=user.id, now=now, **details
    )


def change_password(session: Session, user: User, new_password: str, hasher: PasswordHasher, now: datetime) -> None:
    """Set a new password and end every other session of the user."""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise DomainError(N_("The password must have at least %(n)s characters."), n=MIN_PASSWORD_LENGTH)
    user.password_hash = hasher.hash(new_password)
    user.session_version += 1
    audit.record(session, actor=user, action="user.password_changed", object_type="user", object_id=user.id, now=now)
    session.flush()


def change_own_password(
    session: Session, user: User, current_password: str, new_password: str, hasher: PasswordHasher, now: datetime
) -> None:
    """Change a password from the account page: the current one is asked first."""
    if not verify_password(hasher, user.password_hash, current_password):
        raise DomainError(N_("The current password is not right."))
    change_password(session, user, new_password, hasher, now)


def submit_enterprise_documents(
    session: Session,
    enterprise: Enterprise,
    actor: User,
    documents: Iterable[UploadedDocument],
    store: FileStore,
    max_bytes: int,
    now: datetime,
) -> list[EnterpriseDocument]:
    """Store the attestation files and send the enterprise for review."""
    next_status = ENTERPRISE_LIFECYCLE.next_state(enterprise.status, "submit")
    documents = list(documents)
    if any(document.kind not in DocumentKind.__members__.values() for document in documents):
        raise DomainError(N_("Unknown kind of document."))
    kinds = {doc.kind for doc in enterprise.documents} | {doc.kind for doc in documents}
    if DocumentKind.TRADE_REGISTER not in kinds:
        raise DomainError(N_("Attach at least the trade register extract or the artisan card."))
    if enterprise.is_micro_enterprise and DocumentKind.SUPPORT_ATTESTATION not in kinds:
        raise DomainError(N_("Attach the attestation of your support scheme (ANADE, ANGEM or CNAC)."))
    saved: list[EnterpriseDocument] = []
    try:
        for document in documents:
            stored = store.save(document.stream, max_bytes=max_bytes, allowed_types=ENTERPRISE_DOCUMENT_TYPES)
            saved.append(
                EnterpriseDocument(
                    kind=document.kind,
                    original_name=clean_file_name(document.filename),
                    content_type=stored.content_type,
                    size_bytes=stored.size_bytes,
                    sha256=stored.sha256,
                    storage_key=stored.storage_key,
                    uploaded_at=now,
                    uploaded_by_id=actor.id,
                )
            )
    except Exception:
        for row in saved:  # the transaction will roll back: leave no orphan file behind
            store.delete(row.storage_key)
        raise
    enterprise.documents.extend(saved)  # only now: a failed upload leaves the list as it was
    _move(session, enterprise, actor, "submit", next_status, None, now, documents=len(saved))
    return saved


def review_enterprise(
    session: Session, enterprise: Enterprise, actor: User, action: str, reason: str | None, now: datetime
) -> None:
    """Approve, reject, suspend or reinstate an enterprise."""
    if action not in REVIEW_ACTIONS:
        raise InvalidTransition(N_("Unknown action."))
    reason = (reason or "").strip() or None
    if action in ACTIONS_NEEDING_REASON and not reason:
        raise DomainError(N_("Give the reason: the enterprise will read it."))
    next_status = ENTERPRISE_LIFECYCLE.next_state(enterprise.status, action)
    _move(session, enterprise, actor, action, next_status, reason, now)


def _move(session, enterprise, actor, action, next_status, reason, now, **details) -> None:
    previous = enterprise.status
    enterprise.status = next_status
    enterprise.status_reason = reason
    enterprise.status_changed_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"enterprise.{action}",
        object_type="enterprise",
        object_id=enterprise.id,
        now=now,
        previous=previous,
        status=next_status,
        reason=reason,
        **details,
    )


def create_staff_user(
    session: Session,
    *,
    actor: User | None,
    email: str,
    full_name: str,
    role: str,
    password: str,
    hasher: PasswordHasher,
    now: datetime,
    authority: ContractingAuthority | None = None,
    locale: str = "fr",
) -> User:
    """Create an officer or an administrator (their e-mail counts as verified)."""
    email = normalise_email(email)
    if role not in (Role.OFFICER, Role.ADMIN):
        raise DomainError(N_("Only officers and administrators are created here."))
    if role == Role.OFFICER and authority is None:
        raise DomainError(N_("An officer belongs to a contracting authority."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(N_("The password must have at least %(n)s characters."), n=MIN_PASSWORD_LENGTH)
    if find_user_by_email(session, email) is not None:
        raise DomainError(N_("An account with this e-mail address already exists."))
    user = User(
        email=email,
        full_name=full_name.strip(),
        role=role,
        password_hash=hasher.hash(password),
        authority=authority if role == Role.OFFICER else None,
        locale=locale,
        is_active=True,
        created_at=now,
        email_verified_at=now,
        session_version=1,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.created",
        object_type="user",
        object_id=user.id,
        now=now,
        role=role,
        authority=authority.code if authority else None,
    )
    return user


def set_user_active(session: Session, user: User, actor: User, active: bool, now: datetime) -> None:
    """Enable or disable a staff account; disabling ends its sessions."""
    user.is_active = active
    if not active:
        user.session_version += 1
    audit.record(
        session,
        actor=actor,
        action="user.enabled" if active else "user.disabled",
        object_type="user",
        object_id=user.id,
        now=now,
    )
    session.flush()


@dataclass
class AuthorityData:
    code: str
    name_fr: str
    name_ar: str
    wilaya_code: str


def save_authority(
    session: Session,
    data: AuthorityData,
    actor: User | None,
    now: datetime,
    authority: ContractingAuthority | None = None,
) -> ContractingAuthority:
    """Create a contracting authority, or update ``authority``."""
    code = data.code.strip().upper()
    if not is_valid_authority_code(code):
        raise DomainError(INVALID_AUTHORITY_CODE)
    clash = session.scalar(select(ContractingAuthority).where(func.upper(ContractingAuthority.code) == code))
    if clash is not None and clash is not authority:
        raise DomainError(N_("Another authority already uses this code."))
    action = "authority.updated"
    if authority is None:
        authority = ContractingAuthority(created_at=now, is_active=True)
        session.add(authority)
        action = "authority.created"
    authority.code = code
    authority.name_fr = data.name_fr.strip()
    authority.name_ar = data.name_ar.strip()
    authority.wilaya_code = data.wilaya_code
    session.flush()
    audit.record(
        session, actor=actor, action=action, object_type="authority", object_id=authority.id, now=now, code=code
    )
    return authority
