"""A member's private key, encrypted under a passphrase, as a small JSON file the member
keeps. The browser writes and reads the same format (``static/js/keyshare/backup.js``).

PBKDF2-SHA256 (WebCrypto has no memory-hard function such as Argon2) with at least
600,000 iterations, as OWASP advises for PBKDF2-SHA256, then AES-256-GCM. The passphrase is
NFC-normalised before UTF-8 encoding, so an Arabic passphrase typed on another keyboard
gives the same key. The public key and the iteration count are authenticated with the
ciphertext, and the private key must give back that public key.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from safkat.errors import N_
from safkat.keyshare.errors import BackupError
from safkat.keyshare.sealing import public_bytes

FORMAT = "safkat-member-key"
VERSION = 1
ITERATIONS = 600_000
MAX_ITERATIONS = 10_000_000  # a forged file must not make the reader work for minutes
MIN_PASSPHRASE = 12


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _derive(passphrase: str, salt: bytes, iterations: int) -> bytes:
    secret = unicodedata.normalize("NFC", passphrase).encode()
    return PBKDF2HMAC(hashes.SHA256(), 32, salt, iterations).derive(secret)


def _associated_data(public_key_b64: str, iterations: int) -> bytes:
    return f"{FORMAT} v{VERSION}|{public_key_b64}|{iterations}".encode()


def make_backup(private_key: X25519PrivateKey, passphrase: str, iterations: int = ITERATIONS) -> str:
    """The backup file's text (JSON)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(N_("Choose a passphrase of at least 12 characters."))
    if not ITERATIONS <= iterations <= MAX_ITERATIONS:
        raise BackupError(N_("This backup's key derivation is too weak or too costly."))
    salt, nonce = os.urandom(16), os.urandom(12)
    public_key = _b64(public_bytes(private_key))
    cipher = AESGCM(_derive(passphrase, salt, iterations)).encrypt(
        nonce, private_key.private_bytes_raw(), _associated_data(public_key, iterations)
    )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "public_key": public_key,
        "kdf": {"name": "PBKDF2-SHA256", "iterations": iterations, "salt": _b64(salt)},
        "cipher": {"name": "AES-256-GCM", "nonce": _b64(nonce)},
        "ciphertext": _b64(cipher),
    }
    return json.dumps(document, indent=2) + "\n"


def _fields(text: str) -> tuple[str, int, bytes, bytes, bytes]:
    try:
        document = json.loads(text)
        if document["format"] != FORMAT or document["version"] != VERSION:
            raise BackupError(N_("This file is not a Safkat key backup."))
        iterations = document["kdf"]["iterations"]
        if document["kdf"]["name"] != "PBKDF2-SHA256" or document["cipher"]["name"] != "AES-256-GCM":
            raise ValueError
        if type(iterations) is not int or not ITERATIONS <= iterations <= MAX_ITERATIONS:
            raise BackupError(N_("This backup's key derivation is too weak or too costly."))
        salt, nonce = _unb64(document["kdf"]["salt"]), _unb64(document["cipher"]["nonce"])
        return document["public_key"], iterations, salt, nonce, _unb64(document["ciphertext"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise BackupError(N_("This file is not a Safkat key backup.")) from None


def backup_public_key(text: str) -> bytes:
    """The public key a backup declares (no passphrase needed)."""
    return _unb64(_fields(text)[0])


def read_backup(text: str, passphrase: str) -> X25519PrivateKey:
    """The member's private key; :class:`BackupError` for a wrong passphrase or a bad file."""
    public_key, iterations, salt, nonce, cipher = _fields(text)
    try:
        raw = AESGCM(_derive(passphrase, salt, iterations)).decrypt(
            nonce, cipher, _associated_data(public_key, iterations)
        )
        private_key = X25519PrivateKey.from_private_bytes(raw)
    except (InvalidTag, ValueError):
        raise BackupError(N_("Wrong passphrase, or the backup file was altered.")) from None
    if _b64(public_bytes(private_key)) != public_key:
        raise BackupError(N_("Wrong passphrase, or the backup file was altered."))
    return private_key
