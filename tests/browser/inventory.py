"""Every page type of the application, as the demo data shows them, and who sees each.

A page type is a template in a state that changes what it shows (a call for tender that is
open, closed, opened, awarded…; an enterprise waiting or verified). The accessibility, HTML
validity and page-weight tests walk this list, so a page added to the application is
checked by all three once it is added here. Ids and codes are looked up in the demo data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

ADMIN, OFFICER = "admin@safkat.dz", "officer.oran@safkat.dz"
NEW_FIRM = "firm08@demo.safkat.dz"  # registered, its documents not sent yet
WAITING_FIRM, REJECTED_FIRM = "firm05@demo.safkat.dz", "firm10@demo.safkat.dz"


@dataclass(frozen=True)
class Visit:
    who: str | None  # None: the public
    path: str
    status: int = 200

    def __str__(self) -> str:
        return f"{self.who or 'public'} {self.path}"

    @property
    def is_public(self) -> bool:
        return self.who is None and self.status == 200


def public_visits(server) -> list[Visit]:
    known = facts(server)
    tenders = known["public_tenders"]
    visits = [
        Visit(None, path)
        for path in (
            "/",
            "/login",
            "/register",
            "/password/forgot",
            f"/password/reset/{known['reset_token']}",
            f"/unsubscribe/{known['unsubscribe_token']}",
            "/tenders",
            "/tenders?q=fibre&wilaya=31&sort=deadline",
            "/tenders?status=awarded",
            "/stats",
            "/stats/authority/AT-ORN",
            "/verify",
            f"/verify/{known['public_code']}",
            f"/verify/{known['receipt_code']}",
            "/receipts/verify",
        )
    ]
    visits += [Visit(None, f"/tenders/{reference}") for reference in tenders.values()]
    visits += [
        Visit(None, f"/tenders/{tenders['opened']}/opening"),
        Visit(None, f"/tenders/{tenders['provisional_award']}/award"),
        Visit(None, f"/tenders/{tenders['awarded']}/award"),
        Visit(None, "/no-such-page", 404),
        Visit(None, "/verify?code=AAAA-BBBB-CCCC", 404),
        Visit(None, "/verify-email/not-a-token", 400),
    ]
    return visits


def signed_in_visits(server) -> list[Visit]:
    known = facts(server)
    bidder, tenders, officer_tenders = known["bidder"], known["public_tenders"], known["officer_tenders"]
    visits = [Visit(firm, "/enterprise") for firm in (NEW_FIRM, WAITING_FIRM, REJECTED_FIRM)]
    visits += [
        Visit(bidder, path)
        for path in (
            "/enterprise",
            "/account",
            "/bids",
            *(f"/bids/{bid_id}" for bid_id in known["bids"]),
            f"/tenders/{known['open_for_bidder']}/bid",
            f"/tenders/{tenders['provisional_award']}/award",
            "/subscriptions",
            "/notifications",
        )
    ]
    visits.append(Visit(bidder, "/officer/", 403))
    contracts, holder = known["contracts"], known["contract_holder"]
    visits += [Visit(holder, "/contracts"), *(Visit(holder, f"/contracts/{c}") for c in contracts[holder])]
    visits += [Visit(OFFICER, "/contracts"), *(Visit(OFFICER, f"/contracts/{c}") for c in contracts[OFFICER])]
    visits.append(Visit(bidder, f"/contracts/{contracts[OFFICER][0]}", 403))
    visits += [
        Visit(OFFICER, path)
        for path in (
            "/officer/",
            "/officer/tenders/new",
            "/review/enterprises",
            "/review/enterprises?status=all",
            f"/review/enterprises/{known['pending_enterprise']}",
            "/account",
            "/account/two-factor",
            "/account/opening-key",
            "/notifications",
            *(f"/officer/tenders/{tender_id}" for tender_id in officer_tenders.values()),
            f"/officer/tenders/{officer_tenders['draft']}/edit",
            f"/officer/tenders/{officer_tenders['draft']}/publish",  # the confirmation page
            f"/officer/tenders/{officer_tenders['opened']}/award",  # the confirmation page
            f"/officer/tenders/{officer_tenders['draft']}/lots/{known['draft_lot']}",
            f"/officer/tenders/{officer_tenders['opened']}/opening",
            f"/officer/tenders/{officer_tenders['draft']}/commission",
            f"/officer/tenders/{officer_tenders['closed']}/opening",
            *(f"/officer/tenders/{officer_tenders[s]}/evaluation" for s in ("provisional_award", "awarded")),
            f"/officer/tenders/{officer_tenders['provisional_award']}/evaluation/lots/{known['evaluated_lot']}",
        )
    ]
    visits += [
        Visit(ADMIN, path)
        for path in (
            "/admin/",
            "/admin/authorities",
            "/admin/authorities/1",
            "/admin/authorities/new",
            "/admin/authorities/1/edit",
            "/admin/outbox",
            "/admin/outbox?status=sent",
            "/account",
            "/account/two-factor",
        )
    ]
    return visits


def every_visit(server) -> list[Visit]:
    return public_visits(server) + signed_in_visits(server)


def facts(server) -> dict:
    """Ids, references, codes and tokens of the demo data (computed once per server)."""
    if not hasattr(server, "inventory_facts"):
        with server.app.app_context():
            database = server.app.extensions["safkat.db"]
            with database.session() as session, session.begin():
                server.inventory_facts = _look_up(server.app, session, server.clock.now())
    return server.inventory_facts


def _look_up(app, session, now) -> dict:
    from safkat.accounts.models import Enterprise, User
    from safkat.accounts.tokens import make_reset_token
    from safkat.bids.models import Bid, Receipt
    from safkat.documents import services as documents
    from safkat.documents.views import make_issuer
    from safkat.evaluation.models import LotEvaluation
    from safkat.notifications.unsubscribe import make_token
    from safkat.tenders.models import Tender
    from safkat.tenders.services import public_status

    public, officer = {}, {}
    oran = session.scalar(select(User).where(User.email == OFFICER)).authority_id
    for tender in session.scalars(select(Tender).order_by(Tender.id)):
        state = public_status(tender, now)
        if tender.reference:
            public.setdefault(state, tender.url_reference)
        if tender.authority_id == oran:
            officer.setdefault(state, tender.id)
    awarded = session.get(Tender, officer["provisional_award"])
    evaluated_lot = session.scalar(select(LotEvaluation.lot_id).where(LotEvaluation.tender_id == awarded.id))
    draft = session.get(Tender, officer["draft"])
    # The firm with a bid on a provisionally awarded call: it sees results and may complain.
    bid = session.scalar(select(Bid).join(Tender).where(Tender.status == "provisional_award", Bid.status != "draft"))
    firm = session.scalar(select(User).where(User.enterprise_id == bid.enterprise_id))
    bids = {
        public_status(b.tender, now): b.id
        for b in session.scalars(select(Bid).where(Bid.enterprise_id == firm.enterprise_id))
    }
    open_tender = session.scalar(
        select(Tender).where(Tender.status == "published", Tender.submission_deadline_at > now).order_by(Tender.id)
    )
    contracts, holder = _contracts(session, oran)
    issuer = make_issuer(app)
    notice = documents.document_for(session, "tender_notice", open_tender, "fr", issuer, now)
    receipt = session.scalar(select(Receipt).where(Receipt.bid_id == bid.id))
    addressed = documents.document_for(session, "bid_receipt", receipt, "ar", issuer, now)
    return {
        "public_tenders": public,
        "officer_tenders": officer,
        "evaluated_lot": evaluated_lot,
        "draft_lot": draft.lots[0].id,
        "bidder": firm.email,
        "bids": sorted(set(bids.values())),
        "open_for_bidder": open_tender.url_reference,
        "pending_enterprise": session.scalar(select(Enterprise.id).where(Enterprise.status == "pending")),
        "public_code": documents.format_code(notice.code),
        "receipt_code": documents.format_code(addressed.code),
        "reset_token": make_reset_token(app.secret_key, firm, now),
        "unsubscribe_token": make_token(app.secret_key, firm, "subscription"),
        "contracts": contracts,
        "contract_holder": holder,
    }


def _contracts(session, authority_id: int) -> tuple[dict[str, list[int]], str]:
    """The signed contracts the Oran officer sees (in each execution state), and the firm
    member of the first one with the contracts that firm sees."""
    from safkat.accounts.models import User
    from safkat.awards.models import Contract
    from safkat.tenders.models import Lot, Tender

    signed = session.scalars(
        select(Contract)
        .join(Lot, Lot.id == Contract.lot_id)
        .join(Tender, Tender.id == Lot.tender_id)
        .where(Contract.status == "signed", Tender.authority_id == authority_id)
        .order_by(Contract.id)
    ).all()
    holder = session.scalar(select(User).where(User.enterprise_id == signed[0].enterprise_id).order_by(User.id))
    mine = [c.id for c in session.scalars(select(Contract).where(Contract.enterprise_id == holder.enterprise_id))]
    return {OFFICER: [c.id for c in signed], holder.email: mine}, holder.email
