"""Signed one-click unsubscribe links (no login needed, no expiry, nothing else they can do)."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

KINDS = ("subscription", "reminders")


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="safkat.unsubscribe")


def make_token(secret_key: str, user, kind: str) -> str:
    return _serializer(secret_key).dumps({"uid": user.id, "kind": kind})


def read_token(secret_key: str, token: str) -> tuple[int, str] | None:
    try:
        payload = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("kind") not in KINDS or not isinstance(payload.get("uid"), int):
        return None
    return payload["uid"], payload["kind"]
