"""A message sealed to one X25519 public key, in the manner of HPKE's base mode, built
from primitives WebCrypto has (X25519, HKDF-SHA256, AES-256-GCM) so a browser opens it.

    sealed = 0x01 || ephemeral public key (32) || nonce (12) || AES-256-GCM(key, nonce, m, aad)
    key    = HKDF-SHA256(ikm = X25519(ephemeral, recipient), salt = ephemeral || recipient,
                         info = "safkat seal v1", 32 bytes)

The associated data names what the message is for (tender, epoch, member, index): a
sealed share moved to another tender, member or commission does not open.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from safkat.errors import N_
from safkat.keyshare.errors import KeyShareError

VERSION = b"\x01"
KEY_BYTES = 32
NONCE_BYTES = 12
_INFO = b"safkat seal v1"


def public_bytes(private_key: X25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def load_public_key(public_key: bytes) -> X25519PublicKey:
    if len(public_key) != KEY_BYTES:
        raise KeyShareError(N_("A member's public key is not a valid key."))
    return X25519PublicKey.from_public_bytes(public_key)


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(hashes.SHA256(), KEY_BYTES, salt=ephemeral + recipient, info=_INFO).derive(shared)


def _exchange(private_key: X25519PrivateKey, public_key: X25519PublicKey) -> bytes:
    try:
        return private_key.exchange(public_key)
    except ValueError:  # a low-order point: the shared secret would be all zeros
        raise KeyShareError(N_("A member's public key is not a valid key.")) from None


def seal(recipient_public_key: bytes, message: bytes, associated_data: bytes) -> bytes:
    recipient = load_public_key(recipient_public_key)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = public_bytes(ephemeral)
    key = _key(_exchange(ephemeral, recipient), ephemeral_public, recipient_public_key)
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + ephemeral_public + nonce + AESGCM(key).encrypt(nonce, message, associated_data)


def open_sealed(private_key: X25519PrivateKey, sealed: bytes, associated_data: bytes) -> bytes:
    """The message; :class:`KeyShareError` if it is not for this key and this purpose."""
    header = 1 + KEY_BYTES + NONCE_BYTES
    if len(sealed) < header + 16 or sealed[:1] != VERSION:
        raise KeyShareError(N_("This message is not one Safkat understands."))
    ephemeral_public, nonce = sealed[1 : 1 + KEY_BYTES], sealed[1 + KEY_BYTES : header]
    key = _key(_exchange(private_key, load_public_key(ephemeral_public)), ephemeral_public, public_bytes(private_key))
    try:
        return AESGCM(key).decrypt(nonce, sealed[header:], associated_data)
    except InvalidTag:
        raise KeyShareError(N_("This sealed share does not open with this key, or is not for this tender.")) from None
