"""The ``safkat`` command: database, users, demo data, audit, outbox, translations, backups."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from safkat import audit, migrate
from safkat.db import get_database
from safkat.documents.cli import documents_group


def _create_app():
    from safkat.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main():
    """Safkat: public procurement for micro-enterprises."""


def _clock():
    return current_app.extensions["safkat.clock"]


def _session():
    return get_database().session()


@click.group("db")
def db_group():
    """Database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
@with_appcontext
def db_upgrade(revision):
    """Bring the database schema up to date (Alembic)."""
    migrate.upgrade(get_database().engine, revision)
    click.echo(f"Database at revision {migrate.current_revision(get_database().engine)}.")


@db_group.command("current")
@with_appcontext
def db_current():
    """Show the schema revision of the database."""
    click.echo(migrate.current_revision(get_database().engine) or "empty")


@click.command("create-user")
@click.option("--role", type=click.Choice(["admin", "officer"]), prompt=True)
@click.option("--email", prompt=True)
@click.option("--name", "full_name", prompt="Full name")
@click.option("--authority", "authority_code", help="Authority code (officers only), e.g. AT-ORN.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_user(role, email, full_name, authority_code, password):
    """Create an administrator or an officer."""
    from safkat.accounts import services
    from safkat.accounts.models import ContractingAuthority
    from safkat.errors import DomainError

    with _session() as session, session.begin():
        authority = None
        if role == "officer":
            if not authority_code:
                authority_code = click.prompt("Authority code")
            authority = session.scalar(
                select(ContractingAuthority).where(ContractingAuthority.code == authority_code.upper())
            )
            if authority is None:
                raise click.ClickException(f"No authority with code {authority_code!r}.")
        try:
            user = services.create_staff_user(
                session,
                actor=None,
                email=email,
                full_name=full_name,
                role=role,
                password=password,
                hasher=current_app.extensions["safkat.hasher"],
                now=_clock().now(),
                authority=authority,
            )
        except DomainError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Created {role} {user.email}.")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load demo data (idempotent) and print the demo logins."""
    from safkat.demo import DEMO_PASSWORD, seed

    with _session() as session, session.begin():
        extensions = current_app.extensions
        logins = seed(
            session, extensions["safkat.hasher"], _clock().now(), extensions["safkat.files"], extensions["safkat.keys"]
        )
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in logins:
        click.echo(f"  {role:<28} {email}")


@click.group("audit")
def audit_group():
    """The hash-chained audit log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify():
    """Check the whole chain; name the first broken event."""
    with _session() as session:
        report = audit.verify_chain(session)
    if report.is_intact:
        click.echo(f"Audit chain intact: {report.count} events.")
        return
    raise click.ClickException(
        f"Audit chain broken at event {report.first_broken_seq}: {report.problem} "
        f"({report.count} events verified before it)."
    )


@click.group("notifications")
def notifications_group():
    """The e-mail outbox."""


@notifications_group.command("send")
@click.option(
    "--watch",
    type=click.FloatRange(min=0.5),
    default=None,
    metavar="SECONDS",
    help="Keep running, looking for due e-mails every SECONDS (a service instead of cron).",
)
@with_appcontext
def notifications_send(watch: float | None):
    """Deliver due e-mails, issuing the documents they attach (meant for cron, or run with
    --watch as a service; safe to run on several machines, and to kill)."""
    import time

    while True:
        sent, failed = _send_due_once()
        if watch is None:
            click.echo(f"Sent {sent}, failed {failed} (will be retried).")
            return
        if sent or failed:
            click.echo(f"Sent {sent}, failed {failed} (will be retried).")
        time.sleep(watch)


def _send_due_once() -> tuple[int, int]:
    from safkat.documents.services import document_named
    from safkat.documents.views import make_issuer
    from safkat.ops.outbox import send_due

    extensions, issuer, now = current_app.extensions, make_issuer(), _clock().now()

    def issue(session, kind, subject, language):
        return document_named(session, kind, subject, language, issuer, now)

    sender = current_app.config["MAIL_SENDER"]
    return send_due(get_database(), extensions["safkat.mail"], sender, now, extensions["safkat.files"], issue=issue)


@notifications_group.command("digest")
@with_appcontext
def notifications_digest():
    """Send the daily digests of new calls for tender (cron, once a day)."""
    from safkat.notifications.dispatch import send_digests

    with current_app.test_request_context(), _session() as session, session.begin():
        count = _in_request(session, send_digests)
    click.echo(f"{count} digest(s) queued.")


@notifications_group.command("reminders")
@with_appcontext
def notifications_reminders():
    """Queue deadline and invoice-payment reminders that are due (cron, every hour)."""
    from safkat.execution.notify import send_payment_reminders
    from safkat.notifications.dispatch import send_reminders

    with current_app.test_request_context(), _session() as session, session.begin():
        count = _in_request(session, send_reminders)
        count += _in_request(session, send_payment_reminders)
    click.echo(f"{count} reminder(s) queued.")


def _in_request(session, job):
    """Run a Flask-side job that uses the request session helpers, on ``session``."""
    from flask import g

    g.db_session = session
    try:
        return job()
    finally:
        g.pop("db_session", None)
        g.pop("after_commit", None)


@click.group("translations")
def translations_group():
    """Translation catalogues."""


@translations_group.command("compile")
def translations_compile():
    """Compile the .po catalogues into .mo files."""
    from safkat.i18n import compile_catalogs

    for path in compile_catalogs():
        click.echo(f"compiled {path}")


def register_commands(app: Flask) -> None:
    from safkat.opendata.ocds_views import ocds_group
    from safkat.ops.cli import COMMANDS as ops_commands

    for command in (
        db_group,
        create_user,
        seed_demo,
        audit_group,
        notifications_group,
        translations_group,
        open_due_command,
        receipt_group,
        ocds_group,
        documents_group,
        *ops_commands,
    ):
        app.cli.add_command(command)


@click.command("open-due")
@with_appcontext
def open_due_command():
    """Tell each commission, once, that its tender is ready to open (cron, every minute):
    by e-mail and in the notification centre. Opening is the commission's act, not cron's."""
    from safkat.commission.notify import tell_commission_ready
    from safkat.commission.services import tenders_ready_untold

    def tell_each() -> list[str]:
        from safkat.db import get_session

        tenders = tenders_ready_untold(get_session(), _clock().now())
        for tender in tenders:
            tell_commission_ready(tender)
        return [tender.reference for tender in tenders]

    with current_app.test_request_context(), _session() as session, session.begin():
        told = _in_request(session, tell_each)
    for reference in told:
        click.echo(f"Tender {reference}: its commission is told the bids are ready to open.")
    click.echo(f"{len(told)} commission(s) told.")
    _issue_missing_minutes()


def _issue_missing_minutes() -> None:
    """Issue the minutes of openings the commissions held since the last run, so that no
    visitor waits for a long one to be rendered (a failure: the first download issues them)."""
    from sqlalchemy import exists, select

    from safkat.bids.models import Opening
    from safkat.documents.models import IssuedDocument
    from safkat.documents.render import LANGUAGES
    from safkat.documents.services import issue_quietly
    from safkat.documents.views import make_issuer

    issued_minutes = exists().where(
        IssuedDocument.kind == "opening_minutes", IssuedDocument.tender_id == Opening.tender_id
    )
    with _session() as session:
        pending = session.scalars(select(Opening.tender_id).where(~issued_minutes).order_by(Opening.tender_id)).all()
    for tender_id in pending:
        with _session() as session, session.begin():
            issued = issue_quietly(
                session, "opening_minutes", session.get(Opening, tender_id), LANGUAGES, make_issuer(), _clock().now()
            )
        click.echo(f"Tender {tender_id}: minutes issued: {', '.join(issued) or 'none (issued at the first download)'}.")


@click.group("receipt")
def receipt_group():
    """Bid receipts."""


@receipt_group.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def receipt_verify(path):
    """Check a receipt file's signature against this platform's key."""
    import json

    from safkat.bids.receipts import verify_receipt

    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError) as error:
        raise click.ClickException(f"Not a receipt: {error}") from None
    if not isinstance(document, dict) or not verify_receipt(document, current_app.extensions["safkat.keys"].verify_key):
        raise click.ClickException("INVALID: the receipt was altered or not signed by this platform.")
    payload = document["payload"]
    click.echo(
        f"VALID: {payload['receipt']} of bid {payload['bid']} on {payload['tender']} at {payload['at']}, "
        f"digest {payload['digest']}."
    )
