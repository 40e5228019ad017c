"""Before the deadline, no page of any role shows anything of a sealed bid.

The routes are taken from the URL map, so a new page cannot escape the check.
"""

import re

from sqlalchemy import select

from safkat.bids.models import Bid
from tests.bids.helpers import post_bid

NEEDLES = ["87654321", "87 654 321", "87,654,321", "87 654 321", "8765432109", "Sealed-statement-7781", "registre.pdf"]


def test_no_role_sees_a_sealed_bid_anywhere(app, login, client, make, db_session):
    tender = make.tender(state="open", lots=1)
    firm = make.bidder(enterprise=make.enterprise(status="verified"))
    post_bid(login(firm), tender, amounts={1: ("87654321.09", "0")}, statement="Sealed-statement-7781")
    bid = db_session.scalar(select(Bid))
    values = {
        "tender_id": tender.id,
        "url_reference": tender.url_reference,
        "bid_id": bid.id,
        "receipt_id": bid.receipts[0].id,
        "document_id": tender.documents[0].id,
        "lot_id": tender.lots[0].id,
        "enterprise_id": firm.enterprise_id,
        "authority_id": tender.authority_id,
        "user_id": firm.id,
        "question_id": 1,
        "token": "x",
        "code": "x",  # a document's verification code
        "ocid": "ocds-safkat-" + tender.url_reference,
    }
    viewers = {
        "public": client,
        "admin": login(make.admin()),
        "officer": login(tender.created_by),
        "other firm": login(make.bidder(enterprise=make.enterprise(status="verified"))),
    }
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), "x")), rule.rule)
        for name, viewer in viewers.items():
            for lang in ("fr", "en", "ar"):
                response = viewer.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
                body = response.get_data().decode(errors="replace")  # the favicon is binary
                for needle in NEEDLES:
                    assert needle not in body, (name, url, needle)
                checked += 1
    assert checked > 100
