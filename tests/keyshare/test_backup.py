"""A member's passphrase-protected key backup: round trip and clear refusals."""

from __future__ import annotations

import json
import unicodedata

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from safkat.keyshare import backup
from safkat.keyshare.errors import BackupError
from safkat.keyshare.sealing import public_bytes

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def saved():
    key = X25519PrivateKey.generate()
    return key, backup.make_backup(key, PASSPHRASE)


def test_a_backup_gives_back_the_key_and_declares_its_public_key(saved):
    key, text = saved
    document = json.loads(text)
    assert document["kdf"] == {"name": "PBKDF2-SHA256", "iterations": 600_000, "salt": document["kdf"]["salt"]}
    assert backup.read_backup(text, PASSPHRASE).private_bytes_raw() == key.private_bytes_raw()
    assert backup.backup_public_key(text) == public_bytes(key)
    assert key.private_bytes_raw().hex() not in text


def test_a_wrong_passphrase_is_refused(saved):
    with pytest.raises(BackupError, match="Wrong passphrase"):
        backup.read_backup(saved[1], PASSPHRASE + "!")


@pytest.mark.parametrize(
    "alter",
    [
        lambda d: d.update(ciphertext=d["ciphertext"][:-4] + "AAA="),
        lambda d: d.update(public_key="A" * 43 + "="),  # another public key, same ciphertext
        lambda d: d["kdf"].update(iterations=700_000),
    ],
    ids=["ciphertext", "public key", "iterations"],
)
def test_an_altered_backup_is_refused(saved, alter):
    document = json.loads(saved[1])
    alter(document)
    with pytest.raises(BackupError, match="altered"):
        backup.read_backup(json.dumps(document), PASSPHRASE)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not a Safkat key backup"),
        ('{"format": "something-else", "version": 1}', "not a Safkat key backup"),
        ("{}", "not a Safkat key backup"),
    ],
)
def test_other_files_are_refused_clearly(text, message):
    with pytest.raises(BackupError, match=message):
        backup.read_backup(text, PASSPHRASE)


def test_a_weakened_backup_is_refused_before_any_work(saved):
    document = json.loads(saved[1])
    document["kdf"]["iterations"] = 1000
    with pytest.raises(BackupError, match="too weak"):
        backup.read_backup(json.dumps(document), PASSPHRASE)


def test_short_passphrases_are_refused():
    with pytest.raises(BackupError, match="at least 12"):
        backup.make_backup(X25519PrivateKey.generate(), "short")


def test_an_arabic_passphrase_typed_decomposed_still_opens():
    passphrase = "كلمة سر طويلة آمنة"  # holds alef with madda, which NFD splits in two
    key = X25519PrivateKey.generate()
    text = backup.make_backup(key, unicodedata.normalize("NFD", passphrase))
    assert unicodedata.normalize("NFD", passphrase) != passphrase
    assert backup.read_backup(text, passphrase).private_bytes_raw() == key.private_bytes_raw()
