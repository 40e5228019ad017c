"""Whole instances with real commits (a database and an uploads folder), for backups,
restores, crashes and outages.

An instance is a SQLite file, or a schema of its own in the PostgreSQL test database
(dropped afterwards), so the rolled-back tests around it are not disturbed.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import sessionmaker

from safkat import create_app
from safkat.clock import FixedClock
from safkat.db import Database, make_engine
from safkat.migrate import upgrade
from safkat.notifications.transports import MemoryTransport
from tests.conftest import START, TEST_DB_URL, CSRFClient
from tests.factories import Factory

_numbers = itertools.count(1)


@dataclass
class Instance:
    app: object
    engine: object
    url: str
    schema: str | None
    uploads: Path
    clock: FixedClock

    @property
    def kind(self) -> str:
        return "postgresql" if self.schema else "sqlite"

    def session(self):
        return sessionmaker(bind=self.engine, expire_on_commit=False)()

    def client(self, user=None):
        client = self.app.test_client()
        if user is not None:
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
        return client

    def make(self, session) -> Factory:
        extensions = self.app.extensions
        return Factory(
            session, extensions["safkat.hasher"], self.clock, extensions["safkat.files"], extensions["safkat.keys"].kek
        )

    def cli(self, *args):
        return self.app.test_cli_runner().invoke(args=[str(a) for a in args])


def engine_for(kind: str, url: str, schema: str | None):
    if kind == "postgresql":
        return make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    return make_engine(url)


def make_app(engine, uploads: Path, clock: FixedClock, keys):
    """An application on ``engine`` with its own uploads folder, sharing the test keys."""
    instance_app = create_app(
        {
            "TESTING": True,
            "DATABASE": Database(engine=engine),
            "CLOCK": clock,
            "MAIL_TRANSPORT": MemoryTransport(),
            "ARGON2_PROFILE": "fast",
            "UPLOAD_FOLDER": str(uploads),
            "RATELIMIT_ENABLED": False,
            "BASE_URL": "http://safkat.test",
        }
    )
    instance_app.test_client_class = CSRFClient
    instance_app.extensions["safkat.keys"] = keys
    return instance_app


@pytest.fixture
def instances(tmp_path, app):
    """``instances(kind, migrate=True)`` makes an instance on ``sqlite`` or ``postgresql``."""
    made: list[Instance] = []

    def make_instance(kind: str = "postgresql" if TEST_DB_URL else "sqlite", migrate: bool = True) -> Instance:
        number = next(_numbers)
        schema = None
        if kind == "postgresql":
            if not TEST_DB_URL:
                pytest.skip("needs PostgreSQL (set SAFKAT_TEST_DATABASE_URL)")
            schema = f"ops_{os.getpid()}_{number}"
            admin = make_engine(TEST_DB_URL)
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                connection.execute(text(f"CREATE SCHEMA {schema}"))
            admin.dispose()
            url = TEST_DB_URL
        else:
            url = f"sqlite:///{tmp_path / f'instance-{number}.db'}"
        engine = engine_for(kind, url, schema)
        if migrate:
            upgrade(engine)
        clock = FixedClock(START)
        uploads = tmp_path / f"uploads-{number}"
        instance_app = make_app(engine, uploads, clock, app.extensions["safkat.keys"])
        instance = Instance(instance_app, engine, url, schema, uploads, clock)
        made.append(instance)
        return instance

    yield make_instance
    for instance in made:
        instance.engine.dispose()
        if instance.schema:
            admin = make_engine(TEST_DB_URL)
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {instance.schema} CASCADE"))
            admin.dispose()


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
    assert post_bid(clients[2], other, action="save").status_code == 302  # a draft
    with instance.session() as session:
        tender = session.get(Tender, ids["tender"])
        instance.clock.set(tender.submission_deadline_at + timedelta(hours=1))
        extensions = instance.app.extensions
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
