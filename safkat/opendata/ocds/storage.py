"""The stored releases: one recorded at each public change of a tender, then served unchanged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from safkat.opendata.models import OcdsRelease
from safkat.opendata.ocds.publisher import Publisher, current_publisher, make_ocid
from safkat.opendata.ocds.release import build_release
from safkat.opendata.ocds.values import dumps
from safkat.tenders.models import Tender


def record_release(
    session: Session, tender: Tender, tags: list[str], now: datetime, publisher: Publisher | None = None
) -> OcdsRelease | None:
    """Build and store the release of a public change of ``tender``, tagged ``tags``.

    Called once at the end of each service that changes a tender publicly, inside its
    transaction: the release is committed, or rolled back, with the change itself.
    """
    if tender.reference is None:  # a draft is not public
        return None
    publisher = publisher or current_publisher()
    session.flush()
    # The tender's row lock (PostgreSQL; SQLite writes one at a time anyway) orders the
    # releases of a tender: two changes at once never take the same number or snapshot.
    session.execute(select(Tender.id).where(Tender.id == tender.id).with_for_update())
    ocid = make_ocid(tender, publisher.ocid_prefix)
    count, latest = session.execute(
        select(func.count(OcdsRelease.id), func.max(OcdsRelease.date)).where(OcdsRelease.tender_id == tender.id)
    ).one()
    # Each release is a full snapshot, so it must also be the latest by date, or the compiled
    # release would let an older snapshot win: never date a release before the previous one
    # (servers' clocks differ slightly; demo data is recorded out of order).
    date = max(now, latest) if latest is not None else now
    release_id = f"{ocid}-{count + 1:02d}"
    release = build_release(session, tender, tags, date, publisher, release_id)
    row = OcdsRelease(
        ocid=ocid,
        release_id=release_id,
        tags=" ".join(tags),
        date=date,
        tender_id=tender.id,
        release=dumps(release),
    )
    session.add(row)
    session.flush()
    return row


def releases_of(session: Session, ocid: str) -> list[OcdsRelease]:
    """The releases of one contracting process, oldest first (same date: in the order recorded)."""
    query = select(OcdsRelease).where(OcdsRelease.ocid == ocid).order_by(OcdsRelease.date, OcdsRelease.id)
    return list(session.scalars(query))


def bulk_query(since: datetime | None, up_to_id: int | None = None) -> Select:
    """Releases dated ``since`` or later, oldest first (the bulk endpoint and the export)."""
    query = select(OcdsRelease).order_by(OcdsRelease.date, OcdsRelease.id)
    if since is not None:
        query = query.where(OcdsRelease.date >= since)
    if up_to_id is not None:
        query = query.where(OcdsRelease.id <= up_to_id)
    return query
