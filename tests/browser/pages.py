"""Page helpers for the browser journeys: people at their own browser, forms, downloads.

Selectors use ids, names and form actions, which do not change with the language; what
people read is checked in their language through the application's own catalogues.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.support import NullTranslations, Translations

import safkat
from safkat.demo import DEMO_KEY_PASSPHRASE, DEMO_KEYS, DEMO_PASSWORD

CATALOGUES = Path(safkat.__file__).parent / "translations"
CODE = re.compile(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b")


@cache
def translator(lang: str):
    """``gettext`` in ``lang`` (English msgids are the English text)."""
    if lang == "en":
        return NullTranslations().gettext
    return Translations.load(str(CATALOGUES), [lang]).gettext


def choose_demo_backup(page, email: str) -> None:
    """At the opening session, a demo member picks their demo key backup and types its
    passphrase: the page's script unseals their share in this browser."""
    page.set_input_files("#keyshare-backup", str(DEMO_KEYS / f"{email}.json"))
    page.fill("#keyshare-passphrase", DEMO_KEY_PASSPHRASE)


def path_of(url: str) -> str:
    return urlsplit(url).path


class Person:
    """Someone at their own browser window: a Playwright context of its own, so that each
    keeps its session, its language cookie and its downloads apart from the others.

    Unlike the accessibility tests, the site's Content-Security-Policy is enforced here.
    Every page this person is shown must be a success in their language and direction,
    with no error flashed and no script error in the console.
    """

    def __init__(self, browser, server, lang: str, email=None, password=DEMO_PASSWORD, *, registered=True):
        self.server, self.lang, self.email, self.password = server, lang, email, password
        self.has_account = email is not None and registered  # else they register first
        self.t = translator(lang)
        self.context = browser.new_context(locale={"ar": "ar-DZ", "fr": "fr-DZ"}.get(lang, "en"), accept_downloads=True)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("response", self._watch_response)
        self.page.on("console", self._watch_console)
        self.page.goto(server.url)  # and choose the language with the switcher, which remembers it
        self.follow(f".languages a[hreflang={lang}]")

    def _watch_response(self, response) -> None:
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame and response.status >= 400:
            self.problems.append(f"{response.status} {request.method} {response.url}")

    def _watch_console(self, message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.problems.append(f"console: {message.text} ({message.location.get('url')})")

    def check(self) -> None:
        """The page is a success, in the right language and direction, with no error message."""
        assert self.problems == [], self.problems
        html = self.page.locator("html")
        assert html.get_attribute("lang") == self.lang
        assert html.get_attribute("dir") == ("rtl" if self.lang == "ar" else "ltr")
        errors = self.page.locator(".flash-error, .form-errors, .error-page")
        assert errors.count() == 0, errors.all_inner_texts()

    def go(self, path: str) -> None:
        """Open ``path`` as this person, logging in first when their session has ended."""
        self.page.goto(self.server.url + path)
        logged_out = self.page.locator("header form[action$='/logout']").count() == 0
        if self.has_account and logged_out and not path.startswith(("/login", "/verify-email/")):
            self.log_in()  # the session ended (days have passed) or never began
            self.page.goto(self.server.url + path)
        self.check()

    def log_in(self) -> None:
        if path_of(self.page.url) != "/login":
            self.page.goto(f"{self.server.url}/login?lang={self.lang}")
        self.page.fill("#email", self.email)
        self.page.fill("#password", self.password)
        self.submit(self.page.locator("main form"))
        assert path_of(self.page.url) != "/login"

    def submit(self, form, button: str = "button[type=submit]") -> None:
        """Send ``form`` (a locator or a selector) with its submit button and wait for the answer."""
        form = self.page.locator(form) if isinstance(form, str) else form
        with self.page.expect_navigation():
            form.locator(button).first.click()
        self.check()

    def follow(self, link) -> None:
        """Click ``link`` (a locator or a selector) and wait for the page it leads to."""
        link = self.page.locator(link) if isinstance(link, str) else link
        with self.page.expect_navigation():
            link.first.click()
        self.check()

    def flash(self) -> str:
        return " ".join(self.page.locator(".flash-success").all_inner_texts())

    def see(self, text: str) -> None:
        """The msgid ``text``, in this person's language, is on the page."""
        assert self.lang == "en" or self.t(text) != text, f"no {self.lang} translation of {text!r}"
        assert self.t(text) in self.page.locator("main").inner_text(), self.t(text)

    def download(self, link) -> bytes:
        link = self.page.locator(link) if isinstance(link, str) else link
        with self.page.expect_download() as info:
            link.click()
        return Path(info.value.path()).read_bytes()

    def close(self) -> None:
        self.context.close()


def mail_text(message) -> str:
    """The text of an e-mail (which may carry PDF attachments)."""
    return message.get_body(preferencelist=("plain",)).get_content()


def mail_pdfs(message) -> list[bytes]:
    return [part.get_content() for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]


def pdf_text(pdf: bytes, folder: Path) -> str:
    """The PDF's text as a person reading it sees it (``pdftotext``)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("whole journey: pdftotext is missing (.ci/run installs poppler-utils)")
    source = folder / "document.pdf"
    source.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(source), "-"], check=True, capture_output=True, text=True).stdout


def verify_document(person: Person, pdf: bytes, folder: Path) -> str:
    """Type the code printed on ``pdf`` on /verify, upload the file there, and see it is authentic."""
    match = CODE.search(pdf_text(pdf, folder))
    assert match, "no verification code in the document"
    code = match.group(1)
    person.go("/verify")
    person.page.fill("#code", code)
    person.submit("main form")
    assert path_of(person.page.url) == f"/verify/{code}"
    upload = folder / f"{code}.pdf"
    upload.write_bytes(pdf)
    person.page.set_input_files("#document", str(upload))
    person.submit("main form[enctype]")
    person.see("Authentic: this file is exactly the issued document.")
    return code


def verify_pdfs_on(person: Person, path: str, folder: Path, done: dict[str, str]) -> None:
    """Download each PDF the page at ``path`` offers in the person's language and verify it;
    ``done`` maps the links already verified to their codes."""
    person.go(path)
    links = person.page.locator(f"main a[href$='/{person.lang}.pdf']")
    for href in links.evaluate_all("links => links.map(link => link.getAttribute('href'))"):
        if href not in done:
            person.go(path)
            done[href] = verify_document(person, person.download(f"main a[href='{href}']"), folder)
