"""Bulk-seed calls for tender for benchmarks: ``N`` tenders with 3 lots each.

Usage::

    SAFKAT_DATABASE_URL=sqlite:////tmp/safkat-bench.db \\
        .venv/bin/python scripts/bench/seed_tenders.py --tenders 100000

The database named by ``SAFKAT_DATABASE_URL`` (or ``--database-url``) is migrated to head
with :func:`safkat.migrate.upgrade`, then filled with SQLAlchemy Core ``executemany``
inserts in batches. It refuses a database whose ``tenders`` table already has rows
unless ``--force`` is given (then it adds to them, with new authorities).

The data is made to look like the real thing, so that filters and full-text search have
realistic selectivity: 2–20 contracting authorities (one officer each), tenders spread
over all 58 wilayas and the reference sectors, French and Arabic titles and descriptions
from word lists (the subject "fibre optique / الألياف البصرية" is in about 4 % of them),
mostly published tenders whose deadlines run from 6 months ago to 3 months ahead, some
cancelled ones and a few drafts. Public tenders are indexed exactly as
``safkat.tenders.search.index_tender`` would: ``tender_search.body`` is
``searchable_text`` of the tender, and on SQLite the FTS5 table gets the same row.

Benchmark data only: never run this against a database that people use.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from alembic.script import ScriptDirectory  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import func, inspect, select, text  # noqa: E402
from sqlalchemy.engine import Connection, Engine  # noqa: E402

import safkat.models  # noqa: E402,F401  (registers every table)
from safkat import migrate  # noqa: E402
from safkat.accounts.models import ContractingAuthority, Sector, User  # noqa: E402
from safkat.db import make_engine  # noqa: E402
from safkat.tenders import search  # noqa: E402
from safkat.tenders.models import (  # noqa: E402
    Lot,
    TechnicalCriterion,
    Tender,
    TenderSearch,
    TenderSequence,
    tender_sectors,
    tender_wilayas,
)
from safkat.wilayas import WILAYAS, WILAYAS_BY_CODE  # noqa: E402

LOTS_PER_TENDER = 3

# code, name fr, name ar, wilaya
AUTHORITIES = [
    ("AT-ORN", "Algérie Télécom — Direction opérationnelle d'Oran", "اتصالات الجزائر - المديرية العملياتية لوهران", "31"),  # noqa: E501
    ("APC-ALG", "Commune d'Alger-Centre", "بلدية الجزائر الوسطى", "16"),
    ("DTP-16", "Direction des travaux publics de la wilaya d'Alger", "مديرية الأشغال العمومية لولاية الجزائر", "16"),
    ("DE-31", "Direction de l'éducation de la wilaya d'Oran", "مديرية التربية لولاية وهران", "31"),
    ("CHU-TLM", "Centre hospitalo-universitaire de Tlemcen", "المركز الاستشفائي الجامعي تلمسان", "13"),
    ("UNIV-BJA", "Université Abderrahmane Mira de Béjaïa", "جامعة عبد الرحمان ميرة بجاية", "06"),
    ("SDC-SET", "Sonelgaz Distribution — Direction de Sétif", "سونلغاز للتوزيع - مديرية سطيف", "19"),
    ("ADE-BAT", "Algérienne des eaux — Unité de Batna", "الجزائرية للمياه - وحدة باتنة", "05"),
    ("OPGI-OUA", "Office de promotion et de gestion immobilière de Ouargla", "ديوان الترقية والتسيير العقاري لورقلة", "30"),  # noqa: E501
    ("AT-CST", "Algérie Télécom — Direction opérationnelle de Constantine", "اتصالات الجزائر - المديرية العملياتية لقسنطينة", "25"),  # noqa: E501
    ("APC-ORN", "Commune d'Oran", "بلدية وهران", "31"),
    ("DSA-TIA", "Direction des services agricoles de Tiaret", "مديرية المصالح الفلاحية لتيارت", "14"),
    ("AP-ADR", "Algérie Poste — Unité postale d'Adrar", "بريد الجزائر - الوحدة البريدية لأدرار", "01"),
    ("APC-TAM", "Commune de Tamanrasset", "بلدية تمنراست", "11"),
    ("DLEP-BIS", "Direction du logement de la wilaya de Biskra", "مديرية السكن لولاية بسكرة", "07"),
    ("DJS-TIZ", "Direction de la jeunesse et des sports de Tizi Ouzou", "مديرية الشباب والرياضة لتيزي وزو", "15"),
    ("AT-ANB", "Algérie Télécom — Direction opérationnelle d'Annaba", "اتصالات الجزائر - المديرية العملياتية لعنابة", "23"),  # noqa: E501
    ("CHU-BLI", "Centre hospitalo-universitaire Frantz Fanon de Blida", "المركز الاستشفائي الجامعي فرانتز فانون البليدة", "09"),  # noqa: E501
    ("UNIV-DJE", "Université Ziane Achour de Djelfa", "جامعة زيان عاشور الجلفة", "17"),
    ("DTP-IZI", "Direction des travaux publics de la wilaya d'Illizi", "مديرية الأشغال العمومية لولاية إليزي", "33"),
]

# weight, title fr, title ar, category, sector codes, lot subject fr, lot subject ar
FIBRE_WEIGHT = 4.0
SUBJECTS = [
    (FIBRE_WEIGHT, "Déploiement de la fibre optique FTTH", "نشر الألياف البصرية إلى المنازل", "works",
     ["telecom_networks", "civil_works"], "tirage de câbles à fibre optique", "مد كوابل الألياف البصرية"),
    (4, "Génie civil pour chambres de tirage", "أشغال الهندسة المدنية لغرف السحب", "works",
     ["civil_works"], "chambres de tirage et fourreaux", "غرف السحب والأنابيب"),
    (4, "Maintenance des équipements informatiques", "صيانة التجهيزات الإعلامية", "services",
     ["it_maintenance"], "maintenance préventive et curative", "الصيانة الوقائية والعلاجية"),
    (4, "Fourniture de micro-ordinateurs et imprimantes", "اقتناء أجهزة حاسوب وطابعات", "supplies",
     ["it_equipment"], "postes de travail", "محطات العمل"),
    (4, "Nettoyage des locaux administratifs", "تنظيف المقرات الإدارية", "services",
     ["cleaning"], "nettoyage quotidien des bureaux", "التنظيف اليومي للمكاتب"),
    (4, "Gardiennage et surveillance des sites", "حراسة ومراقبة المواقع", "services",
     ["security"], "agents de sécurité", "أعوان الأمن"),
    (4, "Réhabilitation d'un bâtiment administratif", "إعادة تأهيل مبنى إداري", "works",
     ["building"], "gros œuvre et second œuvre", "الأشغال الكبرى والثانوية"),
    (3, "Étude technique et suivi des travaux", "دراسة تقنية ومتابعة الأشغال", "studies",
     ["studies"], "études d'exécution", "دراسات التنفيذ"),
    (3, "Fourniture de mobilier de bureau", "اقتناء أثاث مكتبي", "supplies",
     ["office_supplies"], "bureaux et armoires", "مكاتب وخزائن"),
    (4, "Installation électrique basse tension", "التركيب الكهربائي ذو الضغط المنخفض", "works",
     ["electricity"], "tableaux et câblage électrique", "اللوحات والأسلاك الكهربائية"),
    (3, "Réalisation de menuiserie en aluminium", "إنجاز النجارة من الألمنيوم", "works",
     ["carpentry", "building"], "portes et fenêtres", "الأبواب والنوافذ"),
    (3, "Transport du personnel", "نقل المستخدمين", "services",
     ["transport"], "circuits de ramassage", "خطوط النقل"),
    (4, "Aménagement et revêtement de voirie", "تهيئة وتعبيد الطرقات", "works",
     ["civil_works"], "revêtement en béton bitumineux", "التعبيد بالخرسانة الزفتية"),
    (3, "Fourniture de consommables informatiques", "اقتناء المستهلكات الإعلامية", "supplies",
     ["it_equipment", "office_supplies"], "cartouches et toners", "الخراطيش والحبر"),
    (4, "Réalisation d'un réseau d'assainissement", "إنجاز شبكة التطهير", "works",
     ["civil_works"], "collecteurs et regards", "المجمعات والبالوعات"),
    (4, "Extension du réseau d'alimentation en eau potable", "توسيع شبكة التزويد بالماء الشروب", "works",
     ["civil_works"], "conduites et branchements", "القنوات والتوصيلات"),
    (2, "Fourniture de groupes électrogènes", "اقتناء مولدات كهربائية", "supplies",
     ["electricity"], "groupes électrogènes et inverseurs", "المولدات والمحولات"),
    (3, "Construction d'une école primaire", "بناء مدرسة ابتدائية", "works",
     ["building"], "salles de classe et cantine", "الأقسام والمطعم"),
    (2, "Maintenance des ascenseurs", "صيانة المصاعد", "services",
     ["building", "electricity"], "contrat d'entretien", "عقد الصيانة"),
    (3, "Câblage du réseau informatique local", "تمديد الشبكة الإعلامية المحلية", "works",
     ["telecom_networks", "it_equipment"], "câblage cuivre catégorie 6", "كوابل نحاسية من الفئة 6"),
    (2, "Étude d'impact sur l'environnement", "دراسة التأثير على البيئة", "studies",
     ["studies"], "relevés et rapport d'impact", "المسوحات وتقرير التأثير"),
    (3, "Acquisition de véhicules utilitaires", "اقتناء مركبات نفعية", "supplies",
     ["transport"], "véhicules légers", "مركبات خفيفة"),
    (3, "Entretien des espaces verts", "صيانة المساحات الخضراء", "services",
     ["cleaning"], "taille et arrosage", "التقليم والسقي"),
    (3, "Climatisation et chauffage des bureaux", "تكييف وتدفئة المكاتب", "works",
     ["electricity", "building"], "climatiseurs et chaudières", "المكيفات والمراجل"),
    (3, "Raccordement des abonnés au réseau cuivre", "ربط المشتركين بالشبكة النحاسية", "works",
     ["telecom_networks"], "branchements d'abonnés", "توصيلات المشتركين"),
    (2, "Installation de pylônes et d'antennes", "تركيب الأبراج والهوائيات", "works",
     ["telecom_networks", "civil_works"], "pylônes autostables", "أبراج قائمة ذاتيا"),
    (3, "Fourniture de papeterie", "اقتناء الأدوات المكتبية", "supplies",
     ["office_supplies"], "papier et fournitures", "الورق واللوازم"),
    (2, "Formation du personnel technique", "تكوين المستخدمين التقنيين", "services",
     ["studies"], "sessions de formation", "دورات تكوينية"),
    (2, "Installation d'un système de vidéosurveillance", "تركيب نظام المراقبة بالفيديو", "works",
     ["security", "electricity"], "caméras et enregistreurs", "الكاميرات وأجهزة التسجيل"),
]

SENTENCES_FR = [
    "Les soumissionnaires doivent justifier de références similaires au cours des cinq dernières années.",
    "Le cahier des charges peut être retiré auprès du service des marchés contre paiement des frais de reprographie.",
    "Les offres sont accompagnées d'une déclaration à souscrire et d'une déclaration de probité.",
    "La marge de préférence nationale de 25 % est appliquée conformément à la réglementation.",
    "Les micro-entreprises sont vivement encouragées à soumissionner pour les lots qui leur sont réservés.",
    "Une caution de bonne exécution de 5 % du montant du marché sera exigée de l'attributaire.",
    "Les prix sont fermes et non révisables pendant toute la durée d'exécution.",
    "Une visite des lieux est recommandée ; l'attestation de visite sera jointe à l'offre technique.",
    "Le délai de validité des offres est fixé à la durée de préparation des offres augmentée de trois mois.",
    "L'ouverture des plis techniques et financiers se fera en séance publique.",
    "Les entreprises doivent disposer du matériel et du personnel qualifié nécessaires.",
    "Le planning d'exécution détaillé fait partie de l'offre technique.",
    "Les travaux sont exécutés en site occupé, sans interruption du service public.",
    "La garantie couvre une période de douze mois à compter de la réception provisoire.",
    "Le paiement est effectué par virement dans un délai de trente jours après service fait.",
    "Toute offre incomplète ou parvenue hors délai sera rejetée.",
]
SENTENCES_AR = [
    "يجب على المتعهدين تقديم مراجع مماثلة خلال السنوات الخمس الأخيرة.",
    "يمكن سحب دفتر الشروط لدى مصلحة الصفقات مقابل دفع تكاليف الطبع.",
    "ترفق العروض بالتصريح بالاكتتاب والتصريح بالنزاهة.",
    "يطبق هامش الأفضلية الوطنية بنسبة 25 بالمائة وفقا للتنظيم.",
    "تشجع المؤسسات المصغرة على المشاركة في الحصص المخصصة لها.",
    "تشترط كفالة حسن التنفيذ بنسبة 5 بالمائة من مبلغ الصفقة.",
    "الأسعار ثابتة وغير قابلة للمراجعة طوال مدة التنفيذ.",
    "ينصح بزيارة الموقع وترفق شهادة الزيارة بالعرض التقني.",
    "يتم فتح الأظرفة التقنية والمالية في جلسة علنية.",
    "يجب أن تتوفر المؤسسات على العتاد والمستخدمين المؤهلين.",
    "يشكل مخطط التنفيذ المفصل جزءا من العرض التقني.",
    "تنفذ الأشغال دون انقطاع المرفق العام.",
    "يرفض كل عرض ناقص أو وارد خارج الآجال.",
]
PROCEDURES = [("open", 45), ("open_min_capacity", 15), ("restricted", 10), ("consultation", 30)]
PROCEDURE_FR = {
    "open": "national ouvert",
    "open_min_capacity": "national ouvert avec exigence de capacités minimales",
    "restricted": "restreint",
    "consultation": "sous forme de consultation",
}
ZONES_FR = ["zone Nord", "zone Sud", "zone Est", "zone Ouest", "centre-ville", "zone industrielle", "nouvelle ville"]
ZONES_AR = ["المنطقة الشمالية", "المنطقة الجنوبية", "المنطقة الشرقية", "المنطقة الغربية", "وسط المدينة",
            "المنطقة الصناعية", "المدينة الجديدة"]
CANCEL_REASONS = [
    "Besoin reporté à l'exercice suivant.",
    "Infructuosité constatée : aucune offre conforme.",
    "Modification substantielle du cahier des charges.",
]
REQUIRED_DOCUMENTS = "\n".join([
    "Extrait du registre du commerce", "Attestation ANADE, ANGEM ou CNAC", "Attestation fiscale",
    "Attestation CNAS et CASNOS",
])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SAFKAT_DATABASE_URL"),
                        help="default: $SAFKAT_DATABASE_URL")
    parser.add_argument("--tenders", type=int, default=100_000, help="how many tenders (default 100,000)")
    parser.add_argument("--authorities", type=int, default=12, help="2 to 20 (default 12)")
    parser.add_argument("--batch", type=int, default=5_000, help="tenders per transaction (default 5,000)")
    parser.add_argument("--seed", type=int, default=20261128, help="random seed (default: fixed, reproducible)")
    parser.add_argument("--force", action="store_true", help="add to a tenders table that already has rows")
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE at the end")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("set SAFKAT_DATABASE_URL or pass --database-url")
    if not 2 <= args.authorities <= len(AUTHORITIES):
        parser.error(f"--authorities must be between 2 and {len(AUTHORITIES)}")
    if args.tenders < 1:
        parser.error("--tenders must be positive")
    return args


# --- preparing the database -------------------------------------------------------------------


def prepare(engine: Engine, force: bool) -> None:
    """Migrate an empty database; refuse one that already has tenders, unless forced.

    A database that has tenders is never migrated here: it must already be at head.
    (Upgrading a filled SQLite database can rebuild tables, which is a job for
    ``safkat db upgrade`` and its checks, not for a benchmark script.)
    """
    if inspect(engine).has_table("tenders"):
        with engine.connect() as connection:
            existing = connection.scalar(select(func.count()).select_from(Tender.__table__))
        if existing:
            if not force:
                raise SystemExit(f"The tenders table already has {existing:,} rows; pass --force to add more.")
            head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
            current = migrate.current_revision(engine)
            if current != head:
                raise SystemExit(f"The database is at revision {current}, not {head}; upgrade it first.")
            return
    migrate.upgrade(engine)


def next_id(connection: Connection, table) -> int:
    return (connection.scalar(select(func.max(table.c.id))) or 0) + 1


def insert_authorities(connection: Connection, rng: random.Random, count: int, now: datetime) -> list[SimpleNamespace]:
    """``count`` authorities and one officer each; codes that exist already get a suffix."""
    existing = set(connection.scalars(select(ContractingAuthority.code)))
    password_hash = PasswordHasher().hash("bench-officer-no-login")
    authorities = []
    for code, name_fr, name_ar, wilaya in AUTHORITIES[:count]:
        base, suffix = code, 2
        while code in existing:
            code, suffix = f"{base}-{suffix}"[:16], suffix + 1
        authority_id = connection.execute(ContractingAuthority.__table__.insert().values(
            code=code, name_fr=name_fr, name_ar=name_ar, wilaya_code=wilaya, is_active=True,
            created_at=now - timedelta(days=400),
        ).returning(ContractingAuthority.__table__.c.id)).scalar_one()
        officer_id = connection.execute(User.__table__.insert().values(
            email=f"officer.{code.lower()}@bench.safkat.localhost", password_hash=password_hash,
            full_name=f"Agent des marchés {code}", role="officer", locale="fr", is_active=True,
            email_verified_at=now - timedelta(days=400), created_at=now - timedelta(days=400),
            session_version=1, is_enterprise_owner=False, authority_id=authority_id,
        ).returning(User.__table__.c.id)).scalar_one()
        authorities.append(SimpleNamespace(id=authority_id, code=code, name_fr=name_fr, name_ar=name_ar,
                                           wilaya_code=wilaya, officer_id=officer_id))
    # A few big buyers and a long tail, as in real procurement.
    for rank, authority in enumerate(authorities, start=1):
        authority.weight = 1 / rank**0.8
    rng.shuffle(authorities)
    return authorities


# --- generating tenders -----------------------------------------------------------------------


def plan_tenders(rng: random.Random, count: int, authorities: list,
                 now: datetime) -> tuple[list[SimpleNamespace], dict[tuple[int, int], int]]:
    """Dates, status and authority of every tender, in creation order, with references."""
    weights = [a.weight for a in authorities]
    plans = []
    for _ in range(count):
        authority = rng.choices(authorities, weights)[0]
        roll = rng.random()
        if roll < 0.04:  # a few drafts, still being written
            created = now - timedelta(days=rng.uniform(0, 45))
            plan = SimpleNamespace(status="draft", created_at=created, published_at=None, cancelled_at=None,
                                   deadline=now + timedelta(days=rng.uniform(10, 90)))
        else:
            deadline = now + timedelta(days=rng.uniform(-182, 91))
            published = min(deadline - timedelta(days=rng.uniform(15, 60)),
                            now - timedelta(minutes=rng.uniform(5, 60 * 24 * 5)))
            plan = SimpleNamespace(status="published", created_at=published - timedelta(days=rng.uniform(1, 20)),
                                   published_at=published, cancelled_at=None, deadline=deadline)
            if roll > 0.92:  # cancelled some time after publication
                plan.status = "cancelled"
                latest = min(now, deadline + timedelta(days=10))
                plan.cancelled_at = published + (latest - published) * rng.uniform(0.1, 1.0)
        plan.authority = authority
        plans.append(plan)
    plans.sort(key=lambda p: p.created_at)
    # <CODE>/<YEAR>/<SEQ>, numbered per authority and year in publication order.
    sequences: dict[tuple[int, int], int] = defaultdict(int)
    for plan in sorted((p for p in plans if p.published_at), key=lambda p: p.published_at):
        key = (plan.authority.id, plan.published_at.year)
        sequences[key] += 1
        plan.reference = f"{plan.authority.code}/{plan.published_at.year}/{sequences[key]:05d}"
    for plan in plans:
        if plan.published_at is None:
            plan.reference = None
    return plans, dict(sequences)


def _of(name: str) -> str:
    """French elision: "de Oran" → "d'Oran"."""
    return f"d'{name}" if name[0] in "AEIOUÉÈÂÎaeiou" else f"de {name}"


def _wilayas(rng: random.Random, authority) -> list[str]:
    how_many = rng.choices([1, 2, 3], [70, 20, 10])[0]
    codes = [authority.wilaya_code if rng.random() < 0.5 else rng.choice(WILAYAS).code]
    while len(codes) < how_many:
        code = rng.choice(WILAYAS).code
        if code not in codes:
            codes.append(code)
    return codes


def build_rows(rng: random.Random, plan: SimpleNamespace, tender_id: int, first_lot_id: int,
               subjects: list, subject_weights: list, now: datetime) -> dict:
    """Every row of one tender, and its search body."""
    authority = plan.authority
    _w, subject_fr, subject_ar, category, sector_codes, lot_fr, lot_ar = rng.choices(subjects, subject_weights)[0]
    wilayas = _wilayas(rng, authority)
    place = WILAYAS_BY_CODE[wilayas[0]]
    zone = rng.randrange(len(ZONES_FR))
    procedure = rng.choices([p for p, _ in PROCEDURES], [w for _, w in PROCEDURES])[0]
    budget_dzd = int(math.exp(rng.gauss(math.log(8_000_000), 1.1)))
    if procedure == "consultation":
        budget_dzd = min(budget_dzd, 12_000_000)
    budget = budget_dzd * 100
    weighted = rng.random() < 0.25
    months = rng.randint(2, 18)
    title_fr = f"{subject_fr} — {ZONES_FR[zone]}, wilaya {_of(place.name_fr)}"
    title_ar = f"{subject_ar} - {ZONES_AR[zone]}، ولاية {place.name_ar}" if rng.random() < 0.85 else None
    description_fr = "\n\n".join([
        f"Le service contractant **{authority.name_fr}** lance un appel d'offres {PROCEDURE_FR[procedure]} "
        f"pour : {subject_fr[0].lower() + subject_fr[1:]} ({lot_fr}), "
        f"{ZONES_FR[zone]} de la wilaya {_of(place.name_fr)}.",
        f"- Délai d'exécution : {months} mois",
        *rng.sample(SENTENCES_FR, rng.randint(2, 6)),
    ])
    description_ar = " ".join([
        f"تعلن {authority.name_ar} عن طلب عروض من أجل {subject_ar} ({lot_ar}) "
        f"في {ZONES_AR[zone]} بولاية {place.name_ar}.",
        f"مدة التنفيذ {months} أشهر.",
        *rng.sample(SENTENCES_AR, rng.randint(1, 4)),
    ]) if title_ar else None
    reserved_lot = rng.random() < 0.3
    shares = [rng.uniform(0.5, 1.5) for _ in range(LOTS_PER_TENDER)]
    lots = []
    for number in range(1, LOTS_PER_TENDER + 1):
        lots.append({
            "id": first_lot_id + number - 1,
            "tender_id": tender_id,
            "number": number,
            "title_fr": f"Lot {number} — {lot_fr}, tranche {number}",
            "title_ar": f"الحصة {number} - {lot_ar}" if title_ar else None,
            "description": f"{lot_fr[0].upper() + lot_fr[1:]} : tranche {number} sur {LOTS_PER_TENDER}, "
                           f"{ZONES_FR[(zone + number) % len(ZONES_FR)]}.",
            "estimated_amount": int(budget * shares[number - 1] / sum(shares)),
            "is_reserved": reserved_lot and number == LOTS_PER_TENDER,
        })
    changed_at = plan.cancelled_at or plan.published_at or plan.created_at
    tender = {
        "id": tender_id,
        "authority_id": authority.id,
        "reference": plan.reference,
        "status": plan.status,
        "title_fr": title_fr,
        "title_ar": title_ar,
        "description_fr": description_fr,
        "description_ar": description_ar,
        "category": category,
        "procedure": procedure,
        "estimated_budget": budget,
        "is_budget_public": rng.random() < 0.65,
        "enquiry_deadline_at": plan.deadline - timedelta(days=rng.choice([3, 4, 5, 7])),
        "submission_deadline_at": plan.deadline,
        "opening_at": plan.deadline + timedelta(hours=1),
        "opening_place": f"Siège — {authority.name_fr}",
        "bid_validity_days": rng.choice([90, 90, 120, 180]),
        "award_method": "weighted" if weighted else "lowest_price",
        "technical_weight": 40 if weighted else 0,
        "financial_weight": 60 if weighted else 100,
        "national_preference": rng.random() < 0.7,
        "requires_technical_offer": procedure != "consultation" or rng.random() < 0.5,
        "required_documents": REQUIRED_DOCUMENTS,
        "has_reserved_lot": any(lot["is_reserved"] for lot in lots),
        "created_at": plan.created_at,
        "created_by_id": authority.officer_id,
        "published_at": plan.published_at,
        "cancelled_at": plan.cancelled_at,
        "cancel_reason": rng.choice(CANCEL_REASONS) if plan.cancelled_at else None,
        "changed_at": changed_at,
    }
    sectors = list(dict.fromkeys(sector_codes[: rng.choice([1, len(sector_codes)])]))
    rows = {
        "tender": tender,
        "lots": lots,
        "wilayas": [{"tender_id": tender_id, "wilaya_code": code} for code in wilayas],
        "sectors": sectors,
        "criteria": [
            {"tender_id": tender_id, "position": 1, "label": "Méthodologie et planning", "max_points": 60},
            {"tender_id": tender_id, "position": 2, "label": "Références similaires", "max_points": 40},
        ] if weighted else [],
        "body": None,
    }
    if plan.status != "draft":
        # Exactly what search.index_tender stores, from the same function.
        view = SimpleNamespace(**tender, authority=authority, lots=[SimpleNamespace(**lot) for lot in lots])
        rows["body"] = search.searchable_text(view)
    return rows


# --- inserting --------------------------------------------------------------------------------


def insert_batch(connection: Connection, batch: list[dict], sector_ids: dict[str, int], is_sqlite: bool) -> None:
    connection.execute(Tender.__table__.insert(), [rows["tender"] for rows in batch])
    connection.execute(Lot.__table__.insert(), [lot for rows in batch for lot in rows["lots"]])
    connection.execute(tender_wilayas.insert(), [w for rows in batch for w in rows["wilayas"]])
    connection.execute(tender_sectors.insert(), [
        {"tender_id": rows["tender"]["id"], "sector_id": sector_ids[code]} for rows in batch for code in rows["sectors"]
    ])
    criteria = [c for rows in batch for c in rows["criteria"]]
    if criteria:
        connection.execute(TechnicalCriterion.__table__.insert(), criteria)
    indexed = [{"tender_id": rows["tender"]["id"], "body": rows["body"]} for rows in batch if rows["body"] is not None]
    if indexed:
        connection.execute(TenderSearch.__table__.insert(), indexed)
        if is_sqlite:
            fts_insert = text(f"INSERT INTO {search.FTS_TABLE} (rowid, body) VALUES (:tender_id, :body)")
            connection.execute(fts_insert, indexed)


def insert_sequences(connection: Connection, sequences: dict[tuple[int, int], int]) -> None:
    """So that the next real publication continues the numbering instead of colliding."""
    connection.execute(TenderSequence.__table__.insert(), [
        {"authority_id": authority_id, "year": year, "last_value": last}
        for (authority_id, year), last in sequences.items()
    ])


def reset_postgres_sequences(connection: Connection) -> None:
    for table in ("tenders", "lots", "technical_criteria"):
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        ))


def seed(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    engine = make_engine(args.database_url)
    is_sqlite = engine.dialect.name == "sqlite"
    prepare(engine, args.force)
    print(f"database: {engine.url.render_as_string(hide_password=True)} ({engine.dialect.name}), migrated to head")

    with engine.begin() as connection:
        authorities = insert_authorities(connection, rng, args.authorities, now)
        sector_ids = dict(connection.execute(select(Sector.code, Sector.id)).all())
        first_tender_id = next_id(connection, Tender.__table__)
        first_lot_id = next_id(connection, Lot.__table__)
    plans, sequences = plan_tenders(rng, args.tenders, authorities, now)
    subjects = [s for s in SUBJECTS if all(code in sector_ids for code in s[4])]
    subject_weights = [s[0] for s in subjects]

    done = 0
    while done < len(plans):
        chunk = plans[done:done + args.batch]
        batch = [
            build_rows(rng, plan, first_tender_id + done + i, first_lot_id + (done + i) * LOTS_PER_TENDER,
                       subjects, subject_weights, now)
            for i, plan in enumerate(chunk)
        ]
        with engine.begin() as connection:
            insert_batch(connection, batch, sector_ids, is_sqlite)
        done += len(chunk)
        elapsed = time.perf_counter() - started
        print(f"  {done:>9,} / {len(plans):,} tenders  ({elapsed:6.1f} s)", flush=True)

    with engine.begin() as connection:
        insert_sequences(connection, sequences)
        if not is_sqlite:
            reset_postgres_sequences(connection)
    if not args.no_analyze:
        analyze_started = time.perf_counter()
        if is_sqlite:
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        else:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        print(f"ANALYZE: {time.perf_counter() - analyze_started:.1f} s")

    with engine.connect() as connection:
        counts = {name: connection.scalar(text(f"SELECT count(*) FROM {name}"))
                  for name in ("authorities", "tenders", "lots", "tender_wilayas", "tender_sectors", "tender_search")}
        by_status = dict(connection.execute(text("SELECT status, count(*) FROM tenders GROUP BY status")).all())
        fibre = connection.scalar(text("SELECT count(*) FROM tender_search WHERE body LIKE '%fibre%'"))
    engine.dispose()
    print("rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
    print("tenders by status: " + ", ".join(f"{status} {count:,}" for status, count in sorted(by_status.items())))
    share = 100 * fibre / max(1, counts["tender_search"])
    print(f"tenders whose indexed text holds 'fibre': {fibre:,} ({share:.1f} %)")
    print(f"seeded {len(plans):,} tenders ({len(plans) * LOTS_PER_TENDER:,} lots) in "
          f"{time.perf_counter() - started:.1f} s")


def main(argv: list[str] | None = None) -> None:
    seed(parse_args(argv))


if __name__ == "__main__":
    main()
