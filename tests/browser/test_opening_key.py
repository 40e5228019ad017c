"""An officer makes their opening key in the browser, in French and Arabic, on a phone:
the backup downloads, re-importing it passes the check, a wrong passphrase is named in
the page's language, and nothing the browser sends holds the passphrase, the backup or the
private key (issue 14)."""

from __future__ import annotations

import base64
import re
from urllib.parse import quote_plus

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select

from safkat.accounts.models import ContractingAuthority, Role, User
from safkat.bids.crypto import public_key_fingerprint
from safkat.commission.key_models import MemberKey
from safkat.keyshare import backup

PASSWORD = "un mot de passe assez long"
PASSPHRASE = "ma phrase de passe : olivier, Oran, 1962"
SHOTS = "/tmp/safkat-opening-key-{lang}-{name}.png"
TEXTS = {
    "fr": {
        "wrong": "Phrase de passe erronée, ou fichier de sauvegarde modifié.",
        "mismatch": "Les deux phrases de passe diffèrent : tapez deux fois la même.",
        "ok": "Votre sauvegarde s’ouvre et contient cette clé.",
        "other": "Cette sauvegarde s’ouvre, mais elle contient une autre clé que celle enregistrée ici.",
    },
    "ar": {
        "wrong": "عبارة المرور خاطئة، أو أن ملف النسخة الاحتياطية قد عُدِّل.",
        "mismatch": "عبارتا المرور مختلفتان: اكتب العبارة نفسها مرتين.",
        "ok": "نسختك الاحتياطية تُفتح وتحتوي على هذا المفتاح.",
        "other": "هذه النسخة الاحتياطية تُفتح، لكنها تحتوي على مفتاح غير المفتاح المسجّل هنا.",
    },
}


def an_officer(live_server, email: str) -> None:
    app = live_server.app
    now = app.extensions["safkat.clock"].now()
    with app.app_context(), app.extensions["safkat.db"].session() as session, session.begin():
        authority = ContractingAuthority(
            code="APC-TLM", name_fr="APC de Tlemcen", name_ar="بلدية تلمسان", wilaya_code="13", is_active=True,
            created_at=now,
        )  # fmt: skip
        session.add(authority)
        session.add(
            User(
                email=email, password_hash=app.extensions["safkat.hasher"].hash(PASSWORD), full_name="Leïla Brahimi",
                role=Role.OFFICER, authority=authority, is_active=True, created_at=now, email_verified_at=now,
                session_version=1, locale="fr",
            )
        )  # fmt: skip


def registered_keys(live_server, email: str) -> list[bytes]:
    with live_server.app.app_context(), live_server.app.extensions["safkat.db"].session() as session:
        user = session.scalar(select(User).where(User.email == email))
        return list(session.scalars(select(MemberKey.public_key).where(MemberKey.user_id == user.id)))


def check_backup(page, path, passphrase: str) -> None:
    page.set_input_files("#verify-backup", str(path))
    page.fill("#verify-passphrase", passphrase)
    page.click("form[data-keyshare=verify] button[type=submit]")


def secrets_in(sent: list[str], secrets: list[str]) -> list[str]:
    """Which of ``secrets`` appear, as is or form-encoded, in what the browser sent."""
    return [s for s in secrets if any(s in body or quote_plus(s) in body for body in sent)]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_an_officer_makes_downloads_and_checks_their_key(browser, live_server, tmp_path, lang):
    email, texts = f"leila.{lang}@tlemcen.dz", TEXTS[lang]
    an_officer(live_server, email)
    context = browser.new_context(viewport={"width": 360, "height": 800}, accept_downloads=True)
    page = context.new_page()
    sent: list[str] = []
    page.on("request", lambda request: sent.append(f"{request.url} {request.post_data or ''}"))
    page.goto(f"{live_server.url}/login?lang={lang}")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))

    page.goto(f"{live_server.url}/account/opening-key?lang={lang}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    page.screenshot(path=SHOTS.format(lang=lang, name="new"), full_page=True)
    page.fill("#new-passphrase", PASSPHRASE)
    page.fill("#new-confirm", PASSPHRASE + "!")
    page.click("form[data-keyshare=generate] button[type=submit]")
    assert page.locator("form[data-keyshare=generate] [data-keyshare-error]").inner_text() == texts["mismatch"]
    assert registered_keys(live_server, email) == []

    page.fill("#new-confirm", PASSPHRASE)
    with page.expect_download(timeout=60_000) as download_info:
        page.click("form[data-keyshare=generate] button[type=submit]")
    saved = tmp_path / f"backup-{lang}.json"
    download_info.value.save_as(saved)
    page.wait_for_selector("form[data-keyshare=verify]", state="visible", timeout=60_000)
    text = saved.read_text()
    private_key = backup.read_backup(text, PASSPHRASE)  # the backup opens with the passphrase
    public_key = backup.backup_public_key(text)
    assert registered_keys(live_server, email) == [public_key]
    assert public_key_fingerprint(public_key) in page.locator("main").inner_text()

    check_backup(page, saved, "pas la bonne phrase de passe")
    error = page.locator("form[data-keyshare=verify] [data-keyshare-error]")
    error.wait_for(state="visible", timeout=60_000)
    assert error.inner_text() == texts["wrong"]
    check_backup(page, saved, PASSPHRASE)
    ok = page.locator("form[data-keyshare=verify] [data-keyshare-ok]")
    ok.wait_for(state="visible", timeout=60_000)
    assert ok.inner_text() == texts["ok"] and error.is_hidden()
    page.screenshot(path=SHOTS.format(lang=lang, name="checked"), full_page=True)

    other = tmp_path / "someone-else.json"
    other.write_text(backup.make_backup(X25519PrivateKey.generate(), PASSPHRASE))
    check_backup(page, other, PASSPHRASE)
    error.wait_for(state="visible", timeout=60_000)
    assert error.inner_text() == texts["other"] and ok.is_hidden()

    raw_private = private_key.private_bytes_raw()
    secrets = [PASSPHRASE, base64.b64encode(raw_private).decode(), raw_private.hex(), '"ciphertext"']
    secrets += [backup.json.loads(text)["ciphertext"], backup.json.loads(text)["kdf"]["salt"]]
    assert any(
        base64.b64encode(public_key).decode() in s or quote_plus(base64.b64encode(public_key).decode()) in s
        for s in sent
    )
    assert secrets_in(sent, secrets) == []
    context.close()
