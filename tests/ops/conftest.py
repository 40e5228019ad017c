"""Instances for backups, restores, crashes and outages (:mod:`tests.instances`), and what
fills and compares them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.instances import Instance, Instances


@pytest.fixture
def instances(tmp_path, app):
    """``instances(kind, migrate=True)`` makes an instance on ``sqlite`` or ``postgresql``."""
    made = Instances(tmp_path, app.extensions["safkat.keys"])

    def make_instance(kind: str | None = None, migrate: bool = True) -> Instance:
        try:
            return made.new(kind, migrate)
        except LookupError as missing:
            pytest.skip(str(missing))

    yield make_instance
    made.close()


def populate(instance: Instance) -> dict:
    """A tender with two sealed bids (one replaced), a draft, its opening, an issued PDF."""
    from safkat.bids import opening as bid_opening
    from safkat.tenders.models import Tender
    from tests.bids.helpers import document, post_bid

    with instance.session() as session:
        make = instance.make(session)
        officer = make.officer()
        tender = make.tender(state="open", lots=2, authority=officer.authority, created_by=officer)
        other = make.tender(state="open", lots=1, authority=officer.authority, created_by=officer)
        firms = [make.bidder(enterprise=make.enterprise(name=f"Firme {n}")) for n in "ABC"]
        session.commit()
        ids = {"tender": tender.id, "other": other.id, "officer": officer.id, "firms": [f.id for f in firms]}
        reference, other_reference = tender.url_reference, other.url_reference
    clients = [instance.client(firm) for firm in firms]
    assert post_bid(clients[0], tender, technical=document("tech-a")).status_code == 302
    assert post_bid(clients[1], tender, amounts={2: ("1850000.50", "0")}).status_code == 302
    assert post_bid(clients[1], tender, amounts={2: ("1800000.00", "0")}).status_code == 302  # replaces
    assert post_bid(clients[2], other, action="save").status_code == 303  # a draft
    with instance.session() as session:
        tender = session.get(Tender, ids["tender"])
        instance.clock.set(tender.submission_deadline_at + timedelta(hours=1))
        extensions = instance.app.extensions
        instance.make(session).hand_in_shares(tender, now=instance.clock.now())
        bid_opening.open_bids(
            session, tender, None, extensions["safkat.keys"], extensions["safkat.files"], instance.clock.now()
        )
        session.commit()
    response = instance.client().get(f"/tenders/{reference}/notice/fr.pdf")
    assert response.status_code == 200
    ids.update(reference=reference, other_reference=other_reference)
    return ids


def table_contents(instance: Instance) -> dict[str, list[tuple]]:
    """Every row of every table, in a comparable form."""
    from safkat.ops.tables import ordered_tables

    contents = {}
    with instance.engine.connect() as connection:
        for table in ordered_tables():
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            contents[table.name] = [tuple(row) for row in rows]
    return contents
