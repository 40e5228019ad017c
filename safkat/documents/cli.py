"""``safkat documents``: check a PDF, re-issue documents after a template change."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from safkat.db import get_database


def _issuer():
    from safkat.documents.views import make_issuer

    return make_issuer(current_app._get_current_object())


@click.group("documents")
def documents_group():
    """Official documents (signed PDFs)."""


@documents_group.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def verify_command(path):
    """Check a PDF's signature and that it is a document the platform issued."""
    from safkat.documents.kinds import KINDS
    from safkat.documents.services import format_code, verify_pdf

    with open(path, "rb") as handle:
        pdf = handle.read()
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)  # the verdict below says it all
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    with get_database().session() as session:
        result = verify_pdf(session, pdf, _issuer().signer)
        signature = result.signature
        click.echo(f"SHA-256: {result.sha256}")
        if not signature.is_signed:
            click.echo(f"Signature: none ({signature.problem}).")
        elif signature.is_ok:
            click.echo(f"Signature: valid, by the platform's certificate ({signature.signer}), whole file covered.")
        else:
            problems = [
                text
                for ok, text in (
                    (signature.is_intact, "the signed content was altered"),
                    (signature.is_valid, "the cryptographic signature is wrong"),
                    (signature.is_trusted, "not signed with this platform's certificate"),
                    (signature.covers_whole_file, "bytes were added after the signature"),
                )
                if not ok
            ]
            click.echo(f"Signature: INVALID ({'; '.join(problems) or signature.problem}).")
        document = result.document
        if document is None:
            click.echo("Register: no document with this digest was issued.")
        else:
            click.echo(
                f"Register: {KINDS[document.kind].title} ({document.language}, version {document.version}), "
                f"code {format_code(document.code)}, issued {document.issued_at.isoformat()}."
            )
    if not result.is_ok:
        raise click.ClickException("NOT VERIFIED: this file is not a document issued by this platform as it stands.")
    click.echo("VERIFIED.")


@documents_group.command("regenerate")
@click.option("--tender", "reference", help="Only the documents of this call for tender (e.g. AT-ORN/2026/0042).")
@click.option("--all", "everything", is_flag=True, help="Every document ever issued.")
@with_appcontext
def regenerate_command(reference, everything):
    """Issue a new version of issued documents (after a template change); old versions stay verifiable."""
    from safkat.documents.models import IssuedDocument
    from safkat.documents.services import documents_to_regenerate, reissue
    from safkat.documents.signing import SigningError
    from safkat.errors import DomainError
    from safkat.tenders.services import find_by_reference

    if bool(reference) == bool(everything):
        raise click.UsageError("Give either --tender REF or --all.")
    issuer = _issuer()
    clock = current_app.extensions["safkat.clock"]
    with get_database().session() as session:
        tender_id = None
        if reference:
            tender = find_by_reference(session, reference)
            if tender is None:
                raise click.ClickException(f"No public call for tender {reference!r}.")
            tender_id = tender.id
        ids = documents_to_regenerate(session, tender_id)
        done, failed = 0, 0
        with click.progressbar(ids, label="Regenerating documents", show_pos=True) as bar:
            for document_id in bar:
                try:
                    reissue(session, session.get(IssuedDocument, document_id), issuer, clock.now())
                    session.commit()  # each document on its own: one failure spoils no other
                    done += 1
                except (DomainError, SigningError) as error:
                    session.rollback()
                    failed += 1
                    click.echo(f"\nDocument {document_id}: {error}", err=True)
    click.echo(f"{done} document(s) re-issued, {failed} failed.")
    if failed:
        raise click.ClickException("Some documents could not be re-issued.")
