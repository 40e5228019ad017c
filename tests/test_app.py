"""The application shell: liveness, configuration, languages, error pages, weight."""

import gzip
import os
import stat

import pytest

from safkat import create_app
from safkat.config import ConfigError


def test_healthz_is_tiny_and_touches_nothing(client, app, monkeypatch):
    def explode():
        raise AssertionError("healthz must not open a database session")

    monkeypatch.setattr("safkat.db.get_database", lambda app=None: explode())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.data == b"ok\n"


def test_secret_key_is_generated_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFKAT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SAFKAT_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    first = create_app().secret_key
    second = create_app().secret_key
    path = tmp_path / "secret_key"
    assert first == second and len(first) == 64
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_production_refuses_to_start_without_a_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFKAT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SAFKAT_ENV", "production")
    with pytest.raises(ConfigError, match="SAFKAT_SECRET_KEY"):
        create_app()
    assert not (tmp_path / "secret_key").exists()


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFKAT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SAFKAT_ENV", "production")
    monkeypatch.setenv("SAFKAT_SECRET_KEY", "x" * 64)
    monkeypatch.setenv("SAFKAT_SEAL_KEY", "11" * 32)
    monkeypatch.setenv("SAFKAT_SIGNING_KEY", "22" * 32)
    monkeypatch.setenv("SAFKAT_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    config = create_app().config
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize(
    ("query", "headers", "lang", "direction", "word"),
    [
        ("", {}, "fr", "ltr", "Connexion"),
        ("?lang=ar", {}, "ar", "rtl", "تسجيل الدخول"),
        ("?lang=en", {}, "en", "ltr", "Log in"),
        ("", {"Accept-Language": "ar-DZ,ar;q=0.9"}, "ar", "rtl", "تسجيل الدخول"),
        ("", {"Accept-Language": "en-GB,en;q=0.8"}, "en", "ltr", "Log in"),
    ],
)
def test_language_selection(client, query, headers, lang, direction, word):
    html = client.get(f"/login{query}", headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert word in html


def test_language_switch_is_remembered_in_a_cookie(client):
    client.get("/?lang=ar")
    html = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html


@pytest.mark.parametrize(
    ("lang", "text"), [("fr", "Page introuvable"), ("ar", "الصفحة غير موجودة"), ("en", "Page not found")]
)
def test_not_found_page_is_translated(client, lang, text):
    response = client.get(f"/no-such-page?lang={lang}")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_forged_csrf_gets_400_and_changes_nothing(client, make, db_session):
    user = make.bidder()
    response = client.post(
        "/login", data={"email": user.email, "password": "correct horse battery", "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert "did not come from this site" in client.post(
        "/login?lang=en", data={"email": user.email, "password": "x"}, csrf=False
    ).get_data(as_text=True)
    db_session.refresh(user)
    assert user.last_login_at is None


def test_unexpected_error_gives_translated_500_without_trace(app, client, monkeypatch):
    def boom():
        raise RuntimeError("secret internals")

    monkeypatch.setattr("safkat.core_views.render_template", lambda *a, **k: boom())
    response = client.get("/?lang=en")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    assert "secret internals" not in body and "Traceback" not in body


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/password/forgot"])
@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_public_pages_stay_under_60_kb_compressed(client, path, lang):
    page = client.get(f"{path}?lang={lang}").data
    css = client.get("/static/css/safkat.css").data
    assert len(gzip.compress(page)) + len(gzip.compress(css)) < 60 * 1024


def test_pages_use_no_external_resources(client):
    html = client.get("/register").get_data(as_text=True)
    assert "<script" not in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_production_refuses_to_start_without_the_seal_key(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFKAT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SAFKAT_ENV", "production")
    monkeypatch.setenv("SAFKAT_SECRET_KEY", "x" * 64)
    monkeypatch.setenv("SAFKAT_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(ConfigError, match="seal.key"):
        create_app()
    assert not (tmp_path / "seal.key").exists()


def test_readyz_checks_database_and_storage(client, app, monkeypatch, tmp_path):
    assert client.get("/readyz").data == b"ready\n"
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(blocked / "uploads"))
    response = client.get("/readyz")
    assert response.status_code == 503 and b"storage" in response.data


def _app_on(tmp_path, monkeypatch, **variables):
    monkeypatch.setenv("SAFKAT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SAFKAT_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("SAFKAT_BASE_URL", raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(f"SAFKAT_{name}", value)
    return create_app()


def test_links_follow_the_development_port(tmp_path, monkeypatch):
    from safkat.notifications.emails import absolute_url

    app = _app_on(tmp_path, monkeypatch, PORT="8080")
    with app.test_request_context():
        assert absolute_url("tenders.list_tenders") == "http://127.0.0.1:8080/tenders"
    assert _app_on(tmp_path, monkeypatch, PORT="8080", BASE_URL="https://safkat.dz/").config["BASE_URL"] == (
        "https://safkat.dz"
    ), "an explicit public URL wins"
    monkeypatch.delenv("SAFKAT_PORT")
    assert _app_on(tmp_path, monkeypatch).config["BASE_URL"] == "http://127.0.0.1:5000"
    with pytest.raises(ConfigError, match="SAFKAT_PORT"):
        _app_on(tmp_path, monkeypatch, PORT="80a")


def test_a_favicon_and_a_manifest_let_phones_add_the_site(client):
    page = client.get("/").get_data(as_text=True)
    assert 'rel="manifest"' in page and 'rel="icon"' in page and 'rel="apple-touch-icon"' in page
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200 and favicon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    response = client.get("/manifest.webmanifest?lang=ar")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["lang"] == "ar" and manifest["dir"] == "rtl" and manifest["start_url"] == "/"
    assert manifest["display"] == "standalone" and manifest["description"] != "Public tenders open to micro-enterprises"
    sizes = set()
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            assert image.data.startswith(b"\x89PNG")
            width, height = int.from_bytes(image.data[16:20], "big"), int.from_bytes(image.data[20:24], "big")
            assert f"{width}x{height}" == icon["sizes"]
            sizes.add(width)
    assert {192, 512} <= sizes, "the sizes Android asks for"
