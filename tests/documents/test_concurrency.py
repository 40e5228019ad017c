"""Two first downloads at once issue one document: PostgreSQL only."""

import threading

from sqlalchemy import func, select

from safkat.documents import services
from safkat.documents.models import IssuedDocument
from tests.bids.conftest import committed, committed_make  # noqa: F401  (fixtures)
from tests.bids.test_concurrency import run_together
from tests.conftest import requires_postgresql

pytestmark = requires_postgresql


def test_two_first_downloads_issue_one_document(committed, committed_make, monkeypatch):  # noqa: F811
    tender = committed_make.tender(state="open")
    committed_make.session.commit()
    rendered = threading.Barrier(2, timeout=30)
    render = services.render_pdf

    def render_then_wait(*args, **kwargs):
        pdf = render(*args, **kwargs)
        rendered.wait()  # both requests have rendered before either stores its document
        return pdf

    monkeypatch.setattr(services, "render_pdf", render_then_wait)
    url = f"/tenders/{tender.url_reference}/notice/ar.pdf"
    results, errors = run_together(lambda: committed.client().get(url), lambda: committed.client().get(url))
    assert errors == []
    assert [r.status_code for r in results] == [200, 200] and results[0].data == results[1].data
    with committed.session() as session:
        [document] = session.scalars(select(IssuedDocument)).all()
        assert session.scalar(select(func.count()).select_from(IssuedDocument)) == 1
    stored = [path for path in committed.uploads.rglob("*") if path.is_file()]
    assert len(stored) == 2, "the tender's file and one document: the loser's copy was removed"
    assert any(path.name == document.storage_key for path in stored)
