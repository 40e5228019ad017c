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
