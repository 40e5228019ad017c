"""Documents are issued when what they record happens, and a failure spoils nothing."""

import io
from datetime import timedelta

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import func, select

from safkat.awards.models import LotAward
from safkat.documents import services
from safkat.documents.models import IssuedDocument
from safkat.documents.signing import PlatformSigner, SigningError, check_signature
from safkat.tenders.models import Tender
from tests.documents.award_fixtures import assessment_of, letter_url
from tests.documents.test_issuing import files_in
from tests.documents.test_verification import signer_of, tampered


def kinds_issued(db_session) -> dict[str, set[str]]:
    issued: dict[str, set[str]] = {}
    for document in db_session.scalars(select(IssuedDocument)):
        issued.setdefault(document.kind, set()).add(document.language)
    return issued


def test_the_provisional_award_issues_its_documents(awarded, db_session):
    issued = kinds_issued(db_session)
    for kind in ("award_notice", "evaluation_summary", "evaluation_report"):
        assert issued[kind] == {"fr", "ar"}
    # One letter per firm and lot, in the edition its members read (B reads Arabic).
    letters = db_session.scalars(
        select(IssuedDocument).where(IssuedDocument.kind.in_(("winner_letter", "unsuccessful_letter")))
    ).all()
    by_firm = {(d.recipient_enterprise_id, d.kind, d.language) for d in letters}
    a, b, c = (awarded.firms[name].enterprise_id for name in "ABC")
    assert by_firm == {
        (a, "winner_letter", "fr"),
        (a, "unsuccessful_letter", "fr"),
        (b, "unsuccessful_letter", "ar"),
        (c, "unsuccessful_letter", "fr"),
        (c, "winner_letter", "fr"),
    }
    assert all(not d.is_public and d.tender_id == awarded.tender.id for d in letters)


def test_a_letter_downloaded_is_the_one_issued_with_the_award(login, awarded, db_session):
    firm = awarded.firms["A"]
    before = db_session.scalar(select(func.count()).select_from(IssuedDocument))
    pdf = login(firm).get(letter_url(db_session, firm, 1, "fr")).data
    assert db_session.scalar(select(func.count()).select_from(IssuedDocument)) == before
    assert services.find_by_digest(db_session, services.hashlib.sha256(pdf).hexdigest()).kind == "winner_letter"


def test_a_letter_signature_validates_and_a_tampered_letter_fails(app, login, awarded, db_session, client):
    firm = awarded.firms["C"]
    pdf = login(firm).get(letter_url(db_session, firm, 1, "fr")).data
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    context = ValidationContext(trust_roots=[signer_of(app).certificate], allow_fetching=False)
    status = validate_pdf_signature(signature, context)
    assert status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"
    forged = tampered(pdf)
    assert not check_signature(forged, signer_of(app)).is_ok
    code = services.find_by_digest(db_session, services.hashlib.sha256(pdf).hexdigest()).code
    page = client.post(
        f"/verify/{code}?lang=en",
        data={"document": (io.BytesIO(forged), "lettre.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Not authentic" in page


def test_a_signing_failure_does_not_stop_the_award(
    app, login, evaluated, db_session, mailbox, send_outbox, monkeypatch
):
    send_outbox()  # the receipts of the bids, first
    store = app.extensions["safkat.files"].root
    before_files, before_documents = files_in(store), kinds_issued(db_session)

    def refuse(self, pdf, **kwargs):
        raise SigningError("the token is not plugged in")

    monkeypatch.setattr(PlatformSigner, "sign", refuse)
    mailbox.sent.clear()
    tender = evaluated.tender
    assert login(evaluated.officer).post(f"/officer/tenders/{tender.id}/award", data={}).status_code == 302
    db_session.expire_all()
    assert db_session.get(Tender, tender.id).status == "provisional_award", "the award stands"
    send_outbox()
    assert kinds_issued(db_session) == before_documents and files_in(store) == before_files
    assert len(mailbox.sent) == 3 and not any(list(m.iter_attachments()) for m in mailbox.sent), "told, without PDF"
    monkeypatch.undo()
    firm = evaluated.firms["A"]
    response = login(firm).get(letter_url(db_session, firm, 1, "fr"))
    assert response.status_code == 200 and response.data.startswith(b"%PDF"), "issued when first downloaded"


def test_a_document_of_a_transaction_rolled_back_leaves_no_file(app, awarded, db_session):
    from safkat.documents.views import platform_signer

    issuer = services.Issuer(app.extensions["safkat.files"], platform_signer(app), "http://safkat.test")
    store = app.extensions["safkat.files"].root
    before = files_in(store)
    session = app.extensions["safkat.db"].session()
    tender = session.get(Tender, awarded.tender.id)
    award = session.scalar(select(LotAward).where(LotAward.tender_id == tender.id))
    award.status, award.finalized_at = "final", award.standstill_ends_at + timedelta(days=1)
    issued = services.issue_quietly(session, "award_decision", award, ["fr"], issuer, award.finalized_at)
    assert issued["fr"].id and len(files_in(store)) == len(before) + 1
    session.rollback()
    session.close()
    assert files_in(store) == before


def test_a_reopened_lot_keeps_the_letters_already_issued(login, awarded, db_session, clock):
    """A complaint upheld reopens the lot: the first letter stays available, as issued."""
    firm_c = awarded.firms["C"]
    url = letter_url(db_session, firm_c, 1, "fr")
    first = login(firm_c).get(url).data
    response = login(firm_c).post(
        f"/tenders/{awarded.tender.url_reference}/complaints",
        data={"lot": str(awarded.tender.lots[0].id), "grounds": "Offre de A non conforme."},
    )
    assert response.status_code == 302
    from safkat.awards.models import Complaint

    complaint = db_session.scalar(select(Complaint))
    officer = login(awarded.officer)
    answer = {"decision": "upheld", "answer": "Pièce manquante confirmée."}
    assert (
        officer.post(f"/officer/tenders/{awarded.tender.id}/complaints/{complaint.id}", data=answer).status_code == 302
    )
    db_session.expire_all()
    assert assessment_of(db_session, firm_c, 1).evaluation.status == "in_progress"
    assert login(firm_c).get(url).data == first
    assert login(firm_c).get(url.replace("/fr.pdf", "/ar.pdf")).status_code == 404, "never issued in Arabic"


def test_a_bidder_checks_its_letter_by_the_printed_address(login, client, awarded, db_session, tmp_path):
    """As a firm would: download the letter, follow the address printed under the QR code,
    upload the file there, and see it confirmed."""
    import re

    from tests.documents.conftest import pdf_text

    firm = awarded.firms["B"]
    pdf = login(firm).get(letter_url(db_session, firm, 1, "ar")).data
    text = pdf_text(pdf, tmp_path).replace("\n", " ")
    [address] = set(re.findall(r"http://safkat\.test(/verify/[0-9A-Z-]{14})", text))
    page = client.get(f"{address}?lang=en")
    assert page.status_code == 200 and "addressed to one bidder" in page.get_data(as_text=True)
    checked = client.post(
        f"{address}?lang=en", data={"document": (io.BytesIO(pdf), "lettre.pdf")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "Authentic: this file is exactly the issued document." in checked
