"""Names of the administrative documents a commission may ask a bidder to complete.

Plain msgids (``N_``): the pages translate them in the reader's language, the PDF
documents in the edition's (rendering is a pure function of plain values).
"""

from __future__ import annotations

from safkat.errors import N_

DOCUMENT_NAMES = {
    "trade_register": N_("Trade register extract"),
    "tax_card": N_("Tax identification card (NIF)"),
    "tax_certificate": N_("Tax clearance certificate"),
    "social_security_certificate": N_("Social security clearance certificate"),
    "support_attestation": N_("ANADE, ANGEM or CNAC attestation"),
    "criminal_record": N_("Criminal record extract"),
    "statutes": N_("Statutes of the company"),
    "declaration_of_probity": N_("Declaration of probity"),
}


def document_name(key: str) -> str:
    """The untranslated name (a msgid) of a completable document; unknown keys as they are."""
    return DOCUMENT_NAMES.get(key, key)


def document_label(key: str) -> str:
    """The name in the current request's language."""
    from flask_babel import gettext

    return gettext(document_name(key)) if key in DOCUMENT_NAMES else key


def document_choices(keys) -> list[tuple[str, str]]:
    return [(key, document_label(key)) for key in keys]
