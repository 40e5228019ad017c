"""Documents: a tender with bids, its opening, and tools to read the PDFs as a person would."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from safkat.bids import opening as bid_opening
from safkat.bids.models import Bid
from tests.bids.helpers import post_bid

BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_text(pdf: bytes, tmp_path: Path, *, first: int | None = None, last: int | None = None) -> str:
    """The PDF's text as ``pdftotext`` reads it (reading order), bidi marks removed, spaces squeezed."""
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    out = subprocess.run(["pdftotext", *pages, str(source), "-"], check=True, capture_output=True).stdout
    text = BIDI_MARKS.sub("", out.decode())
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[Path]:
    """The PDF's pages as PNG images (``pdftoppm``), to look at or to check they render."""
    source = tmp_path / "pages.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(source), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


@pytest.fixture
def tender(make):
    return make.tender(state="open", lots=2, opening_place="Salle des marchés, siège de la direction")


@pytest.fixture
def firm(make):
    return make.bidder(enterprise=make.enterprise(status="verified", name="SARL Fibre Oranaise"))


@pytest.fixture
def bid(login, firm, tender, db_session):
    post_bid(login(firm), tender, amounts={1: ("1000000.00", "190000.00"), 2: ("2000000.00", "380000.00")})
    return db_session.scalar(select(Bid).where(Bid.enterprise_id == firm.enterprise_id))


@pytest.fixture
def opened(login, make, tender, bid, db_session, app, clock):
    """The tender opened with two bids: the firm's, and one of « Firme B »."""
    other = make.bidder(enterprise=make.enterprise(status="verified", name="Firme B"))
    post_bid(login(other), tender, amounts={2: ("1800000.00", "342000.00")})
    clock.set(tender.submission_deadline_at + timedelta(minutes=5))
    make.hand_in_shares(tender)
    opening = bid_opening.open_bids(
        db_session,
        tender,
        tender.created_by,
        app.extensions["safkat.keys"],
        app.extensions["safkat.files"],
        clock.now(),
        commission="M. Karim Benali, président\nMme Nadia Saïdi, membre",
    )
    db_session.flush()
    return opening


from tests.documents.award_fixtures import awarded, evaluated  # noqa: E402, F401  (fixtures)
