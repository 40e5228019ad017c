"""The 58 wilayas of Algeria: code, French name, Arabic name."""

from __future__ import annotations

from typing import NamedTuple


class Wilaya(NamedTuple):
    code: str
    name_fr: str
    name_ar: str

    def name(self, locale: str) -> str:
        return self.name_ar if locale == "ar" else self.name_fr


WILAYAS: tuple[Wilaya, ...] = tuple(
    Wilaya(f"{number:02d}", fr, ar)
    for number, (fr, ar) in enumerate(
        [
            ("Adrar", "أدرار"),
            ("Chlef", "الشلف"),
            ("Laghouat", "الأغواط"),
            ("Oum El Bouaghi", "أم البواقي"),
            ("Batna", "باتنة"),
            ("Béjaïa", "بجاية"),
            ("Biskra", "بسكرة"),
            ("Béchar", "بشار"),
            ("Blida", "البليدة"),
            ("Bouira", "البويرة"),
            ("Tamanrasset", "تمنراست"),
            ("Tébessa", "تبسة"),
            ("Tlemcen", "تلمسان"),
            ("Tiaret", "تيارت"),
            ("Tizi Ouzou", "تيزي وزو"),
            ("Alger", "الجزائر"),
            ("Djelfa", "الجلفة"),
            ("Jijel", "جيجل"),
            ("Sétif", "سطيف"),
            ("Saïda", "سعيدة"),
            ("Skikda", "سكيكدة"),
            ("Sidi Bel Abbès", "سيدي بلعباس"),
            ("Annaba", "عنابة"),
            ("Guelma", "قالمة"),
            ("Constantine", "قسنطينة"),
            ("Médéa", "المدية"),
            ("Mostaganem", "مستغانم"),
            ("M'Sila", "المسيلة"),
            ("Mascara", "معسكر"),
            ("Ouargla", "ورقلة"),
            ("Oran", "وهران"),
            ("El Bayadh", "البيض"),
            ("Illizi", "إليزي"),
            ("Bordj Bou Arréridj", "برج بوعريريج"),
            ("Boumerdès", "بومرداس"),
            ("El Tarf", "الطارف"),
            ("Tindouf", "تندوف"),
            ("Tissemsilt", "تيسمسيلت"),
            ("El Oued", "الوادي"),
            ("Khenchela", "خنشلة"),
            ("Souk Ahras", "سوق أهراس"),
            ("Tipaza", "تيبازة"),
            ("Mila", "ميلة"),
            ("Aïn Defla", "عين الدفلى"),
            ("Naâma", "النعامة"),
            ("Aïn Témouchent", "عين تموشنت"),
            ("Ghardaïa", "غرداية"),
            ("Relizane", "غليزان"),
            ("Timimoun", "تيميمون"),
            ("Bordj Badji Mokhtar", "برج باجي مختار"),
            ("Ouled Djellal", "أولاد جلال"),
            ("Béni Abbès", "بني عباس"),
            ("In Salah", "عين صالح"),
            ("In Guezzam", "عين قزام"),
            ("Touggourt", "تقرت"),
            ("Djanet", "جانت"),
            ("El M'Ghair", "المغير"),
            ("El Meniaa", "المنيعة"),
        ],
        start=1,
    )
)

WILAYAS_BY_CODE = {wilaya.code: wilaya for wilaya in WILAYAS}


def wilaya_choices(locale: str) -> list[tuple[str, str]]:
    """``(code, "31 — Oran")`` pairs for a select field, in the given language."""
    return [(w.code, f"{w.code} — {w.name(locale)}") for w in WILAYAS]
