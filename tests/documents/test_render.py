"""Rendering is a pure function that may read the project's static files and nothing else."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from safkat.documents.render import STATIC_ROOT, RefusedURL, StaticOnlyFetcher, render_pdf, static_path
from tests.documents.conftest import pdf_text

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def minutes_values(bids: int) -> dict:
    """Plain values, as :func:`safkat.documents.values.opening_minutes_values` makes them."""
    return {
        "document": {
            "kind": "opening_minutes",
            "title": "Opening minutes",
            "code": "ABCD-EFGH-JKMN",
            "verification_url": "http://safkat.test/verify/ABCD-EFGH-JKMN",
            "version": 1,
            "issued_at": AT,
        },
        "authority": "مصلحة الاتصالات بوهران",
        "reference": "AT-ORN/2026/0042",
        "tender": {"reference": "AT-ORN/2026/0042", "title": {"text": "نشر الألياف البصرية", "lang": "ar"}},
        "opened_at": AT,
        "opening_place": {"text": "Oran", "lang": "fr"},
        "commission": [],
        "rows": [
            {
                "number": n,
                "enterprise": f"Entreprise {n}",
                "nif": f"{n:015d}",
                "submitted_at": AT,
                "is_intact": True,
                "problem": None,
                "has_application": True,
                "has_technical": True,
                "has_financial": True,
                "amounts": [{"lot": 1, "excl_vat": 123456789, "total": 146913579}],
                "digest": f"{n:064x}",
            }
            for n in range(1, bids + 1)
        ],
        "superseded_count": 0,
        "withdrawn_count": 0,
        "signatures": [],
    }


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/font.ttf",
        "https://safkat.test/static/fonts/DejaVuSans.ttf",
        "data:text/css,body{}",
        "ftp://example.com/x",
        "file:///etc/passwd",
        (STATIC_ROOT / ".." / "safkat" / "config.py").as_uri(),
        STATIC_ROOT.as_uri() + "/fonts/../../setup.py",
        STATIC_ROOT.as_uri() + "/fonts/missing.ttf",
        "file://evil.example/" + str(STATIC_ROOT / "fonts" / "DejaVuSans.ttf"),
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(RefusedURL):
        static_path(url)
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_shipped_fonts():
    response = StaticOnlyFetcher().fetch((STATIC_ROOT / "fonts" / "Amiri-Regular.ttf").as_uri())
    assert response.read()[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")


def test_fonts_are_shipped_with_their_licences():
    fonts = STATIC_ROOT / "fonts"
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "Amiri-Regular.ttf", "Amiri-Bold.ttf"):
        assert (fonts / name).stat().st_size > 100_000
    assert "SIL OPEN FONT LICENSE" in (fonts / "LICENSE-Amiri-OFL.txt").read_text()
    assert "Bitstream" in (fonts / "LICENSE-DejaVu.txt").read_text()


def test_rendering_uses_only_the_shipped_fonts(tmp_path):
    import subprocess

    pdf = render_pdf("pdf/opening_minutes.html", minutes_values(2), "ar")
    source = tmp_path / "minutes.pdf"
    source.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(source)], check=True, capture_output=True, text=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    # The names are those of the @font-face rules: the shipped files, not the machine's fonts.
    assert names and all(name.split("+")[-1].startswith("Safkat-") for name in names), fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:]), "every font is embedded"


def test_a_template_that_reaches_outside_static_does_not_render(tmp_path, monkeypatch):
    from safkat.documents import render

    templates = tmp_path / "templates" / "pdf"
    templates.mkdir(parents=True)
    (templates / "evil.html").write_text('<html><body><img src="file:///etc/hostname"><p>x</p></body></html>')
    shutil.copy(render.TEMPLATES_ROOT / "pdf" / "layout.css", templates / "layout.css")
    monkeypatch.setattr(render, "TEMPLATES_ROOT", tmp_path / "templates")
    render._environment.cache_clear()
    try:
        with pytest.raises(BaseException, match="Error fetching"):
            render_pdf("pdf/evil.html", {}, "fr")
    finally:
        render._environment.cache_clear()


def test_render_refuses_other_languages_and_digit_styles():
    with pytest.raises(ValueError):
        render_pdf("pdf/opening_minutes.html", minutes_values(1), "en")
    with pytest.raises(ValueError):
        render_pdf("pdf/opening_minutes.html", minutes_values(1), "ar", digits="roman")


def test_long_minutes_repeat_the_table_header_and_count_pages(tmp_path):
    pdf = render_pdf("pdf/opening_minutes.html", minutes_values(60), "fr")
    text = pdf_text(pdf, tmp_path)
    pages = text.count("Page ")
    assert pages >= 2 and f"Page 1 / {pages}" in text and f"Page {pages} / {pages}" in text
    second_page = pdf_text(pdf, tmp_path, first=2, last=2)
    assert "Soumissionnaire" in second_page, "the table header is repeated on the next page"
    assert "Entreprise 60" in text and "1 234 567,89 / 1 469 135,79" in text


def test_arabic_indic_digits_by_setting(tmp_path):
    western = pdf_text(render_pdf("pdf/opening_minutes.html", minutes_values(1), "ar"), tmp_path)
    assert "1,234,567.89" in western and "2026" in western and "الصفحة 1 / 1" in western
    indic = pdf_text(render_pdf("pdf/opening_minutes.html", minutes_values(1), "ar", digits="arabic-indic"), tmp_path)
    assert "١٬٢٣٤٬٥٦٧٫٨٩" in indic and "٢٠٢٦" in indic and "الصفحة ١ / ١" in indic
    assert "AT-ORN/2026/0042" in indic and "ABCD-EFGH-JKMN" in indic, "references and codes keep their digits"


def test_render_is_pure_and_needs_no_application():
    pdf = render_pdf("pdf/opening_minutes.html", minutes_values(1), "fr")
    assert pdf.startswith(b"%PDF-") and Path(STATIC_ROOT).is_dir()
