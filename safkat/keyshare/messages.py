"""The JSON messages between the server and a member's tool (browser or command line).

Server → member: a *share request* (the member's sealed share, to unseal and hand in),
a *reshare request* (an old member re-shares to a new commission) and a *combine request*
(a new member combines what the old members sent). Member → server: a *clear share*, a
*reshare reply* and a *combine reply*. Binary values are standard base64; field elements
are 64 hex digits. The browser builds the same objects (``static/js/keyshare/member.js``).
"""

from __future__ import annotations

import base64
import binascii
import json

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from safkat.errors import N_
from safkat.keyshare import shamir, tenderkey
from safkat.keyshare.errors import KeyShareError
from safkat.keyshare.shamir import Share
from safkat.keyshare.tenderkey import Recipient

SEALED_ELEMENT_BYTES = 1 + 32 + 12 + shamir.ELEMENT_BYTES + 16  # version, ephemeral key, nonce, value, tag


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise KeyShareError(N_("This message is not one Safkat understands.")) from None


def _load(text: str | dict) -> dict:
    try:
        message = json.loads(text) if isinstance(text, str | bytes) else text
    except ValueError:
        message = None
    if not isinstance(message, dict):
        raise KeyShareError(N_("This message is not one Safkat understands."))
    return message


def _int(message: dict, name: str) -> int:
    value = message.get(name)
    if type(value) is not int or value < 0:
        raise KeyShareError(N_("This message is not one Safkat understands."))
    return value


def _ids(message: dict) -> tuple[int, int, int, int]:
    return tuple(_int(message, name) for name in ("tender", "epoch", "member", "index"))


def share_request(tender_id: int, epoch: int, record: tenderkey.SealedShare) -> dict:
    return {
        "tender": tender_id,
        "epoch": epoch,
        "member": record.member_id,
        "index": record.index,
        "sealed": b64(record.sealed),
    }


def clear_share(private_key: X25519PrivateKey, request: str | dict) -> dict:
    """Member side: unseal the share of a share request."""
    message = _load(request)
    tender_id, epoch, member_id, index = _ids(message)
    share = _share_of(private_key, message)
    return {"tender": tender_id, "epoch": epoch, "member": member_id, "index": index, "value": f"{share.value:064x}"}


def parse_clear_share(text: str | dict) -> tuple[int, int, int, Share]:
    """Server side: ``(tender, epoch, member, share)`` of a clear share, not yet verified
    (:func:`safkat.keyshare.tenderkey.verify_share` does that against the record)."""
    message = _load(text)
    tender_id, epoch, member_id, index = _ids(message)
    value = message.get("value")
    if not isinstance(value, str) or len(value) != 64:
        raise KeyShareError(N_("This message is not one Safkat understands."))
    try:
        return tender_id, epoch, member_id, Share(index, shamir.from_bytes(bytes.fromhex(value)))
    except ValueError:
        raise KeyShareError(N_("This message is not one Safkat understands.")) from None


def reshare_request(
    tender_id: int,
    epoch: int,
    record: tenderkey.SealedShare,
    new_epoch: int,
    senders: list[int],
    threshold: int,
    recipients: list[Recipient],
) -> dict:
    return share_request(tender_id, epoch, record) | {
        "new_epoch": new_epoch,
        "senders": sorted(senders),
        "threshold": threshold,
        "recipients": [{"member": r.member_id, "index": r.index, "public_key": b64(r.public_key)} for r in recipients],
    }


def reshare_reply(private_key: X25519PrivateKey, request: str | dict) -> dict:
    """Old member side: unseal its share and split it again for the new commission."""
    message = _load(request)
    share = _share_of(private_key, message)
    senders, recipients = message.get("senders"), message.get("recipients")
    if not isinstance(senders, list) or not isinstance(recipients, list) or not all(type(i) is int for i in senders):
        raise KeyShareError(N_("This message is not one Safkat understands."))
    parsed = [
        Recipient(_int(r, "member"), _int(r, "index"), unb64(r.get("public_key"))) for r in map(_load, recipients)
    ]
    new_epoch = _int(message, "new_epoch")
    sealed = tenderkey.reshare_share(message["tender"], new_epoch, share, senders, parsed, _int(message, "threshold"))
    return {
        "tender": message["tender"],
        "new_epoch": new_epoch,
        "from": share.index,
        "subshares": {str(member): b64(blob) for member, blob in sealed.items()},
    }


def parse_reshare_reply(text: str | dict, tender_id: int, new_epoch: int, recipients: list[int]) -> dict:
    """Server side: an old member's reply, checked to be for this tender and redistribution
    and to hold one sealed piece for each new member (``recipients``: their member ids)."""
    message = _load(text)
    subshares = message.get("subshares")
    well_formed = (
        message.get("tender") == tender_id
        and message.get("new_epoch") == new_epoch
        and type(message.get("from")) is int
        and isinstance(subshares, dict)
        and set(subshares) == {str(member) for member in recipients}
        and all(len(unb64(blob)) == SEALED_ELEMENT_BYTES for blob in subshares.values())
    )
    if not well_formed:
        raise KeyShareError(N_("This message is not one Safkat understands."))
    return message


def _share_of(private_key: X25519PrivateKey, message: dict) -> Share:
    tender_id, epoch, member_id, index = _ids(message)
    return tenderkey.unseal_share(private_key, tender_id, epoch, member_id, index, unb64(message.get("sealed")))


def combine_request(tender_id: int, new_epoch: int, member_id: int, index: int, replies: list[dict]) -> dict:
    """What a new member receives: from each old member's reply (checked by
    :func:`parse_reshare_reply`), the sub-share for it."""
    subshares = {str(reply["from"]): reply["subshares"][str(member_id)] for reply in replies}
    return {"tender": tender_id, "epoch": new_epoch, "member": member_id, "index": index, "subshares": subshares}


def combine_reply(private_key: X25519PrivateKey, request: str | dict) -> dict:
    """New member side: its new share, sealed to itself, with the commitment the server keeps."""
    message = _load(request)
    tender_id, epoch, member_id, index = _ids(message)
    subshares = message.get("subshares")
    if not isinstance(subshares, dict) or not all(key.isdigit() for key in subshares):
        raise KeyShareError(N_("This message is not one Safkat understands."))
    sealed = {int(sender): unb64(blob) for sender, blob in subshares.items()}
    record = tenderkey.combine_sealed_subshares(private_key, tender_id, epoch, member_id, index, sealed)
    return {
        "tender": tender_id,
        "epoch": epoch,
        "member": member_id,
        "index": index,
        "sealed": b64(record.sealed),
        "commitment": record.commitment,
    }


def parse_combine_reply(text: str | dict) -> tuple[int, int, tenderkey.SealedShare]:
    """Server side: ``(tender, epoch, record)`` to store for the new member."""
    message = _load(text)
    tender_id, epoch, member_id, index = _ids(message)
    commitment = message.get("commitment")
    if not isinstance(commitment, str) or len(commitment) != 64:
        raise KeyShareError(N_("This message is not one Safkat understands."))
    return tender_id, epoch, tenderkey.SealedShare(member_id, index, unb64(message.get("sealed")), commitment)
