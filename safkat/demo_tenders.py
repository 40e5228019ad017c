"""Demo calls for tender in every public state, built through the real services.

Tenders are published "in the past" (services take ``now``) so that closed ones exist too.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat.accounts.models import ContractingAuthority, Sector, User
from safkat.storage import FileStore
from safkat.tenders import services
from safkat.tenders.models import Tender

# title fr, title ar, category, sector, wilayas, budget in DZD
SUBJECTS = [
    (
        "Déploiement de la fibre optique FTTH",
        "نشر الألياف البصرية إلى المنازل",
        "works",
        "telecom_networks",
        ["31"],
        18_500_000,
    ),
    (
        "Génie civil pour chambres de tirage",
        "أشغال الهندسة المدنية لغرف السحب",
        "works",
        "civil_works",
        ["31", "46"],
        9_200_000,
    ),
    (
        "Maintenance des équipements informatiques",
        "صيانة التجهيزات الإعلامية",
        "services",
        "it_maintenance",
        ["16"],
        3_400_000,
    ),
    ("Fourniture de micro-ordinateurs", "اقتناء أجهزة حاسوب", "supplies", "it_equipment", ["16", "09"], 6_800_000),
    ("Nettoyage des bureaux de poste", "تنظيف مكاتب البريد", "services", "cleaning", ["16"], 2_100_000),
    ("Gardiennage des sites techniques", "حراسة المواقع التقنية", "services", "security", ["31", "13"], 4_600_000),
    ("Réhabilitation de l'agence commerciale", "إعادة تأهيل الوكالة التجارية", "works", "building", ["27"], 11_000_000),
    (
        "Étude de desserte télécom d'une zone d'activités",
        "دراسة تغطية منطقة نشاطات بالاتصالات",
        "studies",
        "studies",
        ["31"],
        2_900_000,
    ),
    ("Fourniture de mobilier de bureau", "اقتناء أثاث مكتبي", "supplies", "office_supplies", ["16"], 1_700_000),
    (
        "Installation électrique des armoires de rue",
        "التركيب الكهربائي للخزائن الخارجية",
        "works",
        "electricity",
        ["22", "31"],
        5_300_000,
    ),
]
# (state, how many): open ones in the future, closed ones past their deadline
PLAN = [("open", 16), ("closed", 10), ("cancelled", 4), ("draft", 6), ("amended", 4), ("awarded", 4)]


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF holding one line of ASCII text (for demo documents)."""
    safe = text.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 60 780 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def seed_tenders(session: Session, store: FileStore, now: datetime, keys) -> int:
    """Create the demo tenders if there are none yet; returns how many were created."""
    if session.scalar(select(Tender.id).limit(1)) is not None:
        add_missing_commissions(session, now)
        return 0
    authorities = list(session.scalars(select(ContractingAuthority).order_by(ContractingAuthority.code)))
    sectors = {s.code: s for s in session.scalars(select(Sector))}
    bidders = [
        u
        for u in session.scalars(select(User).where(User.role == "bidder").order_by(User.id))
        if u.enterprise.status == "verified"
    ]
    created = 0
    for state, count in PLAN:
        for _ in range(count):
            authority = authorities[created % len(authorities)]
            officer = next(o for o in authority.officers if o.is_active)
            subject = SUBJECTS[created % len(SUBJECTS)]
            _make(session, store, now, state, created, authority, officer, subject, sectors, bidders, keys)
            created += 1
    return created


def _make(session, store, now, state, index, authority, officer, subject, sectors, bidders, keys) -> None:
    title_fr, title_ar, category, sector, wilayas, budget = subject
    ten_o_clock = now.replace(hour=9, minute=0, second=0, microsecond=0)  # 10:00 Algiers time
    if state == "awarded":
        published_at, deadline = now - timedelta(days=70 + index), ten_o_clock - timedelta(days=30 + index)
    elif state == "closed":
        published_at, deadline = now - timedelta(days=40 + index), ten_o_clock - timedelta(days=index % 9 + 1)
    else:
        published_at, deadline = now - timedelta(days=index % 12), ten_o_clock + timedelta(days=15 + index % 20)
    data = services.TenderData(
        title_fr=f"{title_fr} — {authority.code} n°{index + 1}",
        title_ar=f"{title_ar} رقم {index + 1}",
        description_fr=(
            f"Le service contractant **{authority.name_fr}** lance un appel d'offres pour : "
            f"{title_fr.lower()}.\n\n- Délai d'exécution : 4 mois\n- Visite des lieux recommandée"
        ),
        description_ar=(
            f"تعلن **{authority.name_ar}** عن طلب عروض من أجل {title_ar}.\n\n"
            "- أجل التنفيذ: 4 أشهر\n- زيارة الموقع موصى بها"
        ),
        category=category,
        procedure="consultation" if budget < 6_000_000 else "open",
        wilaya_codes=wilayas,
        sector_ids=[sectors[sector].id],
        estimated_budget=budget * 100,
        is_budget_public=index % 3 != 0,
        enquiry_deadline_at=deadline - timedelta(days=4),
        submission_deadline_at=deadline,
        opening_at=deadline + timedelta(hours=1),
        opening_place=f"Siège — {authority.name_fr}",
        opening_place_ar=f"المقر — {authority.name_ar}",
        execution_days=120,
        award_method="weighted" if index % 4 == 0 else "lowest_price",
        technical_weight=40 if index % 4 == 0 else 0,
        financial_weight=60 if index % 4 == 0 else 100,
        criteria=[("Méthodologie et planning", 60), ("Références similaires", 40)] if index % 4 == 0 else [],
        criteria_ar=["المنهجية والتخطيط", "المراجع المماثلة"] if index % 4 == 0 else [],
        required_documents="Extrait du registre du commerce\nAttestation ANADE, ANGEM ou CNAC\nAttestation fiscale",
        required_documents_ar="مستخرج من السجل التجاري\nشهادة ANADE أو ANGEM أو CNAC\nشهادة الوضعية الجبائية",
    )
    tender = services.create_draft(session, authority, officer, data, published_at)
    _name_commission(session, tender, officer, published_at)
    for number in range(1 + index % 3):
        services.save_lot(
            session,
            tender,
            officer,
            services.LotData(
                title_fr=f"Lot {number + 1} — {title_fr.split()[0]} zone {number + 1}",
                title_ar=f"الحصة {number + 1}",
                estimated_amount=budget * 100 // (1 + index % 3),
                is_reserved=number == 0 and index % 2 == 0,
            ),
            published_at,
        )
    document = services.NewDocument(
        "Cahier des charges", "cahier-des-charges.pdf", io.BytesIO(tiny_pdf(f"Cahier des charges - {title_fr}"))
    )
    services.add_draft_documents(session, tender, officer, [document], store, 10 * 1024 * 1024, published_at)
    if state == "draft":
        return
    services.publish(session, tender, officer, published_at, min_days=0, kek=keys.kek)

    def later(**delta) -> datetime:  # events after publication, never in the future
        return min(published_at + timedelta(**delta), now)

    if bidders:
        asker = bidders[index % len(bidders)]
        question = services.ask_question(
            session, tender, asker, "Une visite des lieux est-elle obligatoire ?", later(hours=20)
        )
        services.answer_question(
            session,
            question,
            officer,
            "Elle est recommandée, pas obligatoire.",
            later(hours=22),
            answer_ar="الزيارة موصى بها، وليست إجبارية.",
        )
    if state in ("open", "closed", "amended", "awarded") and bidders:
        for offset in range(index % 4 if state != "awarded" else 3):
            _bid(
                session,
                store,
                keys,
                tender,
                bidders[(index + offset) % len(bidders)],
                index + offset,
                later(days=2, minutes=offset),
            )
    if state in ("closed", "awarded") and (index % 5 or state == "awarded"):  # the others stay "ready to open"
        opened_at = min(deadline + timedelta(hours=1), now)
        _hold_opening_session(session, tender, keys, store, opened_at)
        if tender.status == "opened" and (state == "awarded" or index % 3 == 0):
            _evaluate_and_award(
                session,
                tender,
                authority,
                opened_at,
                now,
                final=state == "awarded",
                complaint_by=bidders[index % len(bidders)] if index % 2 else None,
            )
    if state == "amended":
        services.amend(
            session,
            tender,
            officer,
            reason="Report de la date limite à la demande des soumissionnaires.",
            reason_ar="تمديد الأجل بطلب من المتعهدين.",
            now=later(days=3),
            new_deadline=deadline + timedelta(days=7),
        )
    if state == "cancelled":
        services.cancel(
            session,
            tender,
            officer,
            "Besoin reporté à l'exercice suivant.",
            later(days=5),
            reason_ar="تأجيل الحاجة إلى السنة المالية المقبلة.",
        )


def _members(authority: ContractingAuthority, chair: User) -> list[User]:
    officers = sorted((o for o in authority.officers if o.is_active), key=lambda o: o.id)
    return [chair] + [o for o in officers if o.id != chair.id][:2]


def _name_commission(session, tender, chair: User, at: datetime) -> None:
    """Every demo tender has its commission: three officers of its authority, ``chair`` first."""
    from safkat.commission import services as commission

    members = _members(tender.authority, chair)
    data = commission.CommissionInput([m.id for m in members], chair.id, tender.authority.commission_quorum)
    commission.name_commission(session, tender, chair, data, at)


def _hold_opening_session(session, tender, keys, store, at: datetime) -> None:
    """The commission's members confirm their presence one after the other, each handing in
    their share of the tender's key: the bids open."""
    from safkat.commission import services as commission

    for n, member in enumerate(tender.commission.members[: tender.commission.quorum]):
        share = _demo_share(session, tender, member.user)
        commission.confirm_presence(
            session, tender, member.user, True, keys, store, at + timedelta(minutes=n), share=share
        )


def _demo_share(session, tender, user: User) -> str:
    """The member's clear share, unsealed with their demo backup as their browser would do it."""
    from safkat.commission import keys as commission_keys
    from safkat.demo import demo_private_key
    from safkat.keyshare import messages

    row = commission_keys.current_share(session, tender.id, user.id)
    if row is None:  # a tender with a platform-only key (made before issue 14)
        return ""
    return json.dumps(messages.clear_share(demo_private_key(user.email), commission_keys.share_request(row)))


def add_missing_commissions(session: Session, now: datetime) -> int:
    """Demo databases made before commissions existed: each tender still in play gets the
    commission it would have been drafted with (demo data, not an amendment)."""
    from safkat.commission.models import Commission, CommissionMember

    tenders = session.scalars(
        select(Tender).where(Tender.status.in_(("draft", "published")), ~Tender.commission.has()).order_by(Tender.id)
    ).all()
    for tender in tenders:
        members = _members(tender.authority, tender.created_by)
        session.add(
            Commission(
                tender_id=tender.id,
                quorum=tender.authority.commission_quorum,
                changed_at=now,
                members=[CommissionMember(user_id=m.id, is_chair=n == 0) for n, m in enumerate(members)],
            )
        )
    session.flush()
    return len(tenders)


def _bid(session, store, keys, tender, firm, index: int, at: datetime) -> None:
    """A demo bid from ``firm``: sealed until the tender's deadline, like any other."""
    from safkat.bids import services as bids

    lots = [lot for lot in tender.lots if not lot.is_reserved or firm.enterprise.is_micro_enterprise]
    if not lots:
        return
    amounts = {lot.id: ((lot.estimated_amount or 100_000_000) * (90 + (index * 7) % 25) // 100, 0) for lot in lots}
    amounts = {lot_id: (excl, excl * 19 // 100) for lot_id, (excl, _vat) in amounts.items()}
    data = bids.BidInput(
        lot_ids=list(amounts),
        amounts=amounts,
        statement="Équipe de 6 techniciens, délai 3 mois.",
        documents=[
            bids.NewBidDocument("application", "registre-commerce.pdf", io.BytesIO(tiny_pdf("RC"))),
            bids.NewBidDocument("technical", "memoire-technique.pdf", io.BytesIO(tiny_pdf("Memoire"))),
        ],
    )
    bids.submit(session, tender, firm, data, store, keys, 10 * 1024 * 1024, at, f"demo-{tender.id}-{firm.id}")


def _evaluate_and_award(session, tender, authority, opened_at, now, *, final: bool, complaint_by) -> None:
    """Evaluate every bid (all compliant, low prices kept with a justification), publish the
    provisional award, and, for past tenders, answer a complaint and make the award final."""
    from safkat.awards import services as awards
    from safkat.evaluation import services as evaluation

    officer, reviewer = [o for o in authority.officers if o.is_active][:2]
    rules = evaluation.Rules()
    at = opened_at + timedelta(days=2)
    for lot in tender.lots:
        lot_evaluation = evaluation.start(session, tender, lot, officer, rules, at)
        for assessment in lot_evaluation.assessments:
            evaluation.record_compliance(
                session,
                tender,
                assessment,
                officer,
                eligible=True,
                reason=None,
                technical_pass=True,
                rules=rules,
                now=at,
            )
            if assessment.alo_status == "flagged":
                evaluation.decide_abnormally_low(
                    session,
                    tender,
                    assessment,
                    officer,
                    keep=True,
                    justification="Prix cohérent avec le bordereau détaillé.",
                    rules=rules,
                    now=at,
                )
        if lot_evaluation.assessments:
            evaluation.review(session, lot_evaluation, reviewer, at)
    published = min(opened_at + timedelta(days=4), now)
    awards.publish_provisional_award(session, tender, officer, published, {})
    if complaint_by is not None and complaint_by.enterprise_id in {
        a.enterprise_id for a in _assessments(session, tender)
    }:
        complaint = awards.lodge_complaint(
            session, tender, tender.lots[0].id, complaint_by, "Nous contestons le classement de notre offre.", published
        )
        if final:
            awards.answer_complaint(
                session,
                complaint,
                officer,
                upheld=False,
                now=published + timedelta(days=3),
                answer="Le classement résulte du prix le plus bas parmi les offres conformes.",
            )
    if final:
        finals = published + timedelta(days=awards.DEFAULT_STANDSTILL_DAYS, hours=1)
        for lot in tender.lots:
            award = awards.current_award(session, lot.id)
            if award is not None and award.status == "provisional":
                contract = awards.finalize(session, award, officer, finals)
                if lot.number == 1:
                    awards.sign_contract(session, contract, officer, finals + timedelta(days=2))


def _assessments(session, tender):
    from sqlalchemy import select

    from safkat.evaluation.models import Assessment, LotEvaluation

    return session.scalars(select(Assessment).join(LotEvaluation).where(LotEvaluation.tender_id == tender.id)).all()
