"""After bids are submitted, neither the raw database nor the uploads folder holds any
submitted amount, statement, or any 32-byte run of a submitted document's plaintext."""

import os
import shutil
import subprocess

import pytest

from tests.bids.helpers import bid_form, confirm_bid
from tests.conftest import TEST_DB_URL

AMOUNTS = {1: ("98765432.10", "18765432.11"), 2: ("55544433.22", "0")}
STATEMENT = "Statement-that-must-stay-sealed-4417"


def raw_database(committed) -> bytes:
    if committed.db_file is not None:
        with committed.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(FULL)")
        parts = [committed.db_file, committed.db_file.with_name(committed.db_file.name + "-wal")]
        return b"".join(p.read_bytes() for p in parts if p.exists())
    pg_dump = shutil.which("pg_dump") or "/usr/lib/postgresql/15/bin/pg_dump"
    if not os.path.exists(pg_dump):
        pytest.fail("pg_dump is needed to check what PostgreSQL holds")
    url = TEST_DB_URL.replace("postgresql+psycopg://", "postgresql://")
    return subprocess.run([pg_dump, "--data-only", "-n", committed.schema, url], check=True, capture_output=True).stdout


def windows(data: bytes, size: int = 32) -> set[bytes]:
    return {data[i : i + size] for i in range(len(data) - size + 1)}


def test_nothing_readable_at_rest(committed, committed_make):
    make = committed_make
    tender = make.tender(state="open", lots=2)
    firms = [make.bidder(enterprise=make.enterprise(status="verified")) for _ in range(2)]
    make.session.commit()
    documents = []
    for number, firm in enumerate(firms):
        application, technical = os.urandom(3000), os.urandom(5000)
        documents += [application, technical]
        data = bid_form(
            tender,
            amounts=AMOUNTS,
            statement=STATEMENT,
            application=b"%PDF-1.7\n" + application,
            technical=b"%PDF-1.7\n" + technical,
            action="save" if number else "review",
        )
        client = committed.client(firm)
        response = client.post(f"/tenders/{tender.url_reference}/bid", data=data, content_type="multipart/form-data")
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        if not number:  # the first firm reviews its bid (amounts shown in clear), then seals it
            assert "98\u202f765\u202f432,10" in client.get(response.headers["Location"]).get_data(as_text=True)
            assert confirm_bid(client, tender).status_code == 302

    raw = raw_database(committed) + b"".join(p.read_bytes() for p in committed.uploads.rglob("*") if p.is_file())
    assert tender.title_fr.encode() in raw and firms[0].email.encode() in raw  # the scan does see the data
    for needle in (
        b"9876543210",
        b"98765432",
        b"1876543211",
        b"5554443322",
        STATEMENT.encode(),
        b"registre.pdf",
        b"memoire-technique",
    ):
        assert needle not in raw, needle
    sealed = windows(raw)
    for plaintext in documents:
        assert windows(plaintext).isdisjoint(sealed)
