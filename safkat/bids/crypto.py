"""The sealing primitives (libsodium through PyNaCl). Knows no Flask and no database.

- Each tender has an X25519 key pair; its private key is kept only wrapped (SecretBox,
  XSalsa20-Poly1305) under the platform key-encryption key (KEK).
- Each envelope is encrypted with a fresh 32-byte data key as an XChaCha20-Poly1305
  secretstream, in chunks, so a large file never sits whole in memory. The first message
  of the stream carries the envelope's metadata (file name, type), so names are sealed too.
- The data key is sealed to the tender's public key (``crypto_box_seal``). While the bid is
  a draft, it is wrapped instead under a key derived from the KEK, so the firm can come back
  to its draft; submitting re-wraps it for the tender.
"""

from __future__ import annotations

import hashlib
import json
import struct
from typing import BinaryIO

import nacl.bindings as sodium
from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox
from nacl.utils import random

from safkat.errors import N_, DomainError

CHUNK = 64 * 1024
KEY_BYTES = 32
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
_LENGTH = struct.Struct(">I")


class SealError(DomainError):
    """A ciphertext does not decrypt: it was altered, truncated, or the key is wrong."""


def new_data_key() -> bytes:
    return random(KEY_BYTES)


def derive_key(kek: bytes, purpose: bytes) -> bytes:
    """A sub-key of the KEK for one purpose (BLAKE2b keyed hash, personalised)."""
    return blake2b(b"", key=kek, person=purpose.ljust(16, b"\0")[:16], digest_size=KEY_BYTES, encoder=RawEncoder)


def kek_check_value(kek: bytes) -> str:
    """What the database remembers of the KEK, to refuse a wrong one at start-up."""
    return derive_key(kek, b"safkat-kek-check").hex()


# --- tender key pairs ----------------------------------------------------------------------


def public_key_fingerprint(public_key: bytes) -> str:
    """SHA-256 of the public key in groups of four hex digits, for reading aloud."""
    digest = hashlib.sha256(public_key).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def new_tender_keypair(kek: bytes) -> tuple[bytes, bytes]:
    """``(public_key, wrapped_private_key)``; the clear private key never leaves this call."""
    private = PrivateKey.generate()
    wrapped = SecretBox(derive_key(kek, b"safkat-tenderkey")).encrypt(bytes(private))
    return bytes(private.public_key), bytes(wrapped)


def unwrap_tender_private_key(kek: bytes, wrapped: bytes) -> PrivateKey:
    """A legacy tender's private key. Called only by :func:`safkat.commission.keys.tender_private_key`."""
    try:
        return PrivateKey(SecretBox(derive_key(kek, b"safkat-tenderkey")).decrypt(wrapped))
    except CryptoError:
        raise SealError(N_("The tender's key cannot be unwrapped: wrong platform key.")) from None


def seal_data_key(public_key: bytes, data_key: bytes) -> bytes:
    return SealedBox(PublicKey(public_key)).encrypt(data_key)


def open_data_key(private_key: PrivateKey, sealed: bytes) -> bytes:
    try:
        return SealedBox(private_key).decrypt(sealed)
    except CryptoError:
        raise SealError(N_("An envelope's key does not open: it was altered.")) from None


def wrap_draft_key(kek: bytes, data_key: bytes) -> bytes:
    return bytes(SecretBox(derive_key(kek, b"safkat-drafts")).encrypt(data_key))


def unwrap_draft_key(kek: bytes, wrapped: bytes) -> bytes:
    try:
        return SecretBox(derive_key(kek, b"safkat-drafts")).decrypt(wrapped)
    except CryptoError:
        raise SealError(N_("The draft cannot be read: it was altered.")) from None


# --- envelopes ------------------------------------------------------------------------------


class _DigestingWriter:
    def __init__(self, out: BinaryIO):
        self.out, self.size, self.sha256 = out, 0, hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.sha256.update(data)
        self.size += len(data)


def encrypt_envelope(source: BinaryIO, out: BinaryIO, data_key: bytes, metadata: dict) -> tuple[int, str, int]:
    """Encrypt ``source`` into ``out`` as a secretstream; returns (ciphertext size, its
    SHA-256, plaintext size). The metadata travel sealed in the first message."""
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, data_key)
    writer = _DigestingWriter(out)
    writer.write(header)

    def push(message: bytes, tag: int) -> None:
        cipher = sodium.crypto_secretstream_xchacha20poly1305_push(state, message, None, tag)
        writer.write(_LENGTH.pack(len(cipher)) + cipher)

    push(json.dumps(metadata, ensure_ascii=False).encode(), _TAG_MESSAGE)
    plain_size = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK) if chunk else b""
        plain_size += len(chunk)
        push(chunk, _TAG_FINAL if not following else _TAG_MESSAGE)
        if not following:
            break
        chunk = following
    return writer.size, writer.sha256.hexdigest(), plain_size


def decrypt_envelope(source: BinaryIO, out: BinaryIO | None, data_key: bytes) -> dict:
    """Decrypt an envelope into ``out`` (or only check it when ``out`` is None) and return
    its metadata. Raises :class:`SealError` if anything was altered, cut or appended."""
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = source.read(sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES)
    try:
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, header, data_key)
        metadata = None
        while True:
            length = source.read(_LENGTH.size)
            if len(length) != _LENGTH.size:
                raise SealError(N_("An envelope is truncated."))
            cipher = source.read(_LENGTH.unpack(length)[0])
            message, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, cipher, None)
            if metadata is None:
                metadata = json.loads(message)
                continue
            if out is not None:
                out.write(message)
            if tag == _TAG_FINAL:
                break
    except (CryptoError, ValueError, struct.error):
        raise SealError(N_("An envelope does not decrypt: it was altered.")) from None
    if source.read(1):
        raise SealError(N_("An envelope has data after its end: it was altered."))
    return metadata


def bid_digest(envelope_digests: list[tuple[str, str]]) -> str:
    """The digest a receipt carries: SHA-256 over each envelope's (kind, ciphertext SHA-256)
    in order, so any change to any sealed byte, or to the set of envelopes, shows."""
    canonical = json.dumps(sorted(envelope_digests), separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- chunks of a resumable upload -------------------------------------------------------------

_NONCE = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES


def seal_chunk(data_key: bytes, token: str, index: int, plaintext: bytes) -> bytes:
    """One length-prefixed record; the token and index are authenticated, so chunks cannot
    be reordered or moved between uploads."""
    nonce = random(_NONCE)
    cipher = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, f"{token}:{index}".encode(), nonce, data_key)
    return _LENGTH.pack(len(nonce) + len(cipher)) + nonce + cipher


def open_chunks(source: BinaryIO, data_key: bytes, token: str):
    """Yield the plaintext of each record of an upload, in order."""
    index = 0
    while True:
        length = source.read(_LENGTH.size)
        if not length:
            return
        record = source.read(_LENGTH.unpack(length)[0])
        try:
            yield sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
                record[_NONCE:], f"{token}:{index}".encode(), record[:_NONCE], data_key
            )
        except (CryptoError, ValueError):
            raise SealError(N_("An uploaded chunk was altered.")) from None
        index += 1


def seal_small(kek: bytes, value: dict) -> bytes:
    return bytes(SecretBox(derive_key(kek, b"safkat-drafts")).encrypt(json.dumps(value).encode()))


def open_small(kek: bytes, sealed: bytes) -> dict:
    try:
        return json.loads(SecretBox(derive_key(kek, b"safkat-drafts")).decrypt(sealed))
    except CryptoError:
        raise SealError(N_("The draft cannot be read: it was altered.")) from None
