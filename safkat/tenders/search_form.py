"""The listing's search form: rendered blank once per language, then filled per page.

Building the form's 13 WTForms fields and the ~110 options of its selects costs more than
the 20 cards of a page, and nearly every search shows other values. Apart from its
values, though, the form's markup depends only on the language, the sectors and
authorities offered and whether a filter is set (the "Remove all filters" link). So the
template renders a *blank* form once per such key, each text field holding a marker
(:mod:`safkat.slots`), and every page fills in its own values: a text field's value, then
the selected option of each select and the ticked checkbox. A filled form is the very HTML
WTForms renders for the same filters (``tests/tenders/test_search_form.py`` compares).

The sectors and authorities are read in one small statement, remembered for the current
second (:mod:`safkat.tenders.freshness`); a change made in this process shows at once.
"""

from __future__ import annotations

import threading
from datetime import datetime

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from safkat import slots
from safkat.accounts.models import ContractingAuthority, Sector
from safkat.i18n import current_language
from safkat.tenders import freshness
from safkat.tenders.filters import PUBLIC_STATUSES, TenderFilters
from safkat.tenders.forms import CATEGORY_LABELS, PROCEDURE_LABELS, TenderSearchForm
from safkat.tenders.labels import STATUS_LABELS
from safkat.wilayas import wilaya_choices

TEXT_FIELDS = ("q", "deadline_from", "deadline_to", "budget_min", "budget_max")
SELECT_FIELDS = ("status", "category", "procedure", "wilaya", "sector", "authority", "sort")
MAX_BLANKS = 64  # (language, choice lists, filtered or not): a handful in practice

_lock = threading.Lock()
_blanks: dict[tuple, slots.Blank] = {}  # (language, choice rows, filtered or not) → the blank form

ChoiceRows = tuple[tuple[str, str, str, str, str], ...]  # (kind, code, French, Arabic, English)


def choice_rows(session: Session, now: datetime) -> ChoiceRows:
    """Sectors (kind "s") then authorities (kind "a"), each by code; one statement a second."""
    return freshness.remembered(session, now, lambda: _read_choice_rows(session), name=freshness.CHOICES)


def _read_choice_rows(session: Session) -> ChoiceRows:
    sectors = select(literal("s"), Sector.code, Sector.name_fr, Sector.name_ar, Sector.name_en)
    authorities = select(
        literal("a"),
        ContractingAuthority.code,
        ContractingAuthority.name_fr,
        ContractingAuthority.name_ar,
        ContractingAuthority.name_fr,  # an authority has no English name: its French one is shown
    )
    rows = session.execute(sectors.union_all(authorities)).all()
    return tuple(sorted((tuple(row) for row in rows), key=lambda row: (row[0] != "s", row[1])))


def build(values: dict, rows: ChoiceRows, language: str) -> TenderSearchForm:
    """The WTForms form, its choices in ``language``, holding ``values`` (field → data)."""
    column = {"fr": 2, "ar": 3, "en": 4}.get(language, 2)
    form = TenderSearchForm(formdata=None, data=values)
    everything = [("", _("All"))]
    form.status.choices = everything + [(s, STATUS_LABELS[s]) for s in PUBLIC_STATUSES]
    form.category.choices = everything + list(CATEGORY_LABELS.items())
    form.procedure.choices = everything + list(PROCEDURE_LABELS.items())
    form.wilaya.choices = everything + wilaya_choices(language)
    form.sector.choices = everything + [(row[1], row[column]) for row in rows if row[0] == "s"]
    form.authority.choices = everything + [(row[1], row[column]) for row in rows if row[0] == "a"]
    return form


def render(values: dict, rows: ChoiceRows, is_filtered: bool) -> str:
    """WTForms' own rendering of the form (the blank one, and the reference of the tests)."""
    form = build(values, rows, current_language())
    return render_template("tenders/_search_form.html", form=form, is_filtered=is_filtered)


def _blank(rows: ChoiceRows, is_filtered: bool) -> slots.Blank:
    key = (current_language(), rows, is_filtered)
    with _lock:
        blank = _blanks.get(key)
    if blank is None:
        blank = slots.Blank(render({name: slots.marker(name) for name in TEXT_FIELDS}, rows, is_filtered))
        with _lock:
            if len(_blanks) >= MAX_BLANKS:
                _blanks.clear()
            _blanks[key] = blank
    return blank


def fill(blank: slots.Blank, values: dict[str, str]) -> str:
    """The blank form with ``values`` (field → value as in a query string) in place.

    The text fields are filled first: their values are escaped, so none can hold the
    ``<select`` or ``<input`` that the selects and the checkbox are then found by."""
    html = blank.fill({name: escape(values.get(name, "")) for name in TEXT_FIELDS})
    for name in SELECT_FIELDS:
        if name in values:
            html = _select(html, name, escape(values[name]))
    if "reserved" in values:
        html = html.replace('<input id="reserved"', '<input checked id="reserved"', 1)
    return html


def _select(html: str, name: str, value: str) -> str:
    """``html`` with ``value`` selected in the select ``name`` (unchanged if not offered)."""
    start = html.index(f'<select id="{name}"')
    end = html.index("</select>", start)
    options = html[start:end].replace(f'<option value="{value}">', f'<option selected value="{value}">', 1)
    return html[:start] + options + html[end:]


def search_form_html(session: Session, filters: TenderFilters, now: datetime) -> Markup:
    """The search form showing ``filters``, in the page's language."""
    blank = _blank(choice_rows(session, now), filters.is_filtered)
    return Markup(fill(blank, filters.as_args()))


def clear() -> None:
    with _lock:
        _blanks.clear()
