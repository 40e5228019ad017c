"""The listing's search form, rendered once per language, filters and choice lists.

The form is the same for every page of a search (pages 1, 2, 3… of a filter show the same
form) and for every visitor; building its 13 WTForms fields and the ~110 options of its
selects cost about as much as the 20 cards of the page. The rendered HTML is therefore
kept per process, keyed by everything it shows: the language, the filters as typed, and
the sectors and authorities offered (read in one small statement on every request, so a
renamed or added authority shows at once). The form holds nothing of the visitor (it is
a GET form, without CSRF token), so one copy serves everyone. At ~9 KB a form, the
:data:`MAX_ENTRIES` most recent ones take a few megabytes per process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from safkat.accounts.models import ContractingAuthority, Sector
from safkat.i18n import current_language
from safkat.tenders import queries
from safkat.tenders.forms import CATEGORY_LABELS, PROCEDURE_LABELS, TenderSearchForm
from safkat.tenders.labels import STATUS_LABELS
from safkat.wilayas import wilaya_choices

MAX_ENTRIES = 512

_lock = threading.Lock()
_rendered: OrderedDict[tuple, Markup] = OrderedDict()

ChoiceRows = tuple[tuple[str, str, str, str, str], ...]  # (kind, code, French, Arabic, English)


def choice_rows(session: Session) -> ChoiceRows:
    """Sectors (kind "s") then authorities (kind "a"), each by code, in one statement."""
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


def build(filters: queries.TenderFilters, rows: ChoiceRows, language: str) -> TenderSearchForm:
    """The form object, with its choices in ``language`` and the filters as its values."""
    column = {"fr": 2, "ar": 3, "en": 4}.get(language, 2)
    form = TenderSearchForm(formdata=None, data={**filters.as_args(), "reserved": filters.reserved})
    everything = [("", _("All"))]
    form.status.choices = everything + [(s, STATUS_LABELS[s]) for s in queries.PUBLIC_STATUSES]
    form.category.choices = everything + list(CATEGORY_LABELS.items())
    form.procedure.choices = everything + list(PROCEDURE_LABELS.items())
    form.wilaya.choices = everything + wilaya_choices(language)
    form.sector.choices = everything + [(row[1], row[column]) for row in rows if row[0] == "s"]
    form.authority.choices = everything + [(row[1], row[column]) for row in rows if row[0] == "a"]
    return form


def search_form_html(session: Session, filters: queries.TenderFilters) -> Markup:
    """The rendered search form for ``filters`` in the page's language."""
    language, rows = current_language(), choice_rows(session)
    key = (language, filters, rows)
    with _lock:
        hit = _rendered.get(key)
        if hit is not None:
            _rendered.move_to_end(key)
            return hit
    html = Markup(render_template("tenders/_search_form.html", form=build(filters, rows, language), filters=filters))
    with _lock:
        _rendered[key] = html
        while len(_rendered) > MAX_ENTRIES:
            _rendered.popitem(last=False)
    return html


def clear() -> None:
    with _lock:
        _rendered.clear()
