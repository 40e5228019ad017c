"""`safkat backup` and `safkat restore`: a round trip gives the same data, a damaged archive
is refused whole, and the keys are never in the archive."""

from __future__ import annotations

import json
import tarfile

import pytest
from sqlalchemy import func, select, text

from safkat import audit
from safkat.accounts.models import User
from safkat.ops.tables import SEEDED_TABLES, ordered_tables
from tests.conftest import requires_postgresql
from tests.ops.conftest import populate, table_contents


def round_trip(source, target, path):
    ids = populate(source)
    backup = source.cli("backup", path)
    assert backup.exit_code == 0, backup.output
    restored = target.cli("restore", path)
    assert restored.exit_code == 0, restored.output
    return ids, backup, restored


def assert_same_instance(source, target, ids):
    before, after = table_contents(source), table_contents(target)
    assert {name: len(rows) for name, rows in after.items()} == {name: len(rows) for name, rows in before.items()}
    assert after == before
    assert sorted(p.name for p in target.uploads.glob("*/*")) == sorted(p.name for p in source.uploads.glob("*/*"))
    for path in source.uploads.glob("*/*"):
        assert (target.uploads / path.parent.name / path.name).read_bytes() == path.read_bytes()
    # The restored instance works: new rows get fresh ids, search and pages answer.
    with target.session() as session:
        target.make(session).bidder()
        audit.record(
            session, actor=None, action="test.after_restore", object_type="x", object_id=1, now=target.clock.now()
        )
        session.commit()
        assert audit.verify_chain(session).is_intact
    client = target.client()
    assert f"/tenders/{ids['reference']}" in client.get("/tenders?q=fibre").get_data(as_text=True)  # the index
    assert client.get(f"/tenders/{ids['reference']}/opening").status_code == 200
    assert client.get(f"/tenders/{ids['reference']}/notice/fr.pdf").status_code == 200


def test_round_trip_on_sqlite(instances, tmp_path):
    source, target = instances("sqlite"), instances("sqlite")
    ids, backup, restored = round_trip(source, target, tmp_path / "backup.tar.gz")
    assert "does NOT contain the key-encryption key" in backup.stdout
    assert "Every check passed" in restored.stdout
    assert "sealed bids: 3 checked, ok" in restored.stdout and "receipts: 3 checked, ok" in restored.stdout
    assert_same_instance(source, target, ids)


@requires_postgresql
def test_round_trip_on_postgresql(instances, tmp_path):
    source, target = instances("postgresql"), instances("postgresql", migrate=False)
    ids, _backup, restored = round_trip(source, target, tmp_path / "backup.tar")
    assert "from postgresql" in restored.stdout
    assert_same_instance(source, target, ids)


@requires_postgresql
def test_sqlite_backup_restores_into_postgresql(instances, tmp_path):
    source, target = instances("sqlite"), instances("postgresql")
    ids, _backup, _restored = round_trip(source, target, tmp_path / "backup.tar")
    assert_same_instance(source, target, ids)


def test_the_archive_holds_no_key_and_lists_every_member(instances, tmp_path, app):
    source = instances()
    populate(source)
    path = tmp_path / "backup.tar"
    assert source.cli("backup", path).exit_code == 0
    keys = app.extensions["safkat.keys"]
    secrets = [keys.kek, keys.kek.hex().encode(), bytes(keys.signing_key), bytes(keys.signing_key).hex().encode()]
    with tarfile.open(path) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        for member in tar.getmembers():
            data = tar.extractfile(member).read()
            assert not any(secret in data for secret in secrets), member.name
    assert names[-1] == "manifest.json" and set(manifest["members"]) == set(names) - {"manifest.json"}
    assert manifest["schema_revision"] and manifest["tables"]["bids"] == 4
    assert any("SAFKAT_SEAL_KEY" in line for line in manifest["not_included"])
    assert (path.stat().st_mode & 0o777) == 0o600


def corrupt_member(path, prefix: str) -> str:
    """Flip one byte inside the first member whose name starts with ``prefix``."""
    with tarfile.open(path) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith(prefix) and m.size > 10)
    with open(path, "r+b") as handle:
        handle.seek(member.offset_data + member.size // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0xFF]))
    return member.name


def assert_nothing_restored(target):
    with target.engine.connect() as connection:
        for table in ordered_tables():
            if table.name not in SEEDED_TABLES:
                assert connection.execute(select(func.count()).select_from(table)).scalar() == 0, table.name
        assert connection.execute(text("SELECT last_seq FROM audit_head")).scalar() == 0
    assert not target.uploads.exists() or not any(target.uploads.iterdir())
    assert not list(target.uploads.parent.glob(".*restore-*"))  # the staged files are gone


@pytest.mark.parametrize("prefix", ["files/", "db/bids", "manifest.json"])
def test_a_damaged_member_refuses_the_whole_archive(instances, tmp_path, prefix):
    source, target = instances(), instances()
    populate(source)
    path = tmp_path / "backup.tar"
    assert source.cli("backup", path).exit_code == 0
    name = corrupt_member(path, prefix)
    result = target.cli("restore", path)
    assert result.exit_code == 1
    assert "Archive refused, nothing was restored" in result.output
    if prefix != "manifest.json":
        assert f"damaged (checksum differs): {name}" in result.output
    assert_nothing_restored(target)


def test_a_truncated_archive_is_refused(instances, tmp_path):
    source, target = instances(), instances()
    populate(source)
    path = tmp_path / "backup.tar.gz"
    assert source.cli("backup", path).exit_code == 0
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    result = target.cli("restore", path)
    assert result.exit_code == 1 and "damaged or truncated" in result.output
    assert_nothing_restored(target)


def test_content_that_does_not_check_out_is_refused_unless_allowed(instances, tmp_path):
    """A backup of a tampered instance: the checksums hold, the audit chain and digests do not."""
    source, target = instances(), instances()
    populate(source)
    with source.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET actor_label = 'someone else' WHERE seq = 2"))
        connection.execute(text("UPDATE bids SET digest = :d WHERE id = 1"), {"d": "0" * 64})
    path = tmp_path / "backup.tar"
    assert source.cli("backup", path).exit_code == 0
    refused = target.cli("restore", path)
    assert refused.exit_code == 1 and "does not check out: nothing was restored" in refused.output
    assert "PROBLEM: audit chain: broken at event 2" in refused.output
    assert "PROBLEM: sealed bids: bid 1: its envelopes do not give its digest" in refused.output
    assert_nothing_restored(target)
    forced = target.cli("restore", path, "--allow-damaged")
    assert forced.exit_code == 1 and "PROBLEM: audit chain" in forced.output
    with target.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) > 0


def test_restore_refuses_a_database_that_has_data(instances, tmp_path):
    source, target = instances(), instances()
    populate(source)
    with target.session() as session:
        target.make(session).officer(email="already@here.dz")
        session.commit()
    path = tmp_path / "backup.tar"
    assert source.cli("backup", path).exit_code == 0
    result = target.cli("restore", path)
    assert result.exit_code == 1 and "The database is not empty" in result.output
    with target.session() as session:
        assert session.scalars(select(User.email)).all()[-1] == "already@here.dz"


def test_restore_refuses_another_seal_key(instances, tmp_path, app):
    from safkat.keys import PlatformKeys

    source, target = instances(), instances()
    populate(source)
    path = tmp_path / "backup.tar"
    assert source.cli("backup", path).exit_code == 0
    keys = app.extensions["safkat.keys"]
    target.app.extensions["safkat.keys"] = PlatformKeys(kek=bytes(32), signing_key=keys.signing_key)
    result = target.cli("restore", path)
    assert result.exit_code == 1 and "seal key is not the one the backup was made with" in result.output
    assert_nothing_restored(target)


def test_the_backup_is_one_consistent_snapshot(instances, tmp_path):
    """Events appended while the backup runs are either wholly in it or not at all."""
    from safkat.ops.backup import backup

    source, target = instances(), instances()
    populate(source)
    writes = []

    def write_meanwhile(message):
        if not writes:  # after the first table (audit_head) is written, before audit_events
            with source.session() as session:
                audit.record(
                    session, actor=None, action="test.meanwhile", object_type="x", object_id=1, now=source.clock.now()
                )
                session.commit()
            writes.append(message)

    store = source.app.extensions["safkat.files"]
    result = backup(source.engine, store, tmp_path / "backup.tar", source.clock.now(), write_meanwhile)
    assert writes and result.audit_events + 1 == table_contents(source)["audit_head"][0][1]
    restored = target.cli("restore", tmp_path / "backup.tar")
    assert restored.exit_code == 0 and "audit chain: " in restored.output and "PROBLEM" not in restored.output


def test_orphan_files_are_found_and_deleted(instances, tmp_path):
    import os

    source = instances()
    populate(source)
    kept = sorted(source.uploads.glob("*/*"))
    orphan = source.uploads / "ab" / ("ab" + "0" * 38)
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"left by a killed process")
    part = source.uploads / "ab" / "ab1234.part"
    part.write_bytes(b"half a file")
    young = source.uploads / "cd" / ("cd" + "1" * 38)
    young.parent.mkdir(exist_ok=True)
    young.write_bytes(b"a request still running")
    for path in (orphan, part):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    listed = source.cli("files", "orphans")
    assert listed.exit_code == 0 and "2 orphan file(s)." in listed.output and orphan.exists()
    deleted = source.cli("files", "orphans", "--delete")
    assert "2 orphan file(s) deleted." in deleted.output
    assert not orphan.exists() and not part.exists() and young.exists()
    assert all(path.exists() for path in kept)


def test_every_column_naming_a_stored_file_is_checked():
    """A new table holding storage keys must be added to FILE_REFERENCES (restore checks,
    orphan sweep); this fails until it is."""
    from safkat.ops.files import FILE_REFERENCES

    named = {
        (table.name, column.name)
        for table in ordered_tables()
        for column in table.columns
        if column.name in ("storage_key", "document_key")
    }
    assert named == {(ref.table, ref.key_column) for ref in FILE_REFERENCES}
