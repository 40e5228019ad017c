"""Numbers, sizes, times and arrows follow the reader's language and direction."""

from datetime import UTC, datetime

import pytest

from safkat.i18n import back_arrow, format_size, format_when


def plain(text: str) -> str:
    """Babel separates with no-break spaces (narrow in French): compared as plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize(
    ("lang", "small", "medium", "large"),
    [
        ("fr", "512 o", "39,2 ko", "2,5 Mo"),
        ("en", "512 byte", "39.2 kB", "2.5 MB"),
        ("ar", "512 بايت", "39.2 كيلوبايت", "2.5 م.ب"),
    ],
)
def test_file_sizes_are_formatted_by_babel(app, lang, small, medium, large):
    with app.test_request_context(f"/?lang={lang}"):
        assert plain(format_size(512)) == small
        assert plain(format_size(40141)) == medium  # 39.2 KiB
        assert plain(format_size(2_621_440)) == large


def test_short_times_are_24_hour_in_every_language(app):
    afternoon = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)  # 15:30 in Algiers
    for lang in ("en", "fr", "ar"):
        with app.test_request_context(f"/?lang={lang}"):
            text = format_when(afternoon, "short")
            assert "15:30" in text and "PM" not in text and "م" not in text, (lang, text)


def test_back_arrows_point_back_in_the_reading_direction(app, client, make):
    with app.test_request_context("/?lang=ar"):
        assert "→" in back_arrow()
    with app.test_request_context("/?lang=fr"):
        assert "←" in back_arrow()
    tender = make.tender(state="open")
    arabic = client.get(f"/tenders/{tender.url_reference}?lang=ar").get_data(as_text=True)
    assert '<span aria-hidden="true">→</span>' in arabic and "←" not in arabic


def test_document_sizes_on_the_tender_page_are_localised(client, make, db_session):
    tender = make.tender(state="open")
    tender.documents[0].size_bytes = 40141
    db_session.flush()
    html = client.get(f"/tenders/{tender.url_reference}?lang=fr").get_data(as_text=True)
    assert "39,2 ko" in plain(html) and "KB" not in html


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_cached_date_and_amount_formats_say_what_babel_says(app, lang):
    """Listings and the tender page format dates and amounts with patterns parsed once per
    process (issue 16): the text must be Flask-Babel's own, whatever the time of day, year
    or size, in every length."""
    from datetime import timedelta
    from decimal import Decimal

    from babel.numbers import format_decimal
    from flask_babel import format_date, format_time, gettext

    from safkat.i18n import format_dzd

    moments = [datetime(2026, 1, 1, 0, 0, tzinfo=UTC) + timedelta(hours=h * 37, minutes=h * 7) for h in range(300)]
    moments += [datetime(2025, 12, 31, 23, 30), datetime(2026, 6, 30, 22, 59, tzinfo=UTC)]  # naive is UTC
    with app.test_request_context(f"/?lang={lang}"):
        for moment in moments:
            day_and_time = {
                length: f"{format_date(moment, length)} {format_time(moment, 'HH:mm')}"
                for length in ("medium", "short")
            }
            assert format_when(moment) == day_and_time["medium"]
            assert format_when(moment, "short") == day_and_time["short"]
            spelt_out = gettext(
                "%(date)s at %(time)s, Algiers time",
                date=format_date(moment, "full"),
                time=format_time(moment, "HH:mm"),
            )
            assert format_when(moment, "full") == spelt_out
        for centimes in (0, 5, 99, 100, 100_000, 123_456_789, 999_999_999_99, 10**15 + 1, -2_550, -123_456_789):
            number = format_decimal(Decimal(centimes) / 100, format="#,##0.00", locale=lang)
            assert format_dzd(centimes, with_currency=False) == number
        from flask_babel import format_number

        from safkat.i18n import format_count

        for count in (0, 7, 999, 1_000, 95_000, 1_234_567, 10**12):
            assert format_count(count) == format_number(count)


def test_template_translations_follow_the_page_and_forced_languages(app):
    """Templates reach the catalogue in one step (issue 16): the page's language, the one
    ``force_locale`` asks for (e-mails in their reader's language), escaping and plurals
    must be what Jinja and Flask-Babel gave."""
    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ _('Calls for tender') }}|{{ ngettext('%(num)d lot', '%(num)d lots', 3) }}|{{ _('%(x)s %%', x=v) }}"
    with app.test_request_context("/?lang=ar"):
        assert render_template_string(template, v="<b>") == "طلبات العروض|3 حصص|&lt;b&gt; %"
        with force_locale("fr"):
            assert render_template_string(template, v="a") == "Appels d'offres|3\xa0lots|a %"
        assert render_template_string(template, v="a").startswith("طلبات العروض|")
    with app.test_request_context("/?lang=en"):
        assert render_template_string(template, v="a") == "Calls for tender|3 lots|a %"


def test_texts_without_variables_are_remembered_per_language_and_escaping(app):
    """A text without variables is made once per catalogue (issue 16): it must still follow
    the page's language, stay safe markup only where autoescaping is on (``|e`` escapes a
    plain string, not markup), and turn ``%%`` into a percent sign, in blocks that set
    variables too."""
    from flask import render_template_string

    template = (
        "{{ _('Calls for tender')|e }}|"
        "{% autoescape false %}{{ _('Calls for tender')|e }}{% endautoescape %}|"
        "{% for n in [1] %}{% set shown = n %}{{ _('Applied at evaluation (margin up to 25 %%).') }}{% endfor %}"
    )
    expected = {
        "fr": "Appels d'offres|Appels d&#39;offres|Appliquée lors de l'évaluation (marge pouvant atteindre 25 %).",
        "ar": "طلبات العروض|طلبات العروض|تُطبَّق عند التقييم (بهامش يصل إلى 25%).",
        "en": "Calls for tender|Calls for tender|Applied at evaluation (margin up to 25 %).",
    }
    for _ in range(2):  # the second time from what the first remembered
        for lang, text in expected.items():
            with app.test_request_context(f"/?lang={lang}"):
                assert render_template_string(template) == text


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_time_left_says_what_flask_babel_says(app, lang):
    """The countdown reads the page's catalogue once (issue 16): its words must be
    Flask-Babel's ngettext and gettext, for days, hours and minutes."""
    from datetime import timedelta

    from flask_babel import gettext, ngettext

    from safkat.i18n import time_left

    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with app.test_request_context(f"/?lang={lang}"):
        day, hours, minutes = (
            ngettext(f"%(num)d {unit}", f"%(num)d {unit}s", n) for unit, n in (("day", 1), ("hour", 2), ("minute", 5))
        )
        assert time_left(start + timedelta(days=1, hours=2, minutes=5), start) == gettext(", ").join([day, hours])
        assert time_left(start + timedelta(hours=2, minutes=5), start) == gettext(", ").join([hours, minutes])
        assert time_left(start - timedelta(minutes=1), start) == ngettext("%(num)d minute", "%(num)d minutes", 0)


def test_label_tables_are_translated_once_per_language_as_templates_show_them(app):
    """The tender page's label tables are translated once per catalogue (issue 16): each
    label must be what the lazy string shows in that language (unescaped, as Jinja shows a
    lazy string), also under force_locale, and a second table is not mistaken for the first."""
    from flask import render_template_string
    from flask_babel import force_locale

    from safkat.i18n import translated_once
    from safkat.tenders.labels import PROCEDURE_LABELS, STATUS_LABELS

    template = "{% for key in labels %}{{ labels[key] }}|{% endfor %}"
    for lang in ("fr", "ar", "en", "fr"):
        with app.test_request_context(f"/?lang={lang}"):
            for table in (PROCEDURE_LABELS, STATUS_LABELS):
                shown = render_template_string(template, labels=table)
                assert render_template_string(template, labels=translated_once(table)) == shown
            with force_locale("ar"):
                assert translated_once(STATUS_LABELS)["open"] == str(STATUS_LABELS["open"])
    with app.test_request_context("/?lang=fr"):
        assert "'" in "".join(translated_once(PROCEDURE_LABELS).values())  # d'offres, as the lazy string shows it
