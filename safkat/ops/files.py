"""The files of the store that rows point at, and the leftovers no row points at.

Every file is written before the row that names it is committed (storage.FileStore), so a
process killed in between leaves a file that no row names: never a row without its file.
:func:`orphans` finds those leftovers (and the ``.part`` files of interrupted writes) so
that ``safkat files orphans --delete`` can remove them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection

from safkat.storage import FileStore


@dataclass(frozen=True)
class FileReference:
    """A column holding storage keys, and the column holding the SHA-256 of those files."""

    table: str
    key_column: str
    digest_column: str | None
    must_exist: str = "1 = 1"  # SQL: the rows whose file must be in the store


FILE_REFERENCES = (
    FileReference("tender_documents", "storage_key", "sha256"),
    FileReference("enterprise_documents", "storage_key", "sha256"),
    FileReference("envelopes", "storage_key", "ciphertext_sha256"),
    FileReference("opened_documents", "storage_key", "sha256"),
    FileReference("issued_documents", "storage_key", "sha256"),
    FileReference("complaints", "document_key", "document_sha256"),
    FileReference("contract_invoices", "document_key", "document_sha256"),
    FileReference("supplied_documents", "storage_key", "sha256"),  # missing documents, on request
    # Encrypted chunks still arriving: the file appears with the first chunk, goes at the end.
    FileReference("bid_uploads", "storage_key", None, "completed_at IS NULL AND stored_bytes > 0"),
)


def stored_files(store: FileStore) -> Iterator[tuple[str, Path]]:
    """``(storage key, path)`` of every complete file of the store, in a stable order."""
    if not store.root.is_dir():
        return
    for folder in sorted(store.root.iterdir()):
        if not folder.is_dir() or len(folder.name) != 2:
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name.isalnum() and path.name.startswith(folder.name):
                yield path.name, path


def referenced_keys(connection: Connection) -> set[str]:
    """Every storage key some row names."""
    keys: set[str] = set()
    for ref in FILE_REFERENCES:
        query = f"SELECT {ref.key_column} FROM {ref.table} WHERE {ref.key_column} IS NOT NULL"  # noqa: S608
        keys.update(connection.execute(text(query)).scalars())
    return keys


def orphans(connection: Connection, store: FileStore, written_before: datetime) -> list[Path]:
    """Files no row names and ``.part`` files, last written before ``written_before``.

    The age limit keeps the files of requests still running (their rows are not committed
    yet) out of the list.
    """
    limit = written_before.timestamp()
    named = referenced_keys(connection)
    found = [path for key, path in stored_files(store) if key not in named and path.stat().st_mtime < limit]
    if store.root.is_dir():
        found += [p for p in store.root.glob("*/*.part") if p.is_file() and p.stat().st_mtime < limit]
    return sorted(found)
