"""A lot's title is printed after "Lot 3 —" without saying "Lot 3" twice."""

import pytest

from safkat.tenders.lot_labels import strip_lot_label


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Lot 1 — Déploiement zone 1", "Déploiement zone 1"),
        ("Lot 1", ""),
        ("LOT n° 1 : Génie civil", "Génie civil"),
        ("lot 01 - Câblage", "Câblage"),
        ("الحصة رقم 1", ""),
        ("الحصة 1 - الهندسة المدنية", "الهندسة المدنية"),
        ("Génie civil", "Génie civil"),
        ("Lot 12 — Maintenance", "Lot 12 — Maintenance"),  # another lot's number is kept
        ("Lotissement 1", "Lotissement 1"),
    ],
)
def test_the_label_is_not_repeated(title, shown):
    assert strip_lot_label(title, 1) == shown
