"""Building bids through the web form, as a firm would: the form, then the review page,
then the confirmation that seals."""

import html
import io
import json
import os
import re

from safkat.keyshare import messages

PDF_HEAD = b"%PDF-1.7\n"


def document(tag: str, size: int = 4000) -> bytes:
    """A PDF-looking file whose bytes are unique to the test (to search for them later)."""
    return PDF_HEAD + tag.encode() + os.urandom(size)


def bid_form(
    tender,
    amounts=None,
    statement="Méthode : équipe de 6, 3 mois.",
    application=None,
    technical=None,
    action="review",
):
    amounts = amounts if amounts is not None else {lot.number: ("1234567.89", "234567.90") for lot in tender.lots}
    data = {"statement": statement, "action": action}
    for lot in tender.lots:
        if lot.number in amounts:
            excl, vat = amounts[lot.number]
            data[f"lot_{lot.id}"] = "y"
            data[f"excl_vat_{lot.id}"] = excl
            data[f"vat_{lot.id}"] = vat
    if application is not False:
        data["application_files"] = [(io.BytesIO(application or document("rc")), "registre.pdf")]
    if technical:
        data["technical_files"] = [(io.BytesIO(technical), "memoire-technique.pdf")]
    return data


def post_bid(client, tender, idempotency_key=None, **kwargs):
    """Send the form; if it leads to the review page, confirm it (the answer that seals)."""
    response = client.post(
        f"/tenders/{tender.url_reference}/bid?lang=en",
        data=bid_form(tender, **kwargs),
        content_type="multipart/form-data",
    )
    if response.status_code != 303 or not response.headers["Location"].endswith("/bid/review"):
        return response
    return confirm_bid(client, tender, idempotency_key)


def review_fields(client, tender) -> dict:
    """The hidden fields of the review page's confirmation form."""
    return confirmation_fields(client.get(f"/tenders/{tender.url_reference}/bid/review?lang=en").get_data(as_text=True))


def confirmation_fields(review_page: str) -> dict:
    """The hidden fields of the confirmation form in a review page's HTML."""
    return dict(re.findall(r'<input name="(reviewed|idempotency_key)" type="hidden" value="([^"]*)"', review_page))


def confirm_bid(client, tender, idempotency_key=None, fields=None):
    fields = dict(fields or review_fields(client, tender))
    if idempotency_key:
        fields["idempotency_key"] = idempotency_key
    return client.post(f"/tenders/{tender.url_reference}/bid/confirm?lang=en", data=fields)


def share_form(page: str) -> tuple[str, str] | None:
    """The share request on an opening page and the fingerprint of the key it is sealed to."""
    found = re.search(r'data-keyshare-request="([^"]*)"\s+data-keyshare-key="([^"]*)"', page)
    return (html.unescape(found[1]), found[2]) if found else None


def clear_share_for(client, tender) -> str:
    """What the member's browser posts: their share unsealed with their own key (the tests
    keep members' private keys in tests.factories.MEMBER_KEYS), or nothing when the page
    asks for none (a tender sealed under the KEK alone, or before the deadline)."""
    from tests.factories import MEMBER_KEYS

    found = share_form(client.get(f"/officer/tenders/{tender.id}/opening").get_data(as_text=True))
    if found is None:
        return ""
    request, fingerprint = found
    return json.dumps(messages.clear_share(MEMBER_KEYS[fingerprint], request))


def confirm_presence(client, tender, share=None):
    """One member's confirmation of presence at the opening session (with the declaration),
    handing in their share as their browser would (``share``: what to post instead)."""
    share = clear_share_for(client, tender) if share is None else share
    return client.post(f"/officer/tenders/{tender.id}/opening", data={"no_conflict": "y", "share": share})


def open_by_commission(login, tender):
    """The quorum of the tender's commission (its first members) confirms: the bids open."""
    members = [member.user for member in tender.commission.members][: tender.commission.quorum]
    responses = [confirm_presence(login(member), tender) for member in members]
    assert [response.status_code for response in responses] == [302] * len(members)
    return members
