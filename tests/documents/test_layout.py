"""Every kind of document, in French and in Arabic, is laid out cleanly: no text printed over
other text (a column too narrow for its amounts), no page holding only a line or two (a
document that spills onto a nearly empty page).

The documents are those of the demo data (real names, amounts in the millions of dinars),
rendered as the platform issues them (:func:`render_pdf` with the kind's own values), then
read with pdfplumber: the boxes of its words, and the lines of each page's body (the
running footer and the page number, in the bottom margin, are not counted).
"""

from __future__ import annotations

import io
import unicodedata
from itertools import combinations

import pytest
from sqlalchemy import select

from safkat.awards.models import LotAward
from safkat.bids.models import Opening, Receipt
from safkat.demo import seed
from safkat.documents.award_values import letter_kind
from safkat.documents.kinds import KINDS
from safkat.documents.render import render_pdf
from safkat.evaluation.models import Assessment
from safkat.execution.models import ContractExecution, Invoice
from safkat.tenders.models import Tender

pdfplumber = pytest.importorskip("pdfplumber", reason="document layout: pdfplumber is missing (test extras)")

FOOTER_HEIGHT = 34 * 72 / 25.4  # the bottom margin of templates/pdf/layout.css (34 mm), in points
MIN_LINES = 3  # a page after the first with fewer lines than this is a spill-over
OVERLAP = 0.15  # share of the smaller of two word boxes that the other may cover (accents, kerning)


def subjects(session) -> dict[str, object]:
    """One subject of each kind of document, the richest the demo data has."""
    awards = list(session.scalars(select(LotAward).where(LotAward.enterprise_id.is_not(None)).order_by(LotAward.id)))
    awarded = session.get(Tender, awards[0].tender_id)
    letters = {}
    for assessment in session.scalars(select(Assessment).order_by(Assessment.id)):
        letters.setdefault(letter_kind(session, assessment), assessment)
    openings = session.scalars(select(Opening)).all()
    published = session.scalars(select(Tender).where(Tender.reference.is_not(None))).all()
    return {
        "bid_receipt": max(session.scalars(select(Receipt).order_by(Receipt.id)), key=lambda r: len(r.bid.lots)),
        "opening_minutes": max(openings, key=lambda opening: len(opening.rows)),
        "tender_notice": max(published, key=lambda tender: (len(tender.lots), len(tender.description_fr or ""))),
        "evaluation_report": awarded,
        "evaluation_summary": awarded,
        "award_notice": max((session.get(Tender, a.tender_id) for a in awards), key=lambda t: (len(t.lots), -t.id)),
        "winner_letter": letters["winner_letter"],
        "unsuccessful_letter": letters["unsuccessful_letter"],
        "award_decision": awards[0],
        "service_order": session.scalars(select(ContractExecution).order_by(ContractExecution.id)).first(),
        "acceptance_record": max(
            session.scalars(select(ContractExecution)),
            key=lambda record: (record.final_acceptance_on is not None, -record.id),
        ),
        "payment_certificate": max(
            session.scalars(select(Invoice)),
            key=lambda invoice: (invoice.paid_on is not None, invoice.ordered_on is not None),
        ),
    }


def rendered(kind_name: str, subject, lang: str, now) -> bytes:
    """The PDF as the platform renders it before signing it (signing adds no text)."""
    kind = KINDS[kind_name]
    document = {
        "kind": kind.name,
        "title": kind.title,
        "code": "K7M2-Q9XD-4RTW",
        "verification_url": "https://safkat.example.dz/verify/K7M2-Q9XD-4RTW",
        "version": 1,
        "issued_at": now,
    }
    return render_pdf(kind.template, {**kind.values(subject, lang), "document": document}, lang)


def overlapping_words(page) -> list[str]:
    """Words printed over other words. Words are read in the order they were written (a cell's
    text, then the next cell's), so that text overprinting its neighbour stays a word of its
    own; an Arabic word split at a diacritic (shadda…) into two overlapping pieces is one word."""
    words = [w for w in page.extract_words(x_tolerance=1.5, y_tolerance=2, use_text_flow=True) if w["text"].strip()]
    found = []
    for (i, a), (j, b) in combinations(enumerate(words), 2):
        if j == i + 1 and has_mark(a["text"] + b["text"]):
            continue
        width = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
        height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
        if width <= 0 or height <= 0:
            continue
        smaller = min((a["x1"] - a["x0"]) * (a["bottom"] - a["top"]), (b["x1"] - b["x0"]) * (b["bottom"] - b["top"]))
        if width * height > OVERLAP * smaller:
            found.append(f"page {page.page_number}: {a['text']!r} over {b['text']!r} at y={a['top']:.0f}")
    return found


def has_mark(text: str) -> bool:
    return any(unicodedata.category(char) == "Mn" for char in text)


def body_lines(page) -> int:
    """The lines of text above the bottom margin (words whose tops are within 3 pt share a line)."""
    tops = sorted(w["top"] for w in page.extract_words() if w["bottom"] < page.height - FOOTER_HEIGHT)
    return sum(1 for i, top in enumerate(tops) if i == 0 or top - tops[i - 1] > 3)


@pytest.fixture
def demo_subjects(app, db_session, clock):
    extensions = app.extensions
    seed(db_session, extensions["safkat.hasher"], clock.now(), extensions["safkat.files"], extensions["safkat.keys"])
    db_session.flush()
    return subjects(db_session)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_documents_have_no_overlapping_text_and_no_near_empty_page(demo_subjects, clock, lang, tmp_path):
    assert set(demo_subjects) == set(KINDS), "a kind of document has no subject in this test"
    problems = {}
    for kind_name, subject in demo_subjects.items():
        assert subject is not None, f"the demo data has no subject for {kind_name}"
        pdf = rendered(kind_name, subject, lang, clock.now())
        (tmp_path / f"{kind_name}-{lang}.pdf").write_bytes(pdf)
        found = []
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            for page in document.pages:
                found += overlapping_words(page)
                lines = body_lines(page)
                if page.page_number > 1 and lines < MIN_LINES:
                    found.append(f"page {page.page_number} holds only {lines} line(s)")
        if found:
            problems[kind_name] = found
    for kind_name, found in problems.items():
        print(f"{kind_name} ({lang}, {tmp_path / f'{kind_name}-{lang}.pdf'}):\n  " + "\n  ".join(found[:10]))
    assert sorted(problems) == []
