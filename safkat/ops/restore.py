"""``safkat restore``: an archive of ``safkat backup`` into an empty instance, all or nothing.

1. The target must be empty: no row beyond what ``safkat db upgrade`` and the first start
   write, an empty uploads folder, and the seal key the backup was made with.
2. Every member is read once, checked against the manifest's SHA-256 and staged beside
   the uploads folder; one damaged, missing or unexpected member refuses the archive.
3. The tables are loaded in one transaction; before it commits, the audit chain and
   every digest are checked (safkat.ops.verify) on the loaded rows and staged files.
4. The files are moved into place, then the transaction commits. Any failure before that
   rolls everything back and removes the staged files: nothing is half-restored.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tarfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nacl.signing import VerifyKey
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from safkat import migrate
from safkat.bids.crypto import kek_check_value
from safkat.ops import archive, tables
from safkat.ops.backup import schema_revision
from safkat.ops.verify import ContentReport, verify_content
from safkat.storage import FileStore

MAX_MANIFEST_BYTES = 512 * 1024 * 1024
SEEDED = tables.SEEDED_TABLES


class RestoreRefused(Exception):
    """The restore was refused; nothing was changed. ``report`` says what the checks found."""

    def __init__(self, message: str, report: ContentReport | None = None):
        super().__init__(message)
        self.report = report


@dataclass
class RestoreResult:
    manifest: dict
    rows: int
    files: int
    report: ContentReport


def restore(
    source: Path,
    engine: Engine,
    store: FileStore,
    kek: bytes,
    verify_key: VerifyKey | None,
    echo: Callable[[str], None],
    allow_damaged: bool = False,
) -> RestoreResult:
    """Restore ``source`` into the empty instance (``engine``, ``store``)."""
    _check_store_is_empty(store)
    with engine.connect() as connection:
        migrated = _check_database_is_empty(connection)
    store.root.parent.mkdir(parents=True, exist_ok=True)
    staging = store.root.parent / f".{store.root.name}.restore-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        echo("Checking every member of the archive…")
        manifest = read_archive(Path(source), staging, echo)
        if manifest.get("kek_check") and manifest["kek_check"] != kek_check_value(kek):
            raise RestoreRefused(
                "This instance's seal key is not the one the backup was made with: set SAFKAT_SEAL_KEY "
                "(or instance/seal.key) to the key kept with the backups, then restore again."
            )
        if not migrated:
            for revision in manifest["schema_revision"].split(","):
                migrate.upgrade(engine, revision)
        with engine.connect() as connection:
            return _load(connection, manifest, staging, store, verify_key, echo, allow_damaged)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_store_is_empty(store: FileStore) -> None:
    if store.root.is_dir() and any(store.root.iterdir()):
        raise RestoreRefused(f"The uploads folder {store.root} is not empty: restore only into an empty instance.")


def _check_database_is_empty(connection: Connection) -> bool:
    """Refuse a database with data; return whether its schema exists."""
    existing = set(inspect(connection).get_table_names())
    if not existing - {"alembic_version"}:
        return False
    for table in tables.ordered_tables():
        if table.name not in SEEDED and table.name in existing and tables.row_count(connection, table):
            raise RestoreRefused(
                f"The database is not empty (table {table.name} has rows): restore only into an empty database."
            )
    head = connection.execute(text("SELECT last_seq FROM audit_head WHERE id = 1")).scalar()
    if head:
        raise RestoreRefused("The database is not empty (its audit chain has events): restore only into an empty one.")
    return True


def read_archive(source: Path, staging: Path, echo: Callable[[str], None]) -> dict:
    """Stage every member under ``staging`` and check it against the manifest; return it."""
    seen: dict[str, dict] = {}
    manifest = None
    try:
        with tarfile.open(source, archive.tar_mode(source, False)) as tar:
            for member in tar:
                kind, _name = archive.parse_member(member.name)
                if not member.isfile() or member.name in seen or (kind == "manifest" and manifest is not None):
                    raise archive.ArchiveError(f"{member.name}: not a plain file, or present twice")
                stream = tar.extractfile(member)
                if kind == "manifest":
                    manifest = _parse_manifest(stream.read(MAX_MANIFEST_BYTES))
                    continue
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as out:
                    hashing = archive.Hashing(out)
                    shutil.copyfileobj(stream, hashing)
                seen[member.name] = hashing.digest
                if len(seen) % 1000 == 0:
                    echo(f"  {len(seen)} members checked")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise archive.ArchiveError(f"the archive is damaged or truncated ({error})") from None
    if manifest is None:
        raise archive.ArchiveError("the archive has no manifest.json: not a complete Safkat backup")
    expected = manifest["members"]
    damaged = sorted(name for name in seen.keys() & expected.keys() if seen[name] != expected[name])
    missing, extra = sorted(expected.keys() - seen.keys()), sorted(seen.keys() - expected.keys())
    for label, names in (("damaged (checksum differs)", damaged), ("missing", missing), ("not in the manifest", extra)):
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            raise archive.ArchiveError(f"member(s) {label}: {shown}")
    echo(f"  {len(seen)} members checked: every checksum matches.")
    return manifest


def _parse_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
    except ValueError:
        raise archive.ArchiveError("manifest.json is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != archive.FORMAT:
        raise archive.ArchiveError("not a Safkat backup")
    if manifest.get("format_version") != archive.FORMAT_VERSION:
        raise archive.ArchiveError(f"backup format version {manifest.get('format_version')} is not supported")
    if not {"members", "tables", "schema_revision", "audit", "files"} <= manifest.keys():
        raise archive.ArchiveError("manifest.json is incomplete")
    return manifest


def _load(connection, manifest, staging: Path, store: FileStore, verify_key, echo, allow_damaged) -> RestoreResult:
    ordered = tables.ordered_tables()
    if set(manifest["tables"]) != {table.name for table in ordered}:
        raise RestoreRefused(
            "The backup's tables are not this version's: restore with the Safkat version that made it."
        )
    transaction = connection.begin()
    try:
        _load_tables(connection, manifest, ordered, staging, echo)
        echo("Checking the audit chain, every stored digest and every receipt…")
        report = verify_content(connection, FileStore(staging / "files"), verify_key, echo, manifest["audit"])
        if not report.is_ok and not allow_damaged:
            raise RestoreRefused("The backup's content does not check out: nothing was restored.", report)
        moved = _move_files(staging / "files", store.root)
        try:
            transaction.commit()
        except BaseException:
            _move_back(moved)
            raise
    finally:
        if transaction.is_active:
            transaction.rollback()
    return RestoreResult(manifest, sum(manifest["tables"].values()), manifest["files"]["count"], report)


def _load_tables(connection: Connection, manifest: dict, ordered, staging: Path, echo) -> None:
    if schema_revision(connection) != manifest["schema_revision"]:
        raise RestoreRefused(
            f"The database is at schema revision {schema_revision(connection) or 'none'}, the backup at "
            f"{manifest['schema_revision']}: restore into an empty database (it is migrated to the backup's "
            "revision), then run `safkat db upgrade`."
        )
    _check_database_is_empty(connection)
    for table in reversed(ordered):
        if table.name in SEEDED:
            connection.execute(table.delete())
    progress = archive.Progress(echo, "tables loaded", len(ordered))
    for table in ordered:
        with open(staging / archive.table_member(table.name), "rb") as lines:
            count = tables.import_rows(connection, table, lines)
        if count != manifest["tables"][table.name]:
            raise archive.ArchiveError(
                f"{table.name}: {count} rows, the manifest says {manifest['tables'][table.name]}"
            )
        progress.advance()
    tables.after_load(connection)


def _move_files(source: Path, destination: Path) -> list[tuple[Path, Path]]:
    """Move the staged folders into the (empty) uploads folder; return what moved where."""
    destination.mkdir(parents=True, exist_ok=True)
    moved = []
    if source.is_dir():
        for folder in sorted(source.iterdir()):
            target = destination / folder.name
            os.replace(folder, target)
            moved.append((folder, target))
    return moved


def _move_back(moved: list[tuple[Path, Path]]) -> None:
    for original, target in reversed(moved):
        os.replace(target, original)
