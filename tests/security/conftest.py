"""Fixtures of the security tests: the demo data, loaded into the rolled-back test transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from safkat.demo import seed
from safkat.tenders.models import Tender


@pytest.fixture
def demo(app, db_session, clock):
    """Everything ``safkat seed-demo`` loads (users, firms in every state, tenders in every
    state with bids, openings and awards); returns the public tenders."""
    extensions = app.extensions
    seed(db_session, extensions["safkat.hasher"], clock.now(), extensions["safkat.files"], extensions["safkat.keys"])
    db_session.flush()
    return list(db_session.scalars(select(Tender).where(Tender.reference.is_not(None)).order_by(Tender.id)))
