"""Factories that build valid objects with sensible defaults; tests override what matters."""

from __future__ import annotations

import itertools

from safkat.accounts.models import ContractingAuthority, Enterprise, Role, Sector, User
from safkat.db import Base

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


class Factory:
    def __init__(self, session, hasher, clock):
        self.session = session
        self.hasher = hasher
        self.clock = clock
        self._password_hash = hasher.hash(PASSWORD)

    def _save(self, obj: Base):
        self.session.add(obj)
        self.session.flush()
        return obj

    def authority(self, code: str | None = None, **fields) -> ContractingAuthority:
        n = next(_counter)
        defaults = dict(
            code=code or f"AU{n}",
            name_fr=f"Autorité {n}",
            name_ar=f"مصلحة {n}",
            wilaya_code="31",
            is_active=True,
            created_at=self.clock.now(),
        )
        return self._save(ContractingAuthority(**(defaults | fields)))

    def user(self, role: str = Role.BIDDER, **fields) -> User:
        n = next(_counter)
        defaults = dict(
            email=f"user{n}@example.dz",
            full_name=f"Person {n}",
            role=role,
            password_hash=self._password_hash,
            is_active=True,
            created_at=self.clock.now(),
            email_verified_at=self.clock.now(),
            session_version=1,
            locale="fr",
        )
        return self._save(User(**(defaults | fields)))

    def officer(self, authority: ContractingAuthority | None = None, **fields) -> User:
        return self.user(Role.OFFICER, authority=authority or self.authority(), **fields)

    def admin(self, **fields) -> User:
        return self.user(Role.ADMIN, **fields)

    def enterprise(self, status: str = "verified", scheme: str = "anade", **fields) -> Enterprise:
        n = next(_counter)
        defaults = dict(
            name=f"Entreprise {n}",
            legal_form="sarl",
            nif=f"{n:015d}",
            nis=f"9{n:014d}",
            rc_number=f"31/00-{1000000 + n} B 20",
            support_scheme=scheme,
            attestation_number=f"ATT-{n}",
            wilaya_code="31",
            address="1 rue Larbi Ben M'hidi",
            phone="0550 00 00 00",
            contact_person="Gérant",
            email=f"firm{n}@example.dz",
            status=status,
            created_at=self.clock.now(),
        )
        return self._save(Enterprise(**(defaults | fields)))

    def bidder(self, enterprise: Enterprise | None = None, **fields) -> User:
        enterprise = enterprise or self.enterprise()
        return self.user(Role.BIDDER, enterprise=enterprise, is_enterprise_owner=True, **fields)

    def sector(self, code: str = "telecom_networks") -> Sector:
        from sqlalchemy import select

        return self.session.scalar(select(Sector).where(Sector.code == code))
