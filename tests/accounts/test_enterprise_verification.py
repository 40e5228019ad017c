"""Attestation upload, review by officers, and per-object permissions."""

import io
import os

import pytest
from sqlalchemy import func, select

from safkat.accounts.models import EnterpriseDocument
from safkat.audit import AuditEvent

PDF = b"%PDF-1.7\n" + os.urandom(2000) + b"\n%%EOF\n"


def files(**named):
    return {name: (io.BytesIO(content), filename) for name, (content, filename) in named.items()}


def upload(client, **named):
    return client.post("/enterprise?lang=en", data=files(**named), content_type="multipart/form-data")


@pytest.fixture
def registered(make):
    return make.bidder(enterprise=make.enterprise(status="registered"))


def test_upload_sends_the_enterprise_for_review(login, registered, db_session, app):
    client = login(registered)
    response = upload(client, trade_register=(PDF, "rc.pdf"), support_attestation=(PDF, "anade.pdf"))
    assert response.status_code == 302
    enterprise = registered.enterprise
    db_session.refresh(enterprise)
    assert enterprise.status == "pending"
    stored = {d.kind: d for d in enterprise.documents}
    assert set(stored) == {"trade_register", "support_attestation"}
    path = app.extensions["safkat.files"].path_for(stored["trade_register"].storage_key)
    assert path.read_bytes() == PDF
    assert "rc.pdf" not in str(path)  # user file names are never paths


def test_type_is_checked_by_content_not_by_name(login, registered, db_session):
    client = login(registered)
    response = upload(client, trade_register=(b"MZ\x90\x00 fake exe", "rc.pdf"), support_attestation=(PDF, "a.pdf"))
    assert response.status_code == 422
    assert "This type of file is not accepted" in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(EnterpriseDocument)) == 0
    db_session.refresh(registered.enterprise)
    assert registered.enterprise.status == "registered"


def test_oversize_file_is_refused_and_nothing_is_kept(login, registered, app, db_session):
    client = login(registered)
    small, big = b"%PDF-1.7\n" + os.urandom(500), b"%PDF-1.7\n" + os.urandom(5000)
    app.config["UPLOAD_MAX_BYTES"] = 1024
    try:
        response = upload(client, trade_register=(small, "rc.pdf"), support_attestation=(big, "a.pdf"))
    finally:
        app.config["UPLOAD_MAX_BYTES"] = 10 * 1024 * 1024
    assert response.status_code == 422
    assert "too large" in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(EnterpriseDocument)) == 0
    leftovers = [p for p in app.extensions["safkat.files"].root.rglob("*") if p.is_file()]
    assert all(p.read_bytes() not in (small, big) for p in leftovers)  # the small one was removed too


def test_micro_enterprise_must_send_its_attestation(login, registered):
    response = upload(login(registered), trade_register=(PDF, "rc.pdf"))
    assert response.status_code == 422
    assert "Attach the attestation of your support scheme" in response.get_data(as_text=True)


def test_unverified_email_cannot_upload(login, make):
    user = make.bidder(enterprise=make.enterprise(status="registered"), email_verified_at=None)
    response = upload(login(user), trade_register=(PDF, "rc.pdf"), support_attestation=(PDF, "a.pdf"))
    assert response.status_code == 302 and response.headers["Location"] == "/verify-email"


def test_officer_approves_and_the_enterprise_is_told(login, make, db_session, mailbox):
    enterprise = make.enterprise(status="pending")
    owner = make.bidder(enterprise=enterprise)
    officer = make.officer()
    client = login(officer)
    assert client.get(f"/review/enterprises/{enterprise.id}").status_code == 200
    response = client.post(f"/review/enterprises/{enterprise.id}", data={"action": "approve", "reason": ""})
    assert response.status_code == 302
    db_session.refresh(enterprise)
    assert enterprise.status == "verified"
    assert [m["To"] for m in mailbox.sent] == [owner.email]
    event = db_session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()))
    assert event.action == "enterprise.approve" and event.actor_id == officer.id


def test_rejection_needs_a_reason(login, make, db_session):
    enterprise = make.enterprise(status="pending")
    client = login(make.officer())
    response = client.post(f"/review/enterprises/{enterprise.id}?lang=en", data={"action": "reject", "reason": " "})
    assert response.status_code == 422
    assert "Give the reason" in response.get_data(as_text=True)
    db_session.refresh(enterprise)
    assert enterprise.status == "pending"
    client.post(f"/review/enterprises/{enterprise.id}", data={"action": "reject", "reason": "RC illisible"})
    db_session.refresh(enterprise)
    assert (enterprise.status, enterprise.status_reason) == ("rejected", "RC illisible")


def test_an_action_the_state_does_not_allow_is_refused(login, make, db_session):
    enterprise = make.enterprise(status="registered")
    response = login(make.officer()).post(f"/review/enterprises/{enterprise.id}", data={"action": "approve"})
    assert response.status_code == 422
    db_session.refresh(enterprise)
    assert enterprise.status == "registered"


def test_rejected_enterprise_can_send_documents_again(login, make, db_session):
    user = make.bidder(enterprise=make.enterprise(status="rejected"))
    response = upload(login(user), trade_register=(PDF, "rc.pdf"), support_attestation=(PDF, "a.pdf"))
    assert response.status_code == 302
    db_session.refresh(user.enterprise)
    assert user.enterprise.status == "pending"


def test_bidders_and_the_public_cannot_review(client, login, make):
    enterprise = make.enterprise(status="pending")
    bidder = login(make.bidder())
    assert bidder.get("/review/enterprises").status_code == 403
    assert bidder.post(f"/review/enterprises/{enterprise.id}", data={"action": "approve"}).status_code == 403
    assert client.get("/review/enterprises").status_code == 302


def test_another_firm_cannot_download_my_documents(login, registered, make, db_session):
    upload(login(registered), trade_register=(PDF, "rc.pdf"), support_attestation=(PDF, "a.pdf"))
    document = db_session.scalar(select(EnterpriseDocument))
    assert login(registered).get(f"/enterprise/documents/{document.id}").data == PDF
    assert login(make.bidder()).get(f"/enterprise/documents/{document.id}").status_code == 403
    assert login(make.officer()).get(f"/enterprise/documents/{document.id}").status_code == 200
    assert login(make.bidder()).get("/enterprise/documents/999999").status_code == 404


def test_review_list_filters_by_status_and_paginates(login, make):
    for _ in range(23):
        make.enterprise(status="pending")
    make.enterprise(status="verified", name="Déjà Vérifiée")
    client = login(make.officer())
    first = client.get("/review/enterprises?lang=en").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Déjà Vérifiée" not in first
    assert "Déjà Vérifiée" in client.get("/review/enterprises?status=verified").get_data(as_text=True)
    assert client.get("/review/enterprises?page=-1").status_code == 200
