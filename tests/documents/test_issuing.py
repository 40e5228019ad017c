"""Each document, in French and Arabic, downloaded as its readers would, read back as text."""

import re

import pytest
from sqlalchemy import func, select

from safkat.documents import services
from safkat.documents.models import IssuedDocument
from tests.documents.conftest import pdf_pages, pdf_text


def squashed(text: str) -> str:
    """Arabic words as pdftotext reads them may be cut by a space inside a word (Amiri's
    joins): compare without spaces, which still checks the letters' logical order."""
    return re.sub(r"\s+", "", text)


def code_of(text: str) -> str:
    match = re.search(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b", text)
    assert match, text
    return match.group(1)


def check_layout(pdf: bytes, text: str, tmp_path, lang: str) -> IssuedDocument:
    """What every document carries: pages as images, page numbers, the verification code."""
    assert pdf.startswith(b"%PDF-")
    images = pdf_pages(pdf, tmp_path)
    pages = len(images)
    assert pages >= 1 and all(image.stat().st_size > 5_000 for image in images)
    for page in range(1, pages + 1):
        if lang == "fr":
            assert f"Page {page} / {pages}" in text
        else:  # "1 / 2" runs right to left: pdftotext gives the digits' run as drawn, "2 / 1",
            drawn = f"{pages} / {page}"  # and the word before or after it, depending on the page
            assert f"الصفحة {drawn}" in text or f"{drawn} الصفحة" in text
    code = code_of(text)
    assert f"http://safkat.test/verify/{code}" in text.replace("\n", "")
    assert ("Code de vérification" if lang == "fr" else "رمز التحقق") in text
    return code


def files_in(folder) -> set:
    return {path for path in folder.rglob("*") if path.is_file()}


def issued(db_session, kind):
    return db_session.scalars(select(IssuedDocument).where(IssuedDocument.kind == kind)).all()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_bid_receipt(login, firm, bid, tender, tmp_path, db_session, lang):
    response = login(firm).get(f"/bids/{bid.id}/receipts/{bid.receipts[0].id}/{lang}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "private" in response.headers["Cache-Control"]
    text = pdf_text(response.data, tmp_path)
    code = check_layout(response.data, text, tmp_path, lang)
    assert "SARL Fibre Oranaise" in text and firm.enterprise.nif in text
    assert tender.reference in text and bid.digest in text
    assert "1 000 000" not in text and "1,000,000" not in text, "a receipt shows no amount"
    if lang == "fr":
        assert "Accusé de réception" in text and "Dépôt" in text and tender.title_fr in text
        assert "lundi 2 mars 2026 à 10:00, heure d'Alger" in text
        assert "Lot 1" in text and "Lot 2" in text and "Lot 1 — Lot 1" not in text  # the lots, each said once
    else:
        assert squashed("وصل استلام") in squashed(text) and squashed(tender.title_ar) in squashed(text)
        assert squashed("بتوقيت الجزائر") in squashed(text) and squashed("إيداع") in squashed(text)
    [document] = [document for document in issued(db_session, "bid_receipt") if document.language == lang]
    assert services.format_code(document.code) == code and not document.is_public
    assert document.recipient_enterprise_id == firm.enterprise_id and document.bid_id == bid.id


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_opening_minutes(client, opened, tender, tmp_path, db_session, lang):
    response = client.get(f"/tenders/{tender.url_reference}/opening/minutes/{lang}.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    check_layout(response.data, text, tmp_path, lang)
    assert "SARL Fibre Oranaise" in text and "Firme B" in text
    assert "M. Karim Benali, président" in text and "Mme Nadia Saïdi, membre" in text
    for row in opened.rows:
        assert row.digest in text
    if lang == "fr":
        assert "Procès-verbal d'ouverture des plis" in text
        assert "1 : 1 000 000,00 / 1 190 000,00" in text and "2 : 2 000 000,00 / 2 380 000,00" in text
        assert "2 : 1 800 000,00 / 2 142 000,00" in text
    else:
        assert squashed("محضر فتح الأظرفة") in squashed(text) and squashed("المصلحة المتعاقدة") in squashed(text)
        for amounts in ("1,190,000.00 / 1,000,000.00 : 1", "2,142,000.00 / 1,800,000.00 : 2"):
            assert amounts in text  # right to left: lot, excl. VAT, incl. VAT from the right
    [document] = issued(db_session, "opening_minutes")
    assert document.is_public and document.tender_id == tender.id


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_tender_notice(client, tender, tmp_path, db_session, lang):
    response = client.get(f"/tenders/{tender.url_reference}/notice/{lang}.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    check_layout(response.data, text, tmp_path, lang)
    assert tender.reference in text and tender.authority.name(lang) in text
    if lang == "fr":
        assert "Avis d'appel d'offres" in text and tender.title_fr in text
        assert "Montant estimatif" in text and "1 500 000,00 DZD" in text and "\n500 000,00 DZD" in text
        assert "Salle des marchés, siège de la direction" in text
    else:
        assert squashed("إعلان عن طلب العروض") in squashed(text) and squashed(tender.title_ar) in squashed(text)
        assert "1,500,000.00" in text and squashed("آخر أجل لإيداع العروض") in squashed(text)


def test_a_document_is_issued_once_then_reused(client, tender, db_session):
    url = f"/tenders/{tender.url_reference}/notice/fr.pdf"
    first, second = client.get(url), client.get(url)
    assert first.data == second.data
    assert db_session.scalar(select(func.count()).select_from(IssuedDocument)) == 1
    [document] = issued(db_session, "tender_notice")
    assert document.sha256 == services.hashlib.sha256(first.data).hexdigest()
    stored = (client.application.extensions["safkat.files"].path_for(document.storage_key)).read_bytes()
    assert stored == first.data


def test_a_changed_document_gets_a_new_version_and_the_old_stays_verifiable(client, tender, db_session, make, clock):
    from safkat.tenders.services import cancel

    url = f"/tenders/{tender.url_reference}/notice/fr.pdf"
    old = client.get(url)
    cancel(db_session, tender, tender.created_by, "Besoin couvert par un autre marché.", clock.now())
    db_session.flush()
    new = client.get(url)
    assert new.data != old.data and "Besoin couvert par un autre marché." in pdf_text(new.data, make.store.root)
    first, second = sorted(issued(db_session, "tender_notice"), key=lambda d: d.version)
    assert (first.version, second.version, second.supersedes_id) == (1, 2, first.id)
    page = client.get(f"/verify/{first.code}?lang=en").get_data(as_text=True)
    assert first.sha256 in page and "A newer version of this document was issued" in page


def test_a_signing_failure_leaves_no_row_and_no_file(app, client, tender, db_session, monkeypatch):
    from safkat.documents.signing import PlatformSigner, SigningError

    store = app.extensions["safkat.files"].root
    before = files_in(store)

    def refuse(self, pdf, **kwargs):
        raise SigningError("the token is not plugged in")

    monkeypatch.setattr(PlatformSigner, "sign", refuse)
    response = client.get(f"/tenders/{tender.url_reference}/notice/ar.pdf")
    assert response.status_code == 500
    assert db_session.scalar(select(func.count()).select_from(IssuedDocument)) == 0
    assert files_in(store) == before


def test_a_file_whose_row_cannot_be_written_is_removed(app, tender, db_session, monkeypatch):
    from safkat.documents.views import platform_signer

    issuer = services.Issuer(app.extensions["safkat.files"], platform_signer(app), "http://safkat.test")
    store = app.extensions["safkat.files"].root
    before = files_in(store)
    monkeypatch.setattr(services.audit, "record", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError, match="disk full"):
        services.document_for(db_session, "tender_notice", tender, "fr", issuer, tender.created_at)
    assert files_in(store) == before
    assert db_session.scalar(select(func.count()).select_from(IssuedDocument)) == 0


def test_regenerate_issues_new_versions_with_a_progress_bar(app, client, login, firm, bid, tender, db_session, make):
    other = make.tender(state="open")
    client.get(f"/tenders/{tender.url_reference}/notice/fr.pdf")
    client.get(f"/tenders/{other.url_reference}/notice/ar.pdf")
    login(firm).get(f"/bids/{bid.id}/receipts/{bid.receipts[0].id}/ar.pdf")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["documents", "regenerate", "--tender", tender.reference])
    assert result.exit_code == 0, result.output
    # The tender's notice, and the receipt in Arabic (downloaded): the other tender's notice is left.
    assert "Regenerating documents" in result.output and "2 document(s) re-issued, 0 failed." in result.output
    db_session.expire_all()
    assert sorted(db_session.scalars(select(IssuedDocument.version))) == [1, 1, 1, 2, 2]
    result = runner.invoke(args=["documents", "regenerate", "--all"])
    assert result.exit_code == 0 and "3 document(s) re-issued" in result.output
    assert runner.invoke(args=["documents", "regenerate"]).exit_code != 0
    assert runner.invoke(args=["documents", "regenerate", "--tender", "XX/2026/9999"]).exit_code != 0


def test_the_pages_show_the_download_links(client, login, firm, bid, tender, opened):
    page = client.get(f"/tenders/{tender.url_reference}?lang=en").get_data(as_text=True)
    assert f"/tenders/{tender.url_reference}/notice/fr.pdf" in page and "/notice/ar.pdf" in page
    page = client.get(f"/tenders/{tender.url_reference}/opening?lang=en").get_data(as_text=True)
    assert "/opening/minutes/fr.pdf" in page and "/opening/minutes/ar.pdf" in page
    page = login(firm).get(f"/bids/{bid.id}?lang=en").get_data(as_text=True)
    assert f"/bids/{bid.id}/receipts/{bid.receipts[0].id}/fr.pdf" in page and "Arabic edition" in page
