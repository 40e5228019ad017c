"""``safkat backup``, ``safkat restore`` and ``safkat files orphans``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from safkat.db import get_database


def _progress(message: str) -> None:
    click.echo(message, err=True)


def _instance():
    extensions = current_app.extensions
    return get_database().engine, extensions["safkat.files"], extensions["safkat.keys"], extensions["safkat.clock"]


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path):
    """Write a consistent, checksummed archive of the database and the files (not the keys).

    PATH ending in .tar.gz or .tgz is compressed. The seal key must be backed up separately.
    """
    from safkat.bids.crypto import kek_check_value
    from safkat.ops import archive
    from safkat.ops.backup import backup

    engine, store, keys, clock = _instance()
    try:
        result = backup(engine, store, path, clock.now(), _progress)
    except archive.ArchiveError as error:
        raise click.ClickException(str(error)) from None
    tables = sum(1 for count in result.rows.values() if count)
    click.echo(
        f"Backup written to {result.path}: schema {result.revision}, {sum(result.rows.values())} rows in "
        f"{tables} tables, {result.files} files ({result.file_bytes} bytes), {result.audit_events} audit events."
    )
    for key in result.missing_files:
        click.echo(f"Note: the file {key} was deleted during the backup (a draft changed meanwhile).")
    seal_file = Path(current_app.instance_path) / "seal.key"
    click.echo(archive.KEK_WARNING.format(seal_file=seal_file, kek_check=kek_check_value(keys.kek)[:16]))


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--allow-damaged", is_flag=True, help="Restore even if the audit chain or a digest does not check out.")
@with_appcontext
def restore_command(path: Path, allow_damaged: bool):
    """Restore a backup into this empty instance, checking every checksum, the audit
    chain and every stored digest; all or nothing."""
    from safkat.ops.archive import ArchiveError
    from safkat.ops.restore import RestoreRefused, restore

    engine, store, keys, _clock = _instance()
    try:
        result = restore(path, engine, store, keys.kek, keys.verify_key, _progress, allow_damaged)
    except ArchiveError as error:
        raise click.ClickException(f"Archive refused, nothing was restored: {error}") from None
    except RestoreRefused as error:
        if error.report is not None:
            click.echo("\n".join(error.report.lines() + [f"  PROBLEM: {p}" for p in error.report.problems]))
        raise click.ClickException(str(error)) from None
    manifest = result.manifest
    click.echo(
        f"Restored the backup of {manifest['created_at']} (schema {manifest['schema_revision']}, from "
        f"{manifest['source_database']}): {result.rows} rows, {result.files} files."
    )
    for line in result.report.lines():
        click.echo(line)
    if not result.report.is_ok:
        for problem in result.report.problems:
            click.echo(f"  PROBLEM: {problem}")
        raise click.ClickException("Restored with --allow-damaged, but the content has the problems above.")
    click.echo("Every check passed. Run `safkat db upgrade` if this version's schema is newer than the backup's.")


@click.group("files")
def files_group():
    """The file store (uploads, sealed envelopes, issued documents)."""


@files_group.command("orphans")
@click.option("--delete", is_flag=True, help="Delete them (otherwise only list them).")
@click.option("--older-than-hours", default=24, show_default=True, help="Leave younger files alone.")
@with_appcontext
def orphans_command(delete: bool, older_than_hours: int):
    """Files that no row names: what a process killed mid-write leaves behind."""
    from safkat.ops.files import orphans

    engine, store, _keys, _clock = _instance()
    with engine.connect() as connection:  # file times are the machine's, not the application clock's
        found = orphans(connection, store, datetime.now(UTC) - timedelta(hours=older_than_hours))
    for path in found:
        click.echo(str(path))
        if delete:
            path.unlink(missing_ok=True)
    click.echo(f"{len(found)} orphan file(s){' deleted' if delete else ''}.")


COMMANDS = (backup_command, restore_command, files_group)
