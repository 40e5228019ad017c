"""Rendering an official document: plain values in, PDF bytes out.

:func:`render_pdf` is a pure function. It knows no Flask, no database and no request:
the template (in ``templates/pdf/``) receives only the values it is given, formatted in
the document's language by the filters defined here. WeasyPrint may fetch only files
under the project's ``static/`` folder (the shipped fonts): any other URL — the network,
``data:``, a ``file:`` path outside ``static/`` — is refused and stops the rendering, so
a document never depends on what is installed or reachable.
"""

from __future__ import annotations

import atexit
import gc
import mimetypes
import re
import threading
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from safkat.config import PROJECT_ROOT

STATIC_ROOT = PROJECT_ROOT / "static"
TEMPLATES_ROOT = PROJECT_ROOT / "templates"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LANGUAGES = ("fr", "ar")
RTL_LANGUAGES = {"ar"}
DIGIT_STYLES = ("western", "arabic-indic")
DISPLAY_TIMEZONE = "Africa/Algiers"
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


class RefusedURL(ValueError):
    """A document tried to load something that is not one of the project's static files."""


def static_path(url: str, root: Path = STATIC_ROOT) -> Path:
    """The file under ``root`` that the ``file:`` URL names; :class:`RefusedURL` otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"only the project's static files may be loaded, not {url[:200]!r}")
    root = root.resolve()
    path = Path(url2pathname(parts.path)).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise RefusedURL(f"not a file of {root}: {url[:200]!r}")
    return path


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, allowed to read the files of ``static/`` and nothing else.

    A refused URL stops the rendering (``fail_on_errors``): a missing font must not be
    replaced silently by whatever the machine has.
    """

    def __init__(self, root: Path = STATIC_ROOT):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=True)
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        path = static_path(url, self.root)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def render_pdf(template_name: str, values: dict, lang: str, *, digits: str = "western") -> bytes:
    """Render the template ``template_name`` (``pdf/bid_receipt.html``…) with ``values``, in ``lang``.

    ``values`` must be plain data (strings, numbers, datetimes, lists and dicts of them).
    ``digits`` is ``western`` (0-9) or ``arabic-indic`` (٠-٩, Arabic edition only) for
    amounts, dates and page numbers; references, codes and digests keep Western digits.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"documents are issued in {LANGUAGES}, not {lang!r}")
    if digits not in DIGIT_STYLES:
        raise ValueError(f"digits must be one of {DIGIT_STYLES}, not {digits!r}")
    digits = digits if lang == "ar" else "western"
    html = _environment(lang, digits).get_template(template_name).render(values)
    stylesheet, font_config = _stylesheet(lang, digits)
    document = HTML(string=html, base_url=_BASE_URL, url_fetcher=StaticOnlyFetcher())
    with _no_cycle_collection():
        return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)


@contextmanager
def _no_cycle_collection():
    """Layout builds hundreds of thousands of short-lived objects (boxes, styles), and
    Python's cycle collector kept scanning them: a quarter of a long document's time
    (Arabic minutes of 500 bids, interleaved runs: median 4.17 s of CPU with it, 3.19 s
    without). Reference counting still frees them; the collector resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_BASE_URL = STATIC_ROOT.as_uri() + "/"
_local = threading.local()


@atexit.register
def _release_fonts() -> None:
    """Drop the main thread's fonts while the libraries behind them are still loaded. Left
    to the interpreter's last clean-up, Pango's objects are freed after their library and
    a command that issued documents (``safkat open-due``, ``notifications send``) ends in a
    segmentation fault."""
    _local.__dict__.pop("stylesheets", None)


def _stylesheet(lang: str, digits: str) -> tuple[CSS, FontConfiguration]:
    """The documents' stylesheet (``templates/pdf/layout.css``) with its fonts loaded.

    Parsing it and loading the fonts costs more than laying out a receipt, so each thread
    keeps one per language and digit style (WeasyPrint's objects are not shared between
    threads).
    """
    cache = getattr(_local, "stylesheets", None)
    if cache is None:
        cache = _local.stylesheets = {}
    if (lang, digits) not in cache:
        font_config = FontConfiguration()
        text = _environment(lang, digits).get_template("pdf/layout.css").render()
        css = CSS(string=text, base_url=_BASE_URL, url_fetcher=StaticOnlyFetcher(), font_config=font_config)
        cache[lang, digits] = css, font_config
    return cache[lang, digits]


# --- the templates' environment: one per language and digit style --------------------------


@lru_cache(maxsize=4)
def translations(lang: str) -> Translations:
    """The catalogue the documents of ``lang`` are written with, loaded once per process."""
    return Translations.load(str(TRANSLATIONS_DIR), [lang])


@lru_cache(maxsize=8)
def _environment(lang: str, digits: str) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_ROOT),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(translations(lang), newstyle=True)
    formats = _Formats(lang, digits, translations(lang))
    environment.filters.update(
        when=formats.when,
        day=formats.day,
        dzd=formats.dzd,
        amount=formats.amount,
        number=formats.number,
        score=formats.score,
    )
    environment.globals.update(
        lang=lang,
        direction="rtl" if lang in RTL_LANGUAGES else "ltr",
        start="right" if lang in RTL_LANGUAGES else "left",
        end="left" if lang in RTL_LANGUAGES else "right",
        counter_style="arabic-indic" if digits == "arabic-indic" else "decimal",
        page_numbers=formats.page_numbers,
        qr_svg=qr_svg,
    )
    return environment


class _Formats:
    """Dates, amounts and numbers in the document's language and digits."""

    def __init__(self, lang: str, digits: str, translations: Translations):
        self.lang, self.digits, self.translations = lang, digits, translations
        self.numbering = "arab" if digits == "arabic-indic" else "latn"

    def _digits(self, text: str) -> str:
        return text.translate(_ARABIC_INDIC) if self.digits == "arabic-indic" else text

    def when(self, value: datetime | None, format: str = "medium") -> str:
        """A UTC datetime in Algiers time: ``full`` spells the date and names the time zone."""
        if value is None:
            return "—"
        local = value.astimezone(_algiers())
        if format == "short":  # in tables: 02/03/2026 10:00
            return self._digits(local.strftime("%d/%m/%Y %H:%M"))
        date = format_date(local, "full" if format == "full" else "medium", locale=self.lang)
        time = format_time(local, "HH:mm", locale=self.lang)
        if format == "full":
            text = self.translations.ugettext("%(date)s at %(time)s, Algiers time") % {"date": date, "time": time}
        else:
            text = f"{date} {time}"
        return self._digits(text)

    def day(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        return self._digits(format_date(value.astimezone(_algiers()), "long", locale=self.lang))

    def amount(self, centimes: int | None) -> str:
        """An amount stored in centimes, without the currency: ``1 234 567,89``."""
        if centimes is None:
            return "—"
        number = format_decimal(
            Decimal(centimes) / 100, format="#,##0.00", locale=self.lang, numbering_system=self.numbering
        )
        return self._digits(number)  # Babel gives the separators of the numbering system, not its digits

    def dzd(self, centimes: int | None) -> str:
        """An amount with its currency: ``1 234 567,89 DZD``, ``1,234,567.89 دج``."""
        if centimes is None:
            return "—"
        return f"{self.amount(centimes)} دج" if self.lang == "ar" else f"{self.amount(centimes)} DZD"

    def number(self, value: int | None) -> str:
        if value is None:
            return "—"
        return self._digits(format_decimal(value, locale=self.lang, numbering_system=self.numbering))

    def score(self, value: Decimal | float | None) -> str:
        """A score with two decimals: ``87,50``, ``87.50``."""
        if value is None:
            return "—"
        number = format_decimal(
            Decimal(str(value)), format="#,##0.00", locale=self.lang, numbering_system=self.numbering
        )
        return self._digits(number)

    def page_numbers(self) -> Markup:
        """The CSS ``content`` of the page numbers, e.g. ``"Page " counter(page) " / " counter(pages)``."""
        style = "arabic-indic" if self.digits == "arabic-indic" else "decimal"
        text = self.translations.ugettext("Page %(page)s / %(pages)s")
        pieces = []
        for part in re.split(r"(%\(pages?\)s)", text):
            if part == "%(page)s":
                pieces.append(f"counter(page, {style})")
            elif part == "%(pages)s":
                pieces.append(f"counter(pages, {style})")
            elif part:
                pieces.append(_css_string(part))
        return Markup(" ".join(pieces))


def _css_string(text: str) -> str:
    escaped = "".join(c if c.isalnum() or c in " .,:;/-()" or ord(c) > 127 else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


@lru_cache(maxsize=1)
def _algiers():
    from babel.dates import get_timezone

    return get_timezone(DISPLAY_TIMEZONE)


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code of ``url`` (segno makes it; no file, no fetch)."""
    svg = segno.make(url, error="m", micro=False).svg_inline(border=0, omitsize=True, svgclass="qr", lineclass=None)
    return Markup(svg)
