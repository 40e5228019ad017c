"""The commission reads the opened offers; nobody else does (each firm reads its own)."""

import hashlib
import json

from sqlalchemy import select

from safkat.audit import AuditEvent
from safkat.bids.models import OpenedBid
from tests.commission.conftest import TECHNICAL


def firm_a_row(db_session, cast) -> OpenedBid:
    return next(
        row for row in db_session.scalars(select(OpenedBid)) if row.bid.enterprise_id == cast.firm.enterprise_id
    )


def evaluation_page(client, cast) -> str:
    lot = cast.tender.lots[0]
    assert client.post(f"/officer/tenders/{cast.tender.id}/evaluation/lots/{lot.id}/start", data={}).status_code == 302
    return client.get(f"/officer/tenders/{cast.tender.id}/evaluation/lots/{lot.id}?lang=en").get_data(as_text=True)


def test_the_evaluation_screen_lists_each_bids_documents_with_size_and_digest(opened, login, db_session):
    page = evaluation_page(login(opened.members[1]), opened)
    row = firm_a_row(db_session, opened)
    technical = next(d for d in row.documents if d.kind == "technical")
    assert technical.sha256 == hashlib.sha256(TECHNICAL).hexdigest()
    assert technical.original_name in page and technical.sha256 in page
    assert f"{technical.size_bytes} bytes" in page
    assert "Méthode : équipe de 6, 3 mois." in page  # the technical statement
    assert f"/officer/tenders/{opened.tender.id}/bids/{row.id}/documents/{technical.id}" in page


def test_a_member_views_a_document_inline_sandboxed_and_each_view_is_audited(opened, login, db_session):
    row = firm_a_row(db_session, opened)
    technical = next(d for d in row.documents if d.kind == "technical")
    url = f"/officer/tenders/{opened.tender.id}/bids/{row.id}/documents/{technical.id}"
    response = login(opened.members[2]).get(url)
    assert response.status_code == 200 and response.data == TECHNICAL
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    download = login(opened.chair).get(url + "?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment") and download.data == TECHNICAL
    reads = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "commission.document_read")).all()
    details = [json.loads(event.details) for event in reads]
    assert [(d["reader"], d["download"]) for d in details] == [("Omar Haddad", False), ("Karim Benali", True)]
    assert all(d["sha256"] == technical.sha256 for d in details)


def test_nobody_outside_the_commission_reads_an_opened_bid(opened, login, client, db_session):
    row = firm_a_row(db_session, opened)
    before = db_session.query(AuditEvent).count()
    for document in row.documents:
        url = f"/officer/tenders/{opened.tender.id}/bids/{row.id}/documents/{document.id}"
        for user in (opened.outsider, opened.other_authority, opened.other_firm, opened.firm):
            response = login(user).get(url)
            assert response.status_code == 403 and response.data != TECHNICAL
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        own = f"/bids/{row.bid_id}/opened/{row.id}/documents/{document.id}"
        for user in (opened.outsider, opened.other_firm, opened.chair):
            assert login(user).get(own).status_code == 403
        assert client.get(own).status_code == 302
    assert db_session.query(AuditEvent).count() == before  # a refusal reads nothing, records nothing


def test_each_firm_reads_its_own_opened_documents(opened, login, db_session):
    row = firm_a_row(db_session, opened)
    technical = next(d for d in row.documents if d.kind == "technical")
    response = login(opened.firm).get(f"/bids/{row.bid_id}/opened/{row.id}/documents/{technical.id}")
    assert response.status_code == 200 and response.data == TECHNICAL
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    other = next(r for r in db_session.scalars(select(OpenedBid)) if r.id != row.id)
    assert login(opened.firm).get(f"/bids/{other.bid_id}/opened/{other.id}/documents/{technical.id}").status_code == 404
