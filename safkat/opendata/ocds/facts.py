"""What is public about a tender right now, read once from the database for a release."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat.awards.models import Complaint, Contract, LotAward
from safkat.bids.models import OpenedBid, Opening
from safkat.evaluation.models import LotEvaluation
from safkat.opendata.models import OcdsRelease
from safkat.tenders.models import Lot, Tender


@dataclass
class Facts:
    """The tender and what happened to it, as the release sections read it."""

    tender: Tender
    lots: dict[int, Lot]  # by id
    opening: Opening | None
    opened: list[OpenedBid]
    awards: list[LotAward]  # by lot number, then round
    contracts: list[Contract]
    complaints: list[Complaint]  # answered ones only
    evaluations: dict[int, LotEvaluation]  # by lot id
    previous: list[tuple[str, str, datetime]]  # (release id, tags, date) of the stored releases
    presences: list = field(default_factory=list)  # the commission members present at the opening


def read_facts(session: Session, tender: Tender) -> Facts:
    lots = {lot.id: lot for lot in tender.lots}
    opening = session.get(Opening, tender.id)
    opened = (
        list(session.scalars(select(OpenedBid).where(OpenedBid.tender_id == tender.id).order_by(OpenedBid.id)))
        if opening is not None
        else []
    )
    awards = sorted(
        session.scalars(select(LotAward).where(LotAward.tender_id == tender.id)),
        key=lambda award: (lots[award.lot_id].number if award.lot_id in lots else 0, award.round),
    )
    contracts = list(session.scalars(select(Contract).where(Contract.tender_id == tender.id).order_by(Contract.id)))
    complaints = list(
        session.scalars(
            select(Complaint)
            .where(Complaint.tender_id == tender.id, Complaint.status != "pending")
            .order_by(Complaint.answered_at, Complaint.id)
        )
    )
    evaluations = {
        evaluation.lot_id: evaluation
        for evaluation in session.scalars(select(LotEvaluation).where(LotEvaluation.tender_id == tender.id))
    }
    previous = [
        tuple(row)
        for row in session.execute(
            select(OcdsRelease.release_id, OcdsRelease.tags, OcdsRelease.date)
            .where(OcdsRelease.tender_id == tender.id)
            .order_by(OcdsRelease.id)
        )
    ]
    from safkat.commission.services import presences

    present = presences(session, tender.id) if opening is not None else []
    return Facts(tender, lots, opening, opened, awards, contracts, complaints, evaluations, previous, present)
