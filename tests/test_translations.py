"""Every user-facing string exists in French and Arabic, with the same placeholders."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The strings in the code now, extracted afresh (so a new string cannot be forgotten)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "N_",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_ngettext:1,2",
            "-k",
            "page_gettext",
            "-k",
            "page_ngettext:1,2",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as handle:
        ids = {message.id for message in read_po(handle) if message.id}
    assert len(ids) > 100, "extraction found almost nothing: is babel.cfg right?"
    # Texts written in Python through safkat.i18n.page_gettext and page_ngettext (the listing's heading and pager).
    assert {"Page %(page)s of %(pages)s", ("%(num)d call for tender", "%(num)d calls for tender")} <= ids
    return ids


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_catalogue_translates_every_string(extracted, lang):
    with open(ROOT / f"safkat/translations/{lang}/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle, locale=lang)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(extracted - set(translated), key=str)
    assert missing == [], f"untranslated in {lang} (run scripts/i18n-update, then translate): {missing[:10]}"
    for msgid, text in translated.items():
        if isinstance(msgid, str):
            assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(text)), (lang, msgid)
