"""The backup archive's layout, shared by backup and restore.

A tar file (gzip-compressed when its name ends in ``.gz`` or ``.tgz``)::

    db/<table>.jsonl       one per table (safkat.ops.tables)
    files/<ab>/<key>       every file of the store: uploads, sealed envelopes, issued PDFs
    manifest.json          written last: format, schema revision, row counts, the audit
                           chain's head, and the SHA-256 and size of every other member
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

FORMAT = "safkat-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NOT_INCLUDED = [
    "the key-encryption key that seals bids (SAFKAT_SEAL_KEY or instance/seal.key)",
    "the receipt-signing key (SAFKAT_SIGNING_KEY or instance/signing.key)",
    "the PDF signing certificate and its key (SAFKAT_DOCUMENT_P12 or instance/document-signing.pem)",
    "the session secret (SAFKAT_SECRET_KEY or instance/secret_key): people log in again after a restore",
]
KEK_WARNING = """\
==============================================================================
WARNING: this backup does NOT contain the key-encryption key (the seal key),
nor the signing keys. Without the seal key, no sealed bid in it can ever be
opened. Back the key up separately from the backups, on another medium, kept
by other people: SAFKAT_SEAL_KEY in your secret store, or the file
{seal_file} (mode 0600). A restore needs the seal key whose check value is
{kek_check}.
See docs/deploy.md, "Backup and restore".
=============================================================================="""

_TABLE_MEMBER = re.compile(r"db/([a-z_]+)\.jsonl")
_FILE_MEMBER = re.compile(r"files/([0-9a-f]{2})/([0-9a-zA-Z]+)")


class ArchiveError(Exception):
    """The archive cannot be used: damaged, incomplete or not a Safkat backup."""


def table_member(table: str) -> str:
    return f"db/{table}.jsonl"


def file_member(storage_key: str) -> str:
    return f"files/{storage_key[:2]}/{storage_key}"


def parse_member(name: str) -> tuple[str, str]:
    """``("table", name)``, ``("file", key)`` or ``("manifest", "")``; refuses anything else
    (absolute paths, ``..``, links are never written by a restore)."""
    if name == MANIFEST:
        return "manifest", ""
    if match := _TABLE_MEMBER.fullmatch(name):
        return "table", match.group(1)
    if (match := _FILE_MEMBER.fullmatch(name)) and match.group(2).startswith(match.group(1)):
        return "file", match.group(2)
    raise ArchiveError(f"unexpected member {name!r}: not a Safkat backup")


def tar_mode(path: Path, writing: bool) -> str:
    if writing:
        return "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"
    return "r:*"


class Hashing:
    """A reader (or writer) that computes the SHA-256 and size of what passes through."""

    def __init__(self, stream: BinaryIO):
        self.stream, self.sha256, self.size = stream, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.stream.write(data)

    @property
    def digest(self) -> dict:
        return {"sha256": self.sha256.hexdigest(), "size": self.size}


class Progress:
    """Says how far a long step got, every tenth of the way (and at the end)."""

    def __init__(self, echo: Callable[[str], None], label: str, total: int):
        self.echo, self.label, self.total, self.done, self._shown = echo, label, total, 0, -1

    def advance(self, step: int = 1) -> None:
        self.done += step
        tenth = self.done * 10 // self.total if self.total else 10
        if tenth > self._shown:
            self._shown = tenth
            self.echo(f"  {self.label}: {self.done}/{self.total}")
