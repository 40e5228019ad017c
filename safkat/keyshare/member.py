"""The command-line tool for commission members who prefer it to the browser.

    python -m safkat.keyshare.member generate my-key.json
    python -m safkat.keyshare.member public-key my-key.json
    python -m safkat.keyshare.member check my-key.json
    python -m safkat.keyshare.member unseal my-key.json request.json  > share.json
    python -m safkat.keyshare.member reshare my-key.json request.json > reply.json
    python -m safkat.keyshare.member combine my-key.json request.json > reply.json

It works on files (``-`` is standard input) and prints to standard output; it never
connects to anything. The passphrase is asked for on the terminal, or read from the
``SAFKAT_MEMBER_PASSPHRASE`` environment variable (for scripts).
"""

from __future__ import annotations

import json
import os
import sys

import click
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from safkat.bids.crypto import public_key_fingerprint
from safkat.keyshare import backup, messages
from safkat.keyshare.errors import KeyShareError
from safkat.keyshare.sealing import public_bytes

PASSPHRASE_VARIABLE = "SAFKAT_MEMBER_PASSPHRASE"


def _passphrase(confirm: bool = False) -> str:
    return os.environ.get(PASSPHRASE_VARIABLE) or click.prompt(
        "Passphrase", hide_input=True, confirmation_prompt=confirm, err=True
    )


def _private_key(backup_file) -> X25519PrivateKey:
    return backup.read_backup(backup_file.read(), _passphrase())


def _print(message: dict) -> None:
    click.echo(json.dumps(message, indent=2))


@click.group()
def cli():
    """A commission member's opening key: made, kept and used on this computer only."""


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
def generate(out):
    """Make a key pair and save it, under a passphrase, to OUT (which must not exist)."""
    text = backup.make_backup(X25519PrivateKey.generate(), _passphrase(confirm=True))
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    public_key = backup.backup_public_key(text)
    click.echo(f"Public key: {messages.b64(public_key)}")
    click.echo(f"Fingerprint: {public_key_fingerprint(public_key)}")


@cli.command("public-key")
@click.argument("backup_file", type=click.File())
def public_key(backup_file):
    """Print the public key of a backup (to register it on the platform)."""
    click.echo(messages.b64(backup.backup_public_key(backup_file.read())))


@cli.command()
@click.argument("backup_file", type=click.File())
def check(backup_file):
    """Open a backup with its passphrase and print its key's fingerprint, to compare with
    the one the platform shows."""
    public_key = public_bytes(_private_key(backup_file))
    click.echo(f"The backup opens. Fingerprint: {public_key_fingerprint(public_key)}")


@cli.command()
@click.argument("backup_file", type=click.File())
@click.argument("request", type=click.File(), default="-")
def unseal(backup_file, request):
    """Unseal the share of a share request, to hand in at the opening."""
    _print(messages.clear_share(_private_key(backup_file), request.read()))


@cli.command()
@click.argument("backup_file", type=click.File())
@click.argument("request", type=click.File(), default="-")
def reshare(backup_file, request):
    """Re-share this member's share to a new commission (a reshare request)."""
    _print(messages.reshare_reply(_private_key(backup_file), request.read()))


@cli.command()
@click.argument("backup_file", type=click.File())
@click.argument("request", type=click.File(), default="-")
def combine(backup_file, request):
    """As a new member, combine the sub-shares of a combine request into a new share."""
    _print(messages.combine_reply(_private_key(backup_file), request.read()))


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(argv, prog_name="python -m safkat.keyshare.member", standalone_mode=False)
    except KeyShareError as error:
        click.echo(f"Error: {error}", err=True)
        return 1
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        return 1
    except FileExistsError as error:
        click.echo(f"Error: {error.filename} already exists; choose another file.", err=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
