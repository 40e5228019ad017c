"""The listing's search form: a blank form filled per page is WTForms' own rendering."""

from datetime import timedelta

import pytest
from flask_babel import force_locale

from safkat.http_cache import rendered
from safkat.tenders import queries, search_form
from safkat.tenders.search_form import choice_rows, search_form_html
from tests.recorded_sql import statements

FILTERS = [
    {},
    {"q": "fibre optique"},
    {"q": "{q} {0} }{", "authority": "A{1}"},  # braces stay text (the blank is a format string)
    {"q": '"<b>&x' + "\ue000budget_min\ue000", "sort": "published"},  # escaped, and a marker typed in stays text
    {"status": "open", "procedure": "open", "category": "works", "wilaya": "16", "reserved": "1"},
    {"sector": "building", "authority": "AUX", "deadline_from": "2026-01-01", "deadline_to": "2027-03-01"},
    {"budget_min": "1000", "budget_max": "5 000 000", "sort": "deadline", "status": "cancelled"},
    {"sector": "no-such-sector", "authority": "NOPE", "wilaya": "99"},  # unknown values select nothing
]


def wtforms_rendering(session, filters, now) -> str:
    values = {**filters.as_args(), "reserved": filters.reserved}
    return search_form.render(values, choice_rows(session, now), filters.is_filtered)


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_a_filled_form_is_what_wtforms_renders_for_the_same_filters(app, db_session, clock, make, language):
    make.authority(code="AUX", name_fr="Autorité « X »", name_ar="مصلحة س")
    make.authority(code="A{1}", name_fr="Autorité {name}", name_ar="مصلحة {0}")
    db_session.flush()
    with app.test_request_context("/tenders"), force_locale(language):
        for args in FILTERS:
            filters = queries.TenderFilters.from_args(args)
            filled = search_form_html(db_session, filters, clock.now())
            assert filled == wtforms_rendering(db_session, filters, clock.now()), args


def test_the_filters_show_in_the_form(app, db_session, clock, make):
    make.authority(code="AUX")
    db_session.flush()
    args = {"q": "<fibre>", "wilaya": "16", "authority": "AUX", "reserved": "1", "budget_min": "1000"}
    with app.test_request_context("/tenders"), force_locale("fr"):
        html = search_form_html(db_session, queries.TenderFilters.from_args(args), clock.now())
    assert 'name="q" type="text" value="&lt;fibre&gt;"' in html
    assert '<option selected value="16">' in html and '<option selected value="AUX">' in html
    assert html.count("<option selected") == 2
    assert '<input checked id="reserved"' in html and 'name="budget_min" type="text" value="1000"' in html
    assert "\ue000" not in html and "Supprimer tous les filtres" in html


def test_an_authority_added_in_this_process_is_offered_at_once(app, db_session, clock, make, client):
    client.get("/tenders")
    make.authority(code="NEW-ONE", name_fr="Nouvelle autorité")
    db_session.flush()
    rendered.clear()  # the page itself is cached until a tender changes: what is read is the form's
    assert '<option value="NEW-ONE">Nouvelle autorité</option>' in client.get("/tenders").get_data(as_text=True)


def test_the_choices_are_read_once_a_second(app, db_session, clock, make, engine):
    make.authority(code="AUX")
    db_session.flush()
    now = clock.now().replace(microsecond=0)
    with statements(engine) as seen:
        first = choice_rows(db_session, now)
        again = choice_rows(db_session, now + timedelta(milliseconds=900))
        later = choice_rows(db_session, now + timedelta(seconds=1))
    assert first == again == later and ("a", "AUX") in {row[:2] for row in first}
    assert len([s for s in seen if "FROM authorities" in s]) == 2
