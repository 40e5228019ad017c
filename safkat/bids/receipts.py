"""Signed receipts: canonical JSON signed with the platform's Ed25519 key."""

from __future__ import annotations

import json

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey


def canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sign_receipt(signing_key: SigningKey, payload: dict) -> tuple[str, str]:
    """``(canonical payload, hex signature)``."""
    text = canonical(payload)
    return text, signing_key.sign(text.encode()).signature.hex()


def receipt_document(payload: str, signature: str, verify_key: VerifyKey) -> dict:
    """The JSON a bidder downloads: the signed payload, the signature and the key used."""
    return {
        "payload": json.loads(payload),
        "signature": signature,
        "signing_key": verify_key.encode().hex(),
        "algorithm": "Ed25519 over the payload as canonical JSON (sorted keys, no spaces, UTF-8)",
    }


def verify_receipt(document: dict, verify_key: VerifyKey) -> bool:
    """Whether ``document`` (as downloaded) was signed by ``verify_key`` and not altered."""
    try:
        text = canonical(document["payload"])
        verify_key.verify(text.encode(), bytes.fromhex(document["signature"]))
    except (KeyError, TypeError, ValueError, BadSignatureError):
        return False
    return True
