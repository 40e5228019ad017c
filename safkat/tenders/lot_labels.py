"""A lot's title as shown after its label ("Lot 3 — …"), without repeating the label.

Officers (and the demo data) often title a lot "Lot 3 — Génie civil" or just "Lot 3";
pages, receipts and PDFs print "Lot 3 — " before the title, which gave "Lot 3 — Lot 3 —".
"""

from __future__ import annotations

import re


def title_after_label(lot, locale: str) -> str:
    """``lot``'s title in ``locale`` without a leading "Lot 3", "Lot n° 3 :" or "الحصة 3 -"
    (empty when the title is nothing more than that)."""
    return strip_lot_label(lot.title(locale), lot.number)


def strip_lot_label(title: str, number: int) -> str:
    pattern = rf"^\s*(?:lot|الحصة|حصة)\s*(?:n°|no\.?|nº|رقم)?\s*0*{number}(?![0-9])\s*[—–:\-.]?\s*"
    return re.sub(pattern, "", title or "", flags=re.IGNORECASE).strip()
