"""Translated labels of tender values, for templates."""

from flask_babel import lazy_gettext as _l

from safkat.i18n import translated_once
from safkat.tenders.forms import AWARD_METHOD_LABELS, CATEGORY_LABELS, PROCEDURE_LABELS

STATUS_LABELS = {
    "draft": _l("Draft"),
    "open": _l("Open for bids"),
    "closed": _l("Closed, waiting for the opening"),
    "opened": _l("Bids opened"),
    "evaluation": _l("Under evaluation"),
    "provisional_award": _l("Provisionally awarded"),
    "awarded": _l("Awarded"),
    "unsuccessful": _l("Unsuccessful"),
    "cancelled": _l("Cancelled"),
}
AMENDMENT_KIND_LABELS = {
    "documents": _l("Documents added or replaced"),
    "clarification": _l("Clarification"),
    "deadline_extension": _l("Deadline extended"),
    "commission": _l("Commission changed"),
}


TABLES = {
    "TENDER_STATUS_LABELS": STATUS_LABELS,
    "CATEGORY_LABELS": CATEGORY_LABELS,
    "PROCEDURE_LABELS": PROCEDURE_LABELS,
    "AWARD_METHOD_LABELS": AWARD_METHOD_LABELS,
    "AMENDMENT_KIND_LABELS": AMENDMENT_KIND_LABELS,
}


def tender_labels() -> dict:
    """The tables, each translated once per catalogue (``translated_once``), for every template."""
    return {name: translated_once(table) for name, table in TABLES.items()}
