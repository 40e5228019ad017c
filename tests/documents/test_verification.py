"""Anyone can check a document: its signature, its digest, its public verification page."""

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from safkat.documents import services
from safkat.documents.models import IssuedDocument
from safkat.documents.signing import check_signature, load_signer


@pytest.fixture
def notice(client, tender, db_session):
    pdf = client.get(f"/tenders/{tender.url_reference}/notice/fr.pdf").data
    return pdf, db_session.query(IssuedDocument).one()


@pytest.fixture
def receipt(login, firm, bid, db_session):
    pdf = login(firm).get(f"/bids/{bid.id}/receipts/{bid.receipts[0].id}/fr.pdf").data
    return pdf, db_session.query(IssuedDocument).one()


def signer_of(app):
    from safkat.documents.views import platform_signer

    return platform_signer(app)


def tampered(pdf: bytes) -> bytes:
    """The same PDF with one digit of its text changed (in an uncompressed place: the
    document information)."""
    position = pdf.index(b"/Producer")
    data = bytearray(pdf)
    data[position + 12] ^= 0x01
    return bytes(data)


def test_the_signature_validates_with_pyhanko(app, notice):
    pdf, _document = notice
    reader = PdfFileReader(io.BytesIO(pdf))
    [signature] = reader.embedded_signatures
    certificate = signer_of(app).certificate
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[certificate], allow_fetching=False))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE" and status.docmdp_ok
    assert "Safkat" in status.signing_cert.subject.human_friendly


def test_a_tampered_pdf_fails_every_check(app, client, notice, tmp_path):
    pdf, document = notice
    forged = tampered(pdf)
    assert not check_signature(forged, signer_of(app)).is_ok
    page = client.post(
        f"/verify/{document.code}?lang=en",
        data={"document": (io.BytesIO(forged), "avis.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Not authentic" in page and "Authentic:" not in page
    path = tmp_path / "forged.pdf"
    path.write_bytes(forged)
    result = app.test_cli_runner().invoke(args=["documents", "verify", str(path)])
    assert result.exit_code != 0 and "INVALID" in result.output and "no document with this digest" in result.output


def test_a_pdf_with_bytes_appended_fails(app, notice, tmp_path):
    pdf, _ = notice
    check = check_signature(pdf + b"\n% appended\n", signer_of(app))
    assert check.is_intact and not check.covers_whole_file and not check.is_ok


def test_a_genuine_pdf_is_verified_by_upload_and_by_command(app, client, notice, tmp_path):
    pdf, document = notice
    page = client.post(
        f"/verify/{services.format_code(document.code)}?lang=en",
        data={"document": (io.BytesIO(pdf), "avis.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Authentic: this file is exactly the issued document." in page
    path = tmp_path / "avis.pdf"
    path.write_bytes(pdf)
    result = app.test_cli_runner().invoke(args=["documents", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert "Signature: valid" in result.output and services.format_code(document.code) in result.output
    assert result.output.strip().endswith("VERIFIED.")


def test_a_pdf_signed_by_another_certificate_is_refused(app, tender, tmp_path):
    from safkat.documents.render import render_pdf
    from safkat.documents.values import tender_notice_values

    meta = {"title": "Tender notice", "code": "0000-0000-0000", "verification_url": "x", "version": 1}
    values = {**tender_notice_values(tender, "fr"), "document": {**meta, "issued_at": tender.created_at}}
    forged = load_signer(tmp_path / "elsewhere").sign(render_pdf("pdf/tender_notice.html", values, "fr"), reason="x")
    check = check_signature(forged, signer_of(app))
    assert check.is_signed and check.is_intact and not check.is_trusted and not check.is_ok


def test_the_public_page_of_a_public_document(client, notice, tender):
    _pdf, document = notice
    code = services.format_code(document.code)
    page = client.get(f"/verify/{code.lower()}?lang=en").get_data(as_text=True)
    assert "Tender notice" in page and tender.reference in page and document.sha256 in page
    assert tender.authority.name("fr") in page and "version 1" in page
    assert client.get(f"/verify/{code}/document.pdf").data == _pdf
    assert client.get(f"/verify?code={code.replace('-', '')}").headers["Location"].endswith(f"/verify/{code}")
    assert client.get("/verify?code=0000-0000-0000&lang=en").status_code == 404
    assert client.get("/verify/NOPE").status_code == 404


def test_the_public_page_of_a_receipt_leaks_nothing(client, receipt, bid, firm, tender):
    _pdf, document = receipt
    page = client.get(f"/verify/{document.code}?lang=fr").get_data(as_text=True)
    assert document.sha256 in page and "adressé à un soumissionnaire" in page
    for secret in (firm.enterprise.name, firm.enterprise.nif, tender.reference, tender.title_fr, bid.digest):
        assert secret not in page
    for amount in ("1 000 000", "1,000,000", "1000000", "190 000", "190000"):
        assert amount not in page
    assert client.get(f"/verify/{document.code}/document.pdf").status_code == 404


def test_the_check_form_needs_csrf_and_refuses_large_files(app, client, notice):
    _pdf, document = notice
    no_token = client.post(
        f"/verify/{document.code}",
        data={"document": (io.BytesIO(b"%PDF-1.7"), "x.pdf")},
        content_type="multipart/form-data",
        csrf=False,
    )
    assert no_token.status_code == 400
    app.config["DOCUMENT_CHECK_MAX_BYTES"] = 1000
    try:
        response = client.post(
            f"/verify/{document.code}?lang=en",
            data={"document": (io.BytesIO(b"%PDF-1.7" + b"x" * 5000), "big.pdf")},
            content_type="multipart/form-data",
        )
    finally:
        app.config["DOCUMENT_CHECK_MAX_BYTES"] = 20 * 1024 * 1024
    assert response.status_code == 422 and "too large" in response.get_data(as_text=True)


def test_the_signing_certificate_is_published(app, client):
    response = client.get("/documents/signing-certificate.pem")
    assert response.status_code == 200 and response.data.startswith(b"-----BEGIN CERTIFICATE-----")
    assert b"PRIVATE KEY" not in response.data
    assert response.data == signer_of(app).certificate_pem


def test_the_instance_certificate_is_created_once_and_kept_private(tmp_path):
    first = load_signer(tmp_path)
    path = tmp_path / "document-signing.pem"
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_signer(tmp_path).fingerprint == first.fingerprint


def test_a_configured_pkcs12_signs(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from safkat.config import ConfigError

    pem = load_signer(tmp_path / "ca").signer  # any key and certificate will do
    source = (tmp_path / "ca" / "document-signing.pem").read_bytes()
    key = serialization.load_pem_private_key(source, password=None)
    from cryptography import x509

    certificate = x509.load_pem_x509_certificate(source)
    p12 = tmp_path / "platform.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"safkat", key, certificate, None, serialization.BestAvailableEncryption(b"s3cret")
        )
    )
    signer = load_signer(tmp_path / "instance", str(p12), "s3cret")
    assert signer.certificate.sha256 == pem.signing_cert.sha256
    assert not (tmp_path / "instance" / "document-signing.pem").exists()
    with pytest.raises(ConfigError, match="SAFKAT_DOCUMENT_P12"):
        load_signer(tmp_path / "instance", str(p12), "wrong")
