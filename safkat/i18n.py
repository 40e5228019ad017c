"""Languages (French by default, Arabic right to left, English), dates and money.

The language is chosen, in order, by ``?lang=``, the ``lang`` cookie set by the
switcher, the logged-in user's preference, then ``Accept-Language``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode
from zoneinfo import ZoneInfo

from babel import Locale, dates
from babel import numbers as babel_numbers
from babel.units import format_unit
from flask import Flask, current_app, g, request
from flask.globals import _cv_app
from flask_babel import (
    Babel,
    get_locale,
    get_timezone,
    get_translations,
)
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

LANGUAGES = {"fr": "Français", "ar": "العربية", "en": "English"}
RTL_LANGUAGES = {"ar"}
LANG_COOKIE = "lang"


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        g.set_lang_cookie = asked
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in LANGUAGES:
        return user_locale
    best = request.accept_languages.best_match(list(LANGUAGES))
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def _babel_namespace():
    """Where Flask-Babel keeps the request's chosen locale (``babel_locale``; ``force_locale``
    changes it, ``refresh`` removes it), or ``None`` outside an app context. Read from the
    app context itself: through the ``g`` proxy it cost two proxy lookups, and a page asks
    40 to 70 times (issue 16)."""
    context = _cv_app.get(None)
    return context.g.get("_flask_babel") if context is not None else None


def current_language() -> str:
    # Read where Flask-Babel keeps it (a page asks 20 to 30 times); its get_locale() when not chosen yet.
    locale = getattr(_babel_namespace(), "babel_locale", None) or get_locale()
    return locale.language if locale else "fr"


def language_url(code: str) -> str:
    """The page being read, in language ``code``: the same path and query string (filters,
    page, search kept), ``lang`` replaced. Always a path on this site: leading slashes are
    collapsed, so a request for ``//elsewhere.example`` cannot make it a link to another host."""
    return f"{_page_without_language()}lang={quote_plus(code)}"


def language_urls() -> dict[str, str]:
    """:func:`language_url` of every language, for the layout's links (issue 16: the
    three built apart cost 5.7 µs a page)."""
    page = _page_without_language()
    return {code: f"{page}{argument}" for code, argument in _LANGUAGE_ARGUMENTS.items()}


_LANGUAGE_ARGUMENTS = {code: f"lang={quote_plus(code)}" for code in LANGUAGES}


def _page_without_language() -> str:
    """The page's path and query string without ``lang``, ready for a last argument: the
    layout links the page in each language (three links, one encoding)."""
    built = g.get("page_without_language")
    if built is None:
        args = urlencode([(name, value) for name, value in request.args.items(multi=True) if name != "lang"])
        built = g.page_without_language = f"{quote('/' + request.path.lstrip('/'))}?{args}{'&' if args else ''}"
    return built


def text_direction() -> str:
    return "rtl" if current_language() in RTL_LANGUAGES else "ltr"


def back_arrow() -> Markup:
    """The arrow of a "back to…" link, pointing back in the reading direction (→ in Arabic),
    hidden from screen readers, which read the link's words."""
    return Markup('<span aria-hidden="true">{}</span>').format("→" if text_direction() == "rtl" else "←")


def format_when(value: datetime | None, format: str = "medium") -> str:
    """A UTC datetime shown in Algiers time, to the minute, in the page's language.

    ``full`` spells the date out and says "Algiers time" (Babel would say "Central European
    Time", which is right but not what Algerians call it). Written as Flask-Babel's
    ``format_date`` and ``format_time(…, "HH:mm")`` would, with the patterns parsed once
    and the locale and time zone read where Flask-Babel keeps them: a tender page shows 5
    to 10 dates, each cost 10 µs (40 µs spelt out) through Flask-Babel (issue 16).
    """
    if value is None:
        return ""
    namespace = _babel_namespace()
    locale = getattr(namespace, "babel_locale", None) or get_locale()
    timezone = getattr(namespace, "babel_tzinfo", None) or get_timezone()
    if format not in ("short", "full"):
        return medium_when(value, locale, timezone)
    local = _local(value, timezone)
    day, time = _date(local.date(), format, locale), f"{local.hour:02d}:{local.minute:02d}"
    if format == "short":  # CLDR's short time is 12-hour in English: Algeria reads 24 hours
        return f"{day} {time}"
    return page_translations().ugettext("%(date)s at %(time)s, Algiers time") % {"date": day, "time": time}


@lru_cache(maxsize=4096)
def _date(day: date, length: str, locale: Locale) -> str:
    """``format_date(day, length)``: a listing shows 20 dates, most of them on a few days,
    and Babel's pattern costs more than the rest of a card (issue 16)."""
    return dates.parse_pattern(dates.get_date_format(length, locale)).apply(day, locale)


def _local(value: datetime, timezone) -> datetime:
    """``value`` (naive: UTC) in ``timezone``, as Flask-Babel's ``to_user_timezone`` gives it."""
    return _in_zone(value, _zone_info(timezone))


def _in_zone(value: datetime, zone: tzinfo) -> datetime:
    """``value`` (naive: UTC) in ``zone``, a ``zoneinfo`` zone."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)


def medium_when(value: datetime, locale: Locale, timezone) -> str:
    """What ``format_date(value, "medium")`` and ``format_time(value, "HH:mm")`` give, with
    the locale and time zone looked up once per page by the caller (Flask-Babel looks them
    up again for each date). ``HH:mm`` is two-digit Latin numerals in every language we speak."""
    return MediumDates(locale, timezone)(value)


class MediumDates:
    """:func:`medium_when` for the many dates of one page (a listing's cards): the zone
    converted once, each day written once (a day's text is keyed by its locale otherwise)."""

    def __init__(self, locale: Locale, timezone):
        self.locale, self.zone = locale, _zone_info(timezone)
        self._days: dict[date, str] = {}

    def __call__(self, value: datetime) -> str:
        local = _in_zone(value, self.zone)
        day = local.date()
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = _date(day, "medium", self.locale)
        return f"{text} {local.hour:02d}:{local.minute:02d}"


@lru_cache(maxsize=16)
def _zone_info(timezone: tzinfo) -> tzinfo:
    """Flask-Babel's pytz time zone as the ``zoneinfo`` one of the same name: the same
    offsets, converted in C (a card's date: 6 → 2 µs)."""
    name = getattr(timezone, "zone", None)  # pytz's
    return ZoneInfo(name) if name else timezone


@lru_cache(maxsize=32)
def _number_symbols(locale: str) -> tuple[str, str]:
    """The locale's group and decimal separators."""
    parsed = Locale.parse(locale)
    return babel_numbers.get_group_symbol(parsed), babel_numbers.get_decimal_symbol(parsed)


def format_count(number: int, locale: str | None = None) -> str:
    """A whole number with the locale's group separator (``95 000``, ``95,000``), as
    Flask-Babel's ``numberformat`` writes it, without parsing Babel's pattern each time."""
    group, _decimal = _number_symbols(locale or current_language())
    return f"{number:,}".replace(",", group)


def format_dzd(centimes: int | None, locale: str | None = None, with_currency: bool = True) -> str:
    """An amount stored in centimes, e.g. ``1 234 567,89 DZD`` or ``1,234,567.89 DZD``.

    Written as Babel's ``#,##0.00`` would write it, with the locale's symbols looked up
    once: a listing formats up to 20 amounts, and the pattern cost more than the card."""
    if centimes is None:
        return ""
    locale = locale or current_language()
    group, decimal_separator = _number_symbols(locale)
    units, cents = divmod(abs(centimes), 100)
    number = f"{units:,}".replace(",", group) + f"{decimal_separator}{cents:02d}"
    if centimes < 0:  # the pattern's own minus, in every locale (Babel does not use the locale's sign here)
        number = "-" + number
    if not with_currency:
        return number
    return f"{number} دج" if locale == "ar" else f"{number} DZD"


def format_size(num_bytes: int | None, locale: str | None = None) -> str:
    """A file size in the page's language, by Babel: ``39,2 ko``, ``39.2 kB``, ``2,5 Mo``."""
    if num_bytes is None:
        return ""
    locale = locale or current_language()
    if num_bytes < 1024:
        return format_unit(num_bytes, "digital-byte", length="short", locale=locale)
    if num_bytes < 1024 * 1024:
        return format_unit(num_bytes / 1024, "digital-kilobyte", length="short", locale=locale, format="#,##0.#")
    return format_unit(num_bytes / 1024 / 1024, "digital-megabyte", length="short", locale=locale, format="#,##0.#")


def amount_words(centimes: int | None, locale: str | None = None) -> str:
    """An amount in centimes written in words in the page's language (see amount_words.py)."""
    from safkat.amount_words import amount_in_words

    return amount_in_words(centimes, locale or current_language()) if centimes is not None else ""


def time_left(deadline: datetime, now: datetime) -> str:
    """``3 days, 4 hours`` or ``2 hours, 5 minutes`` until ``deadline``, in the page's language."""
    seconds = max(0, int((deadline - now).total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    translations = page_translations()  # as Flask-Babel's ngettext and gettext, found once
    parts = []
    if days:
        parts.append(translations.ungettext("%(num)d day", "%(num)d days", days) % {"num": days})
    if hours or days:
        parts.append(translations.ungettext("%(num)d hour", "%(num)d hours", hours) % {"num": hours})
    if not days:
        parts.append(translations.ungettext("%(num)d minute", "%(num)d minutes", minutes) % {"num": minutes})
    return translations.ugettext(", ").join(parts)


def wilaya_name(code: str, language: str | None = None) -> str:
    """Wilaya ``code``'s name in ``language`` (the page's by default); an unknown code as it is."""
    return wilaya_names(language or current_language()).get(code, code)


@lru_cache(maxsize=8)
def wilaya_names(language: str) -> dict[str, str]:
    """Every wilaya's name in ``language``, by code (a listing names ~30 a page)."""
    from safkat.wilayas import WILAYAS

    return {wilaya.code: wilaya.name(language) for wilaya in WILAYAS}


def translated(labels: dict) -> dict:
    """``labels`` (lazy strings) translated once into the page's language, for a template
    that shows them in a loop (a lazy string looks its translation up at every use)."""
    return {key: str(label) for key, label in labels.items()}


def translated_once(labels: dict) -> dict:
    """A constant table of lazy strings as a template shows them (translated, unescaped
    markup), made once per catalogue and kept with the table: each lazy string looked its
    translation up through Flask-Babel at every use (~8 µs; issue 16). The table must not
    change once made (a module's labels)."""
    made = _kept_with(page_translations(), "safkat_tables")
    kept = made.get(id(labels))
    if kept is None:  # the table is kept beside its translation: its id cannot be reused
        kept = made[id(labels)] = (labels, {key: Markup(str(label)) for key, label in labels.items()})
    return kept[1]


def _kept_with(translations, name: str) -> dict:
    """A dictionary kept on a catalogue object: what is made from it once, per language."""
    made = getattr(translations, name, None)
    if made is None:
        made = {}
        setattr(translations, name, made)
    return made


def add_vary(response, *names: str) -> None:
    """Add ``names`` to the response's ``Vary``. Every response says it varies by language
    and cookie: the header is read in one pass over the response's headers, and rewritten
    (through ``response.vary``, which parses it) only when a name is missing. Asking
    werkzeug whether a missing header is there raises and catches a ``KeyError`` inside it
    (issue 16: per-request costs)."""
    headers = response.headers
    current = next((value for name, value in headers if name.lower() == "vary"), None)
    if current is None:
        headers.add("Vary", ", ".join(names))  # known to be absent: nothing to replace
        return
    listed = {token.strip().lower() for token in current.split(",")}
    for name in names:
        if name.lower() not in listed:
            response.vary.add(name)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=select_locale, timezone_selector=lambda: app.config["DISPLAY_TIMEZONE"])

    @app.after_request
    def remember_language(response):
        lang = _cv_app.get().g.pop("set_lang_cookie", None)  # g itself: its proxy costs a lookup
        if lang:
            response.set_cookie(
                LANG_COOKIE,
                lang,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                httponly=True,
                secure=app.config["SESSION_COOKIE_SECURE"],
            )
        add_vary(response, "Accept-Language", "Cookie")
        return response

    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        current_language=current_language,
        language_url=language_url,
        back_arrow=back_arrow,
        text_direction=text_direction,
        wilaya_name=wilaya_name,
        translated=translated,
        time_left=time_left,
    )
    app.jinja_env.filters.update(
        when=format_when, dzd=format_dzd, grouped=format_count, filesize=format_size, in_words=amount_words
    )
    # Jinja's ``_()`` reached the catalogue through three calls (its alias, its newstyle
    # wrapper, Flask-Babel's lambda): the same behaviour in one (see page_translations).
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)


@pass_eval_context
def template_gettext(eval_context, string: str, **variables) -> str:
    """Jinja's newstyle ``_()``: translated, marked safe under autoescape, then formatted
    (so the variables are escaped and ``%%`` is a percent sign, as Jinja does).

    Given the evaluation context, not the template's: for a function that takes the
    template's context, Jinja makes a derived copy at each call inside a block or loop
    that set variables (~5 µs, 18 times on a tender page; issue 16)."""
    translations = page_translations()
    if variables:
        return _filled(eval_context, translations.ugettext(string), variables)
    # Without variables the result depends on the catalogue, the text and autoescape only:
    # each is made once per catalogue (a page shows 10 to 45 of them; issue 16).
    made = _kept_with(translations, "safkat_plain")
    key = (string, eval_context.autoescape)
    text = made.get(key)
    if text is None:
        text = made[key] = _filled(eval_context, translations.ugettext(string), variables)
    return text


@pass_eval_context
def template_ngettext(eval_context, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _filled(eval_context, page_translations().ungettext(singular, plural, num), variables)


def _filled(eval_context, translated_text: str, variables: dict) -> str:
    if eval_context.autoescape:
        translated_text = Markup(translated_text)
    return translated_text % variables


def page_translations():
    """The catalogue of the language being written, as Flask-Babel's ``get_translations()``
    gives it, found in one step once that language is known.

    A page calls ``_()`` 10 to 45 times; through Flask-Babel each call looked up the
    request's namespace, the domain, the locale and the catalogue cache again (~11 µs, a
    third of a tender page's template; issue 16). The catalogue is remembered next to the
    locale Flask-Babel chose for the request, for as long as that locale object stays
    (``force_locale``, used for e-mails in their reader's language, puts another there).
    """
    namespace = _babel_namespace()
    locale = getattr(namespace, "babel_locale", None)
    if locale is None:  # not chosen yet, or outside a request: the long way, which chooses it
        return get_translations()
    remembered = getattr(namespace, "safkat_translations", None)
    if remembered is not None and remembered[0] is locale:
        return remembered[1]
    found = get_translations()
    namespace.safkat_translations = (locale, found)
    return found


def page_gettext(string: str, **variables) -> str:
    """Flask-Babel's ``gettext`` through :func:`page_translations`: for a text that a page
    read by every visitor writes in Python (~1 µs against ~6; issue 16)."""
    text = page_translations().ugettext(string)
    return text % variables if variables else text


def page_ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Flask-Babel's ``ngettext`` through :func:`page_translations` (see :func:`page_gettext`)."""
    variables.setdefault("num", num)
    return page_translations().ungettext(singular, plural, num) % variables


TRANSLATIONS_DIR = Path(__file__).parent / "translations"


def compile_catalogs(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile every ``.po`` catalogue under ``directory`` whose ``.mo`` is missing or older."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with open(po_path, "rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        with open(mo_path, "wb") as handle:
            write_mo(handle, catalog)
        compiled.append(mo_path)
    return compiled
