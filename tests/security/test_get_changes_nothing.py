"""No GET changes anything: every GET route, as every role, on tenders in every state.

A link prefetcher, a crawler or a curious click with an officer's session must never open
bids, start an evaluation or change any record. The database is read whole before the
crawl and after each route; the only differences allowed are listed here, with why:

- ``tender_documents.download_count`` and ``document_downloads``: download counters (who
  downloaded a tender's documents, to tell them of amendments);
- ``issued_documents`` and their ``document.issued`` audit events: an official PDF is
  issued (rendered, signed, kept) on its first download;
- the ``commission.document_read``, ``commission.supplied_read`` and ``bid.document_read``
  audit events: each reading of an opened bid's document is recorded, as the issue asks;
- ``audit_head``: the chain's head, which moves with the events above;
- ``notifications.read_at``: opening a notification marks it read;
- ``users.totp_secret``: the two-factor settings page creates, once, the secret it shows
  to enrol (sealed; it turns nothing on: enabling is a POST with a code).
"Last seen" lives in the signed session cookie, not in the database. The one-click
unsubscribe link of the e-mails (``notifications.unsubscribe``) changes a subscription by
design; the crawl reaches it with an invalid token only.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

import safkat.models  # noqa: F401  (every table on the metadata)
from safkat.bids import opening as bid_opening
from safkat.bids import services as bids
from safkat.commission.models import OpeningPresence
from safkat.db import Base
from safkat.evaluation import services as evaluation
from safkat.tenders import services as tenders
from tests.security.lifecycle_support import bid_input
from tests.security.matrix_world import MAX_BYTES, ROLES, RULES, build_world
from tests.security.route_table import TABLE

IGNORED_TABLES = {"document_downloads", "issued_documents", "audit_head"}
IGNORED_COLUMNS = {("tender_documents", "download_count"), ("notifications", "read_at"), ("users", "totp_secret")}
READ_EVENTS = {"commission.document_read", "commission.supplied_read", "bid.document_read", "document.issued"}
TENDER_ARGUMENTS = {"tender_id", "url_reference", "lot_id"}


def snapshot(session) -> dict[str, list]:
    """Every row of every table, less the allowed changes, in a comparable form."""
    rows = {}
    for table in Base.metadata.sorted_tables:
        if table.name in IGNORED_TABLES:
            continue
        columns = [c for c in table.columns if (table.name, c.name) not in IGNORED_COLUMNS]
        query = select(*columns)
        if table.name == "audit_events":
            query = query.where(table.c.action.not_in(READ_EVENTS))
        rows[table.name] = sorted(repr(tuple(row)) for row in session.execute(query))
    return rows


def differences(before: dict, after: dict) -> list[str]:
    found = []
    for name in before:
        gone, new = set(before[name]) - set(after[name]), set(after[name]) - set(before[name])
        if gone or new:
            found.append(f"{name}: -{sorted(gone)[:2]} +{sorted(new)[:2]}")
    return found


def add_every_state(world, session, make, clock, keys, store) -> None:
    """Beside the world's draft, open and awarded tenders: closed (one member present),
    opened, under evaluation, unsuccessful and cancelled ones."""
    officer, firm = world.users["officer"], world.users["verified"]
    authority = officer.authority
    now = clock.now()

    def soon_closing():
        return make.tender(
            state="open",
            authority=authority,
            created_by=officer,
            enquiry_deadline_at=now + timedelta(minutes=30),
            submission_deadline_at=now + timedelta(hours=1),
            opening_at=now + timedelta(hours=2),
        )

    closed, opened, evaluated = soon_closing(), soon_closing(), soon_closing()
    for n, tender in enumerate((closed, opened, evaluated)):
        bids.submit(session, tender, firm, bid_input(tender, (0, 1), 400_000), store, keys, MAX_BYTES, now, f"g-{n}")
    clock.advance(hours=2)
    session.add(
        OpeningPresence(tender_id=closed.id, user_id=officer.id, confirmed_at=clock.now(), declared_no_conflict=True)
    )
    for tender in (opened, evaluated):
        make.hand_in_shares(tender)
        bid_opening.open_bids(session, tender, officer, keys, store, clock.now())
    evaluation.start(session, evaluated, evaluated.lots[0], officer, RULES, clock.now())
    unsuccessful = make.tender(state="closed", authority=authority, created_by=officer)
    bid_opening.open_bids(session, unsuccessful, officer, keys, store, clock.now())
    cancelled = make.tender(state="open", authority=authority, created_by=officer)
    tenders.cancel(session, cancelled, officer, "Besoin annulé.", clock.now())
    session.flush()
    for kind, tender in (
        ("closed", closed),
        ("opened", opened),
        ("evaluation", evaluated),
        ("unsuccessful", unsuccessful),
        ("cancelled", cancelled),
    ):
        world.args[kind] = world.args["open"] | {
            "tender_id": tender.id,
            "url_reference": tender.url_reference,
            "lot_id": tender.lots[0].id,
            "document_id": tender.documents[0].id,
        }
    statuses = {tender.status for tender in (closed, opened, evaluated, unsuccessful, cancelled)}
    assert statuses == {"published", "opened", "evaluation", "unsuccessful", "cancelled"}


def get_urls(app, world) -> dict[str, list[str]]:
    """Every GET route, built on every tender of the world when it names a tender."""
    by_endpoint: dict[str, list[str]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        overrides = TABLE[rule.endpoint][0].args if rule.endpoint in TABLE else {}
        kinds = sorted(world.args) if TENDER_ARGUMENTS & set(rule.arguments) else ["awarded"]
        for kind in kinds:
            values = world.args[kind]
            arguments = {name: values[overrides.get(name, name)] for name in rule.arguments}
            by_endpoint.setdefault(rule.endpoint, []).append(rule.build(arguments, append_unknown=False)[1])
    return by_endpoint


def test_no_get_changes_the_database(app, db_session, login, make, clock):
    keys, store = app.extensions["safkat.keys"], app.extensions["safkat.files"]
    world = build_world(app, db_session, make, clock)
    add_every_state(world, db_session, make, clock, keys, store)
    db_session.commit()  # a savepoint of the test's transaction: what the requests see
    before = snapshot(db_session)
    changed, sent = [], 0
    for endpoint, urls in sorted(get_urls(app, world).items()):
        for url in urls:
            for role in ROLES:
                user = world.users[role]
                client = login(user) if user is not None else app.test_client()
                response = client.get(url)
                sent += 1
                assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
        db_session.expire_all()
        after = snapshot(db_session)
        if after != before:
            changed.append(f"{endpoint}: " + "; ".join(differences(before, after)))
            before = after
    assert sent > 1000, f"only {sent} requests: the crawl missed routes"
    assert not changed, "GET requests changed the database:\n" + "\n".join(changed)
