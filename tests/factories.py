"""Factories that build valid objects with sensible defaults; tests override what matters."""

from __future__ import annotations

import itertools
import json

from safkat.accounts.models import ContractingAuthority, Enterprise, Role, Sector, User
from safkat.db import Base

PASSWORD = "correct horse battery"
_counter = itertools.count(1)

# Every member opening key the tests made, by fingerprint: the private halves stay here, on
# the "member's side", as a browser or the member's tool would keep them (never in the
# database). tests.bids.helpers.confirm_presence finds a member's key by the fingerprint
# the opening page names.
MEMBER_KEYS: dict = {}


def hand_in_shares(session, tender, kek, now, members=None):
    """``members`` (by default the first ``quorum`` of the tender's commission) hand in their
    shares through the service, as at the opening session, without confirming presence.
    Does nothing where the opening session could not take them: a tender sealed under the
    KEK alone, not published, or before its deadline (the opening then refuses by itself)."""
    from safkat.commission import keys
    from safkat.keyshare import messages

    if not keys.needs_shares(session, tender.id) or tender.status != "published":
        return
    if now < tender.submission_deadline_at:
        return

    members = members or [member.user for member in tender.commission.members][: tender.commission.quorum]
    for user in members:
        row = keys.current_share(session, tender.id, user.id)
        private_key = MEMBER_KEYS[row.member_key.fingerprint]
        clear = messages.clear_share(private_key, keys.share_request(row))
        keys.hand_in_share(session, tender, user, json.dumps(clear), kek, now)
    session.flush()


class Factory:
    def __init__(self, session, hasher, clock, store=None, kek=None):
        self.store = store
        self.kek = kek
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

    def opening_key(self, user):
        """``user``'s active opening key (made here if they have none); its private half is in
        :data:`MEMBER_KEYS`."""
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

        from safkat.bids.crypto import public_key_fingerprint
        from safkat.commission.key_models import MemberKey
        from safkat.commission.keys import active_keys
        from safkat.keyshare.sealing import public_bytes

        if key := active_keys(self.session, [user.id]).get(user.id):
            return key
        private_key = X25519PrivateKey.generate()
        public_key = public_bytes(private_key)
        key = MemberKey(
            user_id=user.id,
            public_key=public_key,
            fingerprint=public_key_fingerprint(public_key),
            created_at=self.clock.now(),
        )
        MEMBER_KEYS[key.fingerprint] = private_key
        return self._save(key)

    def member_private_key(self, user):
        return MEMBER_KEYS[self.opening_key(user).fingerprint]

    def hand_in_shares(self, tender, members=None, now=None):
        hand_in_shares(self.session, tender, self.kek, now or self.clock.now(), members)

    def commission(self, tender, members, quorum: int = 2, keys: bool = True):
        """Name ``members`` (users; the first is the chair) as the tender's commission; each
        gets an opening key unless ``keys`` is false."""
        from safkat.commission.models import Commission, CommissionMember

        for user in members if keys else []:
            self.opening_key(user)

        commission = Commission(
            tender_id=tender.id,
            quorum=quorum,
            changed_at=self.clock.now(),
            members=[CommissionMember(user_id=user.id, is_chair=n == 0) for n, user in enumerate(members)],
        )
        self._save(commission)
        self.session.refresh(tender, ["commission"])
        return commission

    def sector(self, code: str = "telecom_networks") -> Sector:
        from sqlalchemy import select

        return self.session.scalar(select(Sector).where(Sector.code == code))


def tender_factory(factory: Factory):
    """Adds ``make.tender(...)``: a tender in the asked public state, with lots and a document."""
    import io
    from datetime import timedelta

    from safkat.bids.crypto import new_tender_keypair, public_key_fingerprint
    from safkat.bids.models import KeyScheme, TenderKey
    from safkat.commission.keys import protect_tender_key
    from safkat.tenders import search
    from safkat.tenders.models import Lot, Tender, TenderDocument, TenderWilaya

    def make_tender(
        state: str = "open",
        authority=None,
        lots: int = 2,
        reserved: bool = False,
        commission=None,
        scheme: str = KeyScheme.COMMISSION,
        **fields,
    ) -> Tender:
        """``commission``: the members (the first chairs); by default the creator and two more
        officers; ``False`` for none. A published tender's key is held by its commission, or
        (``scheme="kek"``, or without a commission) under the KEK alone, as before issue 14."""
        now = factory.clock.now()
        authority = authority or factory.authority()
        officer = fields.pop("created_by", None) or factory.officer(authority=authority)
        n = next(_counter)
        deadline = now + timedelta(days=20) if state in ("open", "draft") else now - timedelta(days=1)
        wilayas = fields.pop("wilayas", ["31"])
        sectors = fields.pop("sectors", [factory.sector("telecom_networks")])
        defaults = dict(
            authority=authority,
            created_by=officer,
            title_fr=f"Déploiement de fibre optique n°{n}",
            title_ar=f"نشر الألياف البصرية رقم {n}",
            description_fr="Travaux de génie civil et de tirage de câbles.",
            category="works",
            procedure="open",
            estimated_budget=1_500_000_00,
            is_budget_public=True,
            enquiry_deadline_at=deadline - timedelta(days=5),
            submission_deadline_at=deadline,
            opening_at=deadline + timedelta(hours=1),
            opening_place="Salle de réunion, siège",
            created_at=now,
            changed_at=now,
            status="draft" if state == "draft" else ("cancelled" if state == "cancelled" else "published"),
        )
        values = defaults | fields
        tender = Tender(**values)
        tender.sectors = sectors
        tender.wilaya_rows = [TenderWilaya(wilaya_code=code) for code in wilayas]
        tender.lots = [
            Lot(number=i + 1, title_fr=f"Lot {i + 1}", estimated_amount=500_000_00, is_reserved=reserved)
            for i in range(lots)
        ]
        tender.has_reserved_lot = reserved
        if tender.status != "draft":
            tender.reference = fields.get("reference") or f"{authority.code}/{now.year}/{n:04d}"
            tender.published_at = values.get("published_at") or now - timedelta(days=10)
        if tender.status == "cancelled":
            tender.cancel_reason, tender.cancelled_at = "Besoin annulé", now
        stored = factory.store.save(
            io.BytesIO(b"%PDF-1.7\ncahier des charges " + str(n).encode()),
            max_bytes=10_000,
            allowed_types={"application/pdf"},
        )
        tender.documents = [
            TenderDocument(
                title="Cahier des charges",
                original_name="cdc.pdf",
                content_type=stored.content_type,
                size_bytes=stored.size_bytes,
                sha256=stored.sha256,
                storage_key=stored.storage_key,
                uploaded_at=now,
                download_count=0,
            )
        ]
        factory._save(tender)
        if commission is not False:
            others = [factory.officer(authority=authority), factory.officer(authority=authority)]
            factory.commission(tender, commission or [officer, *others])
        if tender.status != "draft":
            search.index_tender(factory.session, tender)
        if tender.status != "draft" and commission is not False and scheme == KeyScheme.COMMISSION:
            protect_tender_key(factory.session, tender, factory.kek, now)
            factory.session.flush()
        elif tender.status != "draft":
            public_key, wrapped = new_tender_keypair(factory.kek)
            factory._save(
                TenderKey(
                    tender_id=tender.id,
                    public_key=public_key,
                    wrapped_private_key=wrapped,
                    fingerprint=public_key_fingerprint(public_key),
                    created_at=now,
                )
            )
        return tender

    return make_tender


Factory.tender = property(lambda self: tender_factory(self))
