"""``safkat backup``: a consistent, checksummed archive of an instance (safkat.ops.archive).

The database is read in one consistent snapshot: on PostgreSQL one REPEATABLE READ,
read-only transaction; on SQLite a copy made with SQLite's online backup API, read
afterwards. Files of the store are written once and never changed, so copying them after
the snapshot gives every file the snapshot names (except a draft's document replaced
in between: the manifest lists any such missing file). The keys are never included.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from safkat.db import make_engine
from safkat.ops import archive, tables
from safkat.ops.files import referenced_keys, stored_files
from safkat.storage import FileStore


@dataclass
class BackupResult:
    path: Path
    revision: str
    rows: dict[str, int]
    files: int
    file_bytes: int
    audit_events: int
    kek_check: str | None
    audit_last_hash: str | None = None
    missing_files: list[str] = field(default_factory=list)


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection that sees the whole database as it was at one instant."""
    if engine.dialect.name == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        with engine.connect().execution_options(**options) as connection, connection.begin():
            yield connection
        return
    if engine.dialect.name != "sqlite":
        raise RuntimeError(f"backups of {engine.dialect.name} databases are not supported")
    with tempfile.TemporaryDirectory(prefix="safkat-snapshot-") as folder:
        copy_path = Path(folder) / "snapshot.db"
        source = engine.raw_connection()
        try:
            with sqlite3.connect(copy_path) as copy:
                source.driver_connection.backup(copy)
            copy.close()
        finally:
            source.close()
        copy_engine = make_engine(f"sqlite:///{copy_path}")
        try:
            with copy_engine.connect() as connection, connection.begin():
                yield connection
        finally:
            copy_engine.dispose()


def schema_revision(connection: Connection) -> str:
    return ",".join(sorted(MigrationContext.configure(connection).get_current_heads()))


def _add_stream(tar: tarfile.TarFile, name: str, stream, size: int, mtime: float) -> dict:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(mtime)
    hashing = archive.Hashing(stream)
    tar.addfile(info, hashing)
    if hashing.size != size:
        raise archive.ArchiveError(f"{name} changed while it was being copied")
    return hashing.digest


def backup(
    engine: Engine, store: FileStore, destination: Path, now: datetime, echo: Callable[[str], None]
) -> BackupResult:
    """Write the archive to ``destination`` (refused if it exists); ``echo`` shows progress."""
    destination = Path(destination)
    if destination.exists():
        raise archive.ArchiveError(f"{destination} already exists: choose a new file name")
    partial = destination.with_name(destination.name + ".part")
    members: dict[str, dict] = {}
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds personal data
    try:
        with os.fdopen(fd, "wb") as out:
            with tarfile.open(fileobj=out, mode=archive.tar_mode(destination, True)) as tar:
                with snapshot(engine) as connection, tempfile.TemporaryDirectory(prefix="safkat-backup-") as work:
                    result = _write_database(connection, tar, Path(work), destination, now, members, echo)
                    named = referenced_keys(connection)
                written = _write_files(store, tar, now, members, result, echo)
                result.missing_files = sorted(named - written)
                data = json.dumps(_manifest(result, engine.dialect.name, now, members), indent=1, sort_keys=True)
                info = tarfile.TarInfo(archive.MANIFEST)
                info.size, info.mode, info.mtime = len(data.encode()), 0o600, int(now.timestamp())
                tar.addfile(info, io.BytesIO(data.encode()))
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return result


def _write_database(connection, tar, work: Path, destination, now, members, echo) -> BackupResult:
    ordered = tables.ordered_tables()
    progress = archive.Progress(echo, "database tables", len(ordered))
    rows: dict[str, int] = {}
    for table in ordered:
        path = work / f"{table.name}.jsonl"
        count = 0
        with open(path, "w", encoding="utf-8") as handle:
            for line in tables.export_rows(connection, table):
                handle.write(line + "\n")
                count += 1
        rows[table.name] = count
        name = archive.table_member(table.name)
        with open(path, "rb") as handle:
            members[name] = _add_stream(tar, name, handle, path.stat().st_size, now.timestamp())
        path.unlink()
        progress.advance()
    head = connection.execute(text("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")).first()
    kek = connection.execute(text("SELECT value FROM key_checks WHERE name = 'kek'")).scalar()
    return BackupResult(
        path=destination,
        revision=schema_revision(connection),
        rows=rows,
        files=0,
        file_bytes=0,
        audit_events=head.last_seq if head else 0,
        kek_check=kek,
        audit_last_hash=head.last_hash if head else None,
    )


def _write_files(store: FileStore, tar, now, members, result: BackupResult, echo) -> set[str]:
    files = list(stored_files(store))
    progress = archive.Progress(echo, "files", len(files))
    for key, path in files:
        name = archive.file_member(key)
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            members[name] = _add_stream(tar, name, handle, stat.st_size, stat.st_mtime)
        result.files += 1
        result.file_bytes += stat.st_size
        progress.advance()
    return {key for key, _ in files}


def _manifest(result: BackupResult, dialect: str, now: datetime, members: dict) -> dict:
    return {
        "format": archive.FORMAT,
        "format_version": archive.FORMAT_VERSION,
        "created_at": now.isoformat(),
        "source_database": dialect,
        "schema_revision": result.revision,
        "tables": result.rows,
        "files": {"count": result.files, "bytes": result.file_bytes, "missing": result.missing_files},
        "audit": {"events": result.audit_events, "last_hash": result.audit_last_hash},
        "kek_check": result.kek_check,
        "not_included": archive.NOT_INCLUDED,
        "members": members,
    }
