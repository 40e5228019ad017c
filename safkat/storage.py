"""Storing uploaded files: streamed to disk with a size limit, typed by content, hashed;
ZIP files, and files of other types that also are ZIPs, are checked too (:mod:`safkat.zipcheck`).

File names given by users are never used as paths: each stored file gets a random key.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from safkat.errors import N_, DomainError

CHUNK = 64 * 1024

# Magic numbers of the types Safkat accepts, checked on the file's first bytes.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"PK\x03\x04", "application/zip"),  # also .docx, .xlsx, .odt: all ZIP containers
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # .doc, .xls
]


def sniff_content_type(head: bytes) -> str | None:
    """The type of a file judged by its first bytes, or ``None`` if not recognised."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


class UploadRejected(DomainError):
    """The uploaded file is too large, empty or of a type that is not accepted."""


@dataclass(frozen=True)
class StoredFile:
    storage_key: str
    size_bytes: int
    sha256: str
    content_type: str


class FileStore:
    """Files under one root folder, addressed by random keys."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path_for(self, storage_key: str) -> Path:
        if not storage_key.isalnum():
            raise ValueError("invalid storage key")
        return self.root / storage_key[:2] / storage_key

    def save(self, stream: BinaryIO, *, max_bytes: int, allowed_types: set[str]) -> StoredFile:
        """Copy ``stream`` into the store, refusing it as soon as it breaks a rule."""
        head = stream.read(CHUNK)
        if not head:
            raise UploadRejected(N_("The file is empty."))
        content_type = sniff_content_type(head)
        if content_type not in allowed_types:
            raise UploadRejected(N_("This type of file is not accepted."))
        from safkat.zipcheck import EocdScanner, check_archives, must_check

        key = secrets.token_hex(20)
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest, scanner = hashlib.sha256(), EocdScanner()
        size = 0
        temporary = path.with_suffix(".part")
        try:
            with open(temporary, "wb") as out:
                chunk = head
                while chunk:
                    size += len(chunk)
                    if size > max_bytes:
                        raise UploadRejected(
                            N_("The file is too large (at most %(limit)s MB)."),
                            limit=max_bytes // (1024 * 1024),
                        )
                    digest.update(chunk)
                    scanner.feed(chunk)
                    out.write(chunk)
                    chunk = stream.read(CHUNK)
                out.flush()
                os.fsync(out.fileno())
            if must_check(content_type, scanner):  # a ZIP, or a file that also is one
                with open(temporary, "rb") as archive:
                    check_archives(archive, content_type)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return StoredFile(key, size, digest.hexdigest(), content_type)

    @contextmanager
    def writer(self, durable: bool = True) -> Iterator[tuple[BinaryIO, str]]:
        """Write a new file (already checked or produced by the platform, e.g. ciphertext):
        yields ``(handle, storage_key)``; the file appears only if the block succeeds.

        ``durable=False`` skips the file's own fsync, for callers that write many files
        and then call :meth:`sync` once before committing the rows that name them."""
        key = secrets.token_hex(20)
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        try:
            with open(temporary, "wb") as out:
                yield out, key
                out.flush()
                if durable:
                    os.fsync(out.fileno())
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    @staticmethod
    def sync() -> None:
        """Flush every written file to disk: one call instead of one fsync per file."""
        os.sync()

    def open(self, storage_key: str) -> BinaryIO:
        return open(self.path_for(storage_key), "rb")

    def delete(self, storage_key: str) -> None:
        self.path_for(storage_key).unlink(missing_ok=True)
