"""Issue 18, finding 5: file names are cleaned when stored and sent per RFC 6266."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from sqlalchemy import select

from safkat.filenames import MAX_LENGTH, clean_file_name, content_disposition
from safkat.tenders.models import TenderDocument
from tests.tenders.test_drafting import PDF, create_ready_draft

INJECTED = "x\r\nSet-Cookie: session=stolen\r\n.pdf"


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("cahier des charges.pdf", "cahier des charges.pdf"),
        ("دفتر الشروط.pdf", "دفتر الشروط.pdf"),
        (INJECTED, "x Set-Cookie: session=stolen .pdf"),
        ("C:\\Users\\amine\\devis.pdf", "devis.pdf"),
        ("../../etc/passwd", "passwd"),
        ("facture\u202efdp.exe", "facturefdp.exe"),
        ("nul\x00\x07.pdf", "nul.pdf"),
        ("\r\n", "document"),
        ("", "document"),
    ],
)
def test_clean_file_name(name, clean):
    assert clean_file_name(name) == clean


def test_a_long_name_is_bounded_and_keeps_its_extension():
    cleaned = clean_file_name("مذكرة " * 100 + ".docx")
    assert len(cleaned) <= MAX_LENGTH and cleaned.endswith(".docx")


def test_content_disposition_has_an_ascii_fallback_and_the_exact_name():
    header = content_disposition('دفتر الشروط "v2".pdf')
    assert header.startswith('attachment; filename="') and "\r" not in header and "\n" not in header
    assert header.encode("latin-1")  # a header must be Latin-1
    assert unquote(header.split("filename*=UTF-8''")[1]) == 'دفتر الشروط "v2".pdf'


def test_a_name_with_cr_lf_is_stored_clean_and_downloads(login, make, clock, db_session, client):
    officer = make.officer()
    officer_client = login(officer)
    tender_id = create_ready_draft(officer_client, clock, make)
    response = officer_client.post(
        f"/officer/tenders/{tender_id}/documents?lang=en",
        data=multipart_as_the_probe_sent_it(officer_client.csrf_token()),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 302
    document = db_session.scalars(select(TenderDocument).order_by(TenderDocument.id.desc())).first()
    assert document.original_name == "x Set-Cookie: session=stolen .pdf"
    officer_client.post(f"/officer/tenders/{tender_id}/publish", data={})
    db_session.expire_all()
    download = client.get(f"/tenders/{document.tender.url_reference}/documents/{document.id}")
    assert download.status_code == 200 and "Set-Cookie" not in download.headers
    assert "filename*=UTF-8''x%20Set-Cookie" in download.headers["Content-Disposition"]


BOUNDARY = "probe18"


def multipart_as_the_probe_sent_it(csrf_token: str) -> bytes:
    """The name in an RFC 2231 ``filename*`` parameter, where CR/LF travel percent-encoded."""
    parts = [
        ('name="csrf_token"', csrf_token.encode()),
        ('name="title"', b"Plans"),
        ("name=\"file\"; filename*=UTF-8''x%0D%0ASet-Cookie%3A%20session%3Dstolen%0D%0A.pdf", PDF),
    ]
    body = b"".join(
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; {disposition}\r\n\r\n".encode() + data + b"\r\n"
        for disposition, data in parts
    )
    return body + f"--{BOUNDARY}--\r\n".encode()


def test_the_migration_cleans_names_stored_before(tmp_path):
    import sqlite3

    from safkat.db import make_engine
    from safkat.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0011")
    raw = sqlite3.connect(tmp_path / "old.db")
    insert_row(raw, "enterprises", id=1, status="registered", support_scheme="anade", legal_form="sarl", rc_number="1")
    insert_row(raw, "users", id=1, role="bidder", enterprise_id=1)
    for row_id, name in ((1, INJECTED), (2, "rc.pdf")):
        insert_row(
            raw, "enterprise_documents", id=row_id, kind="trade_register", original_name=name, storage_key=f"k{row_id}"
        )
    raw.commit()
    raw.close()
    upgrade(engine)
    with engine.connect() as connection:
        names = connection.exec_driver_sql("SELECT original_name FROM enterprise_documents ORDER BY id").scalars()
        assert names.all() == ["x Set-Cookie: session=stolen .pdf", "rc.pdf"]
    engine.dispose()


def insert_row(connection, table: str, **values) -> None:
    """A row with ``values`` and a plain value in every other required column."""
    filler = {"INTEGER": 1, "BOOLEAN": 0, "DATETIME": "2026-01-01 00:00:00.000000"}
    for _cid, name, kind, not_null, default, _pk in connection.execute(f"PRAGMA table_info({table})"):
        if not_null and default is None and name not in values:
            values[name] = filler.get(kind.split("(")[0], "x")
    columns = ", ".join(values)
    connection.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(values))})", list(values.values())
    )
