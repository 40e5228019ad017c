"""Security headers on every response; uploads served as attachments, never as pages."""

import pytest


@pytest.mark.parametrize("path", ["/", "/tenders", "/login", "/no-such-page", "/healthz", "/api/v1/tenders"])
def test_every_response_has_the_headers(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_no_hsts_in_testing_but_in_production(client, tmp_path, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/").headers
    from safkat import create_app

    monkeypatch.setenv("SAFKAT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SAFKAT_ENV", "production")
    monkeypatch.setenv("SAFKAT_SECRET_KEY", "x" * 64)
    monkeypatch.setenv("SAFKAT_SEAL_KEY", "11" * 32)
    monkeypatch.setenv("SAFKAT_SIGNING_KEY", "22" * 32)
    monkeypatch.setenv("SAFKAT_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    production = create_app().test_client()
    assert production.get("/healthz").headers["Strict-Transport-Security"].startswith("max-age=")


def test_downloaded_documents_are_attachments_in_a_sandbox(client, make):
    tender = make.tender(state="open")
    response = client.get(f"/tenders/{tender.url_reference}/documents/{tender.documents[0].id}")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
