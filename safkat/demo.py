"""Demo data: authorities, officers, an administrator and a dozen enterprises.

Idempotent: running it again adds only what is missing.
"""

from __future__ import annotations

import functools
import io
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select
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
from safkat.storage import FileStore

DEMO_PASSWORD = "safkat-demo-2026"
# Each demo officer's opening key, as the backup file an officer downloads (README, "Demo").
# Published on purpose: demo keys protect nothing.
DEMO_KEYS = Path(__file__).parent / "demo_keys"
DEMO_KEY_PASSPHRASE = "safkat-demo-opening-2026"

AUTHORITIES = [
    (
        "AT-ORN",
        "Algérie Télécom — Direction opérationnelle d'Oran",
        "اتصالات الجزائر — المديرية العملياتية لوهران",
        "31",
    ),
    ("AP-ALG", "Algérie Poste — Direction de wilaya d'Alger", "بريد الجزائر — مديرية ولاية الجزائر", "16"),
]
OFFICERS = [
    ("officer.oran@safkat.dz", "Karima Benali", "AT-ORN"),
    ("officer2.oran@safkat.dz", "Yacine Meziane", "AT-ORN"),
    ("officer3.oran@safkat.dz", "Rachid Ouali", "AT-ORN"),  # a commission needs three members
    ("officer.alger@safkat.dz", "Nadia Hamidi", "AP-ALG"),
    ("officer2.alger@safkat.dz", "Sofiane Kaci", "AP-ALG"),
    ("officer3.alger@safkat.dz", "Amina Boudiaf", "AP-ALG"),
]
# name, legal form, scheme, wilaya, status, sector codes
ENTERPRISES = [
    ("Fibre Ouest SARL", "sarl", "anade", "31", "verified", ["telecom_networks", "civil_works"]),
    ("Réseaux Tell EURL", "eurl", "anade", "13", "verified", ["telecom_networks"]),
    ("Génie Civil Hodna", "sarl", "cnac", "28", "verified", ["civil_works", "building"]),
    ("InfoMaint Alger", "eurl", "angem", "16", "verified", ["it_maintenance", "it_equipment"]),
    ("Câblage Sahel", "individual", "anade", "42", "pending", ["telecom_networks", "electricity"]),
    ("Bureau Études Atlas", "sarl", "anade", "09", "pending", ["studies"]),
    ("Nettoyage Blanc Oran", "individual", "angem", "31", "pending", ["cleaning"]),
    ("Menuiserie El Bahia", "artisan", "angem", "31", "registered", ["carpentry"]),
    ("Transport Rapide Sétif", "eurl", "cnac", "19", "registered", ["transport"]),
    ("ÉlecPro Constantine", "sarl", "anade", "25", "rejected", ["electricity"]),
    ("Fournitures Djurdjura", "snc", "none", "15", "suspended", ["office_supplies"]),
    ("Gardiennage Sûreté Blida", "sarl", "none", "09", "verified", ["security"]),
]
DEMO_PDF = b"%PDF-1.4\n% Safkat demo attestation\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _email_for(index: int) -> str:
    return f"firm{index + 1:02d}@demo.safkat.dz"


def seed(
    session: Session, hasher: PasswordHasher, now: datetime, store: FileStore | None = None, keys=None
) -> list[tuple[str, str]]:
    """Insert what is missing and return ``(role, email)`` pairs for the demo logins."""
    password_hash = hasher.hash(DEMO_PASSWORD)
    authorities = {}
    for code, name_fr, name_ar, wilaya in AUTHORITIES:
        authority = session.scalar(select(ContractingAuthority).where(ContractingAuthority.code == code))
        if authority is None:
            authority = ContractingAuthority(
                code=code, name_fr=name_fr, name_ar=name_ar, wilaya_code=wilaya, is_active=True, created_at=now
            )
            session.add(authority)
            session.flush()
            audit.record(
                session,
                actor=None,
                action="authority.created",
                object_type="authority",
                object_id=authority.id,
                now=now,
                code=code,
                demo=True,
            )
        authorities[code] = authority

    def ensure_user(email, **fields) -> User:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                password_hash=password_hash,
                is_active=True,
                created_at=now,
                email_verified_at=now,
                session_version=1,
                locale="fr",
                **fields,
            )
            session.add(user)
            session.flush()
            audit.record(
                session,
                actor=None,
                action="user.created",
                object_type="user",
                object_id=user.id,
                now=now,
                role=user.role,
                demo=True,
            )
        return user

    logins = [("admin", ensure_user("admin@safkat.dz", full_name="Admin Safkat", role=Role.ADMIN).email)]
    for email, name, code in OFFICERS:
        officer = ensure_user(email, full_name=name, role=Role.OFFICER, authority=authorities[code])
        _give_demo_opening_key(session, officer, now)
        logins.append((f"officer ({code})", email))

    sectors = {sector.code: sector for sector in session.scalars(select(Sector))}
    for index, (name, form, scheme, wilaya, status, sector_codes) in enumerate(ENTERPRISES):
        nif = f"0{index + 1:02d}{wilaya}1234567890"[:15].ljust(15, "0")
        enterprise = session.scalar(select(Enterprise).where(Enterprise.nif == nif))
        if enterprise is None:
            enterprise = Enterprise(
                name=name,
                legal_form=form,
                nif=nif,
                nis=f"1{nif[1:]}",
                support_scheme=scheme,
                rc_number=None if form == "artisan" else f"{wilaya}/00-{1000000 + index} B 2{index % 7}",
                artisan_card=f"CA-{wilaya}-{4000 + index}" if form == "artisan" else None,
                attestation_number=None
                if scheme == "none"
                else f"{scheme.upper()}/{wilaya}/{2020 + index % 6}/{300 + index}",
                wilaya_code=wilaya,
                address=f"{10 + index} rue de l'Indépendance",
                phone=f"0550 00 {index:02d} 11",
                contact_person=f"Gérant {index + 1}",
                email=_email_for(index),
                status=status,
                status_reason=_reason(status),
                status_changed_at=now - timedelta(days=index),
                created_at=now - timedelta(days=30 + index),
                sectors=[sectors[c] for c in sector_codes if c in sectors],
            )
            session.add(enterprise)
            session.flush()
            audit.record(
                session,
                actor=None,
                action="enterprise.registered",
                object_type="enterprise",
                object_id=enterprise.id,
                now=now,
                demo=True,
                status=status,
            )
            owner = ensure_user(
                _email_for(index),
                full_name=enterprise.contact_person,
                role=Role.BIDDER,
                enterprise=enterprise,
                is_enterprise_owner=True,
            )
            if store is not None and status != EnterpriseStatus.REGISTERED:
                _attach_demo_documents(session, store, enterprise, owner, now)
        logins.append((f"bidder ({status})", _email_for(index)))
    session.flush()
    if store is not None and keys is not None:
        from safkat.demo_execution import seed_execution
        from safkat.demo_tenders import seed_tenders

        seed_tenders(session, store, now, keys)
        seed_execution(session, store, now, keys)
    return logins


def demo_key_backup(email: str) -> str:
    """The text of a demo officer's key backup (it opens with ``DEMO_KEY_PASSPHRASE``)."""
    return (DEMO_KEYS / f"{email}.json").read_text()


@functools.cache
def demo_private_key(email: str) -> X25519PrivateKey:
    """A demo officer's private key, read from their backup (the seeding hands in their
    shares at the demo openings; a real officer's key never reaches the server)."""
    from safkat.keyshare import backup

    return backup.read_backup(demo_key_backup(email), DEMO_KEY_PASSPHRASE)


def _give_demo_opening_key(session: Session, officer: User, now: datetime) -> None:
    """Register the public half of the officer's committed demo backup, unless they have a key."""
    from safkat.commission import member_keys
    from safkat.keyshare import backup, messages

    if member_keys.active_key(session, officer) is None:
        public_key = backup.backup_public_key(demo_key_backup(officer.email))
        member_keys.register_key(session, officer, messages.b64(public_key), now)


def _reason(status: str) -> str | None:
    if status == EnterpriseStatus.REJECTED:
        return "L'extrait du registre du commerce est illisible. Merci de le renvoyer."
    if status == EnterpriseStatus.SUSPENDED:
        return "Attestation de mise à jour CNAS expirée."
    return None


def _attach_demo_documents(session, store, enterprise, owner, now) -> None:
    kinds = [DocumentKind.TRADE_REGISTER]
    if enterprise.is_micro_enterprise:
        kinds.append(DocumentKind.SUPPORT_ATTESTATION)
    for kind in kinds:
        stored = store.save(io.BytesIO(DEMO_PDF), max_bytes=1024 * 1024, allowed_types={"application/pdf"})
        session.add(
            EnterpriseDocument(
                enterprise=enterprise,
                kind=kind,
                original_name=f"{kind}.pdf",
                content_type=stored.content_type,
                size_bytes=stored.size_bytes,
                sha256=stored.sha256,
                storage_key=stored.storage_key,
                uploaded_at=now,
                uploaded_by_id=owner.id,
            )
        )
