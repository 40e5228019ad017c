"""Logins and bids that arrive together, beside the e-mail sender, against a served app.

On SQLite a deferred transaction that reads and then writes fails at once with "database
is locked" when another writer committed in between, whatever the busy timeout: logins
and bids answered 503. Every transaction that may write now takes the write lock when it
begins. This runs real threads against a real HTTP server, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import datetime

import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from safkat.bids.models import Bid
from safkat.cli import _send_due_once
from safkat.notifications import services as outbox
from safkat.ops.files import orphans
from tests.bids.helpers import confirmation_fields, document
from tests.conftest import START
from tests.factories import PASSWORD

BIDDERS = 10
LOGINS_ONLY = 10


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def sender_loop(app, stop: threading.Event, errors: list):
    """`safkat notifications send --watch`, without the pauses."""
    with app.app_context():
        while not stop.is_set():
            try:
                _send_due_once()
            except Exception as error:  # reported by the test
                errors.append(error)


def login(base: str, email: str) -> tuple[requests.Session, int]:
    http = requests.Session()
    response = http.post(f"{base}/login", data={"email": email, "password": PASSWORD}, allow_redirects=False)
    return http, response.status_code


def submit(http: requests.Session, base: str, tender, tag: str) -> int:
    lot = tender.lots[0]
    form = {"statement": "Équipe de 4.", "action": "submit", f"lot_{lot.id}": "y"}
    form |= {f"excl_vat_{lot.id}": "1000000.00", f"vat_{lot.id}": "190000.00"}
    files = {"application_files": ("registre.pdf", document(tag), "application/pdf")}
    url = f"{base}/tenders/{tender.url_reference}/bid"
    response = http.post(url, data=form, files=files, allow_redirects=False)
    if response.status_code != 303 or not response.headers["Location"].endswith("/bid/review"):
        return response.status_code
    review = http.get(f"{url}/review?lang=en").text  # the review page, then its confirmation seals
    fields = confirmation_fields(review)
    return http.post(f"{url}/confirm", data=fields, allow_redirects=False).status_code


def test_concurrent_logins_and_bids_beside_the_sender_all_succeed(committed, committed_make):
    app = committed.app
    app.config["WTF_CSRF_ENABLED"] = False  # a served app: the CSRF token is not what is tested
    make = committed_make
    tender = make.tender(state="open", lots=1)
    firms = [make.bidder(enterprise=make.enterprise(status="verified")) for _ in range(BIDDERS)]
    others = [make.bidder(enterprise=make.enterprise(status="verified")) for _ in range(LOGINS_ONLY)]
    for n in range(30):  # the sender has work from the start, and more as receipts are queued
        outbox.enqueue_email(
            make.session, kind="t", recipient=f"r{n}@example.dz", subject=str(n), body_text="x", locale="fr", now=START
        )
    make.session.commit()
    server = serve(app)
    base = f"http://127.0.0.1:{server.server_port}"
    stop, sender_errors = threading.Event(), []
    sender = threading.Thread(target=sender_loop, args=(app, stop, sender_errors))
    sender.start()
    statuses: dict[str, list[int]] = {"login": [], "bid": []}
    barrier = threading.Barrier(BIDDERS + LOGINS_ONLY)

    def bidder(index: int):
        barrier.wait()
        http, status = login(base, firms[index].email)
        statuses["login"].append(status)
        statuses["bid"].append(submit(http, base, tender, f"firm-{index}"))

    def login_only(index: int):
        barrier.wait()
        statuses["login"].append(login(base, others[index].email)[1])

    threads = [threading.Thread(target=bidder, args=(i,)) for i in range(BIDDERS)]
    threads += [threading.Thread(target=login_only, args=(i,)) for i in range(LOGINS_ONLY)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        stop.set()
        sender.join(120)
        server.shutdown()

    assert statuses["login"] == [302] * (BIDDERS + LOGINS_ONLY)
    assert statuses["bid"] == [302] * BIDDERS
    assert sender_errors == []
    with committed.session() as session:
        submitted = session.scalars(select(Bid.enterprise_id).where(Bid.status == "submitted")).all()
        assert sorted(submitted) == sorted(firm.enterprise_id for firm in firms)  # no bid lost
        assert session.scalar(select(func.count()).select_from(Bid)) == BIDDERS
    with committed.engine.connect() as connection:
        assert orphans(connection, app.extensions["safkat.files"], datetime.now().astimezone()) == []
