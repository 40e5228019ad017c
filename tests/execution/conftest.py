import io

import pytest

from safkat.awards.models import Contract, LotAward
from safkat.execution.services import PaymentTerms
from safkat.opendata.ocds.storage import record_release

TERMS = PaymentTerms(payment_days=30, interest_rate_bp=800, amendment_max_percent=20)


def build_signed_contract(make, session, now, authority=None):
    """A signed contract of 1 000 000,00 DZD incl. VAT on lot 1, with its officer and firm member."""
    tender = make.tender(state="closed", authority=authority, lots=1)
    record_release(session, tender, ["tender"], now)
    record_release(session, tender, ["tenderUpdate"], now)  # stands for the opening
    tender.status = "awarded"
    firm = make.enterprise()
    award = LotAward(
        tender_id=tender.id, lot_id=tender.lots[0].id, round=1, status="final", enterprise_id=firm.id,
        amount=840_336_13, amount_incl_vat=1_000_000_00, bids_count=3, published_at=now,
        standstill_ends_at=now, finalized_at=now,
    )  # fmt: skip
    session.add(award)
    session.flush()
    contract = Contract(
        lot_award_id=award.id, tender_id=tender.id, lot_id=tender.lots[0].id, enterprise_id=firm.id,
        amount=award.amount, amount_incl_vat=award.amount_incl_vat, status="signed", created_at=now, signed_at=now,
    )  # fmt: skip
    session.add(contract)
    session.flush()
    record_release(session, tender, ["award", "contract"], now)
    return contract, make.officer(authority=tender.authority), make.bidder(firm)


@pytest.fixture
def signed_contract(make, db_session, clock):
    """``signed_contract(authority=None)`` → (contract, officer, bidder): see :func:`build_signed_contract`."""

    def build(authority=None):
        return build_signed_contract(make, db_session, clock.now(), authority)

    return build


@pytest.fixture
def pdf(app):
    """Stores a small PDF as an invoice document; returns (name, key, sha256)."""

    def store(text: bytes = b"facture") -> tuple[str, str, str]:
        stored = app.extensions["safkat.files"].save(
            io.BytesIO(b"%PDF-1.7\n" + text), max_bytes=10_000, allowed_types={"application/pdf"}
        )
        return "facture.pdf", stored.storage_key, stored.sha256

    return store
