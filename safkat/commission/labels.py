"""Names of the administrative documents a commission may ask a bidder to complete."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

DOCUMENT_LABELS = {
    "trade_register": _l("Trade register extract"),
    "tax_card": _l("Tax identification card (NIF)"),
    "tax_certificate": _l("Tax clearance certificate"),
    "social_security_certificate": _l("Social security clearance certificate"),
    "support_attestation": _l("ANADE, ANGEM or CNAC attestation"),
    "criminal_record": _l("Criminal record extract"),
    "statutes": _l("Statutes of the company"),
    "declaration_of_probity": _l("Declaration of probity"),
}


def document_label(key: str) -> str:
    return str(DOCUMENT_LABELS.get(key, key))


def document_choices(keys) -> list[tuple[str, str]]:
    return [(key, document_label(key)) for key in keys]
