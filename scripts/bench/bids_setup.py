"""What the bid benchmarks share: an app on the benchmark database, bidders, a tender.

The benchmarks run the application as production does (``SAFKAT_ENV=production``), with
throw-away platform keys derived from the database URL (so that a database can be reused
from run to run), and create their data through the domain services, so that bids are
sealed exactly as real ones are. Every run adds its own authority and firms, named after
the run, to whatever the database already holds.

Benchmark data only: never point this at a database that people use.
"""

from __future__ import annotations

import io
import os
import secrets
import sys
from datetime import datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from run_bench import bench_key  # noqa: E402
from sqlalchemy import select  # noqa: E402

import safkat.models  # noqa: E402,F401  (registers every table)
from safkat import migrate  # noqa: E402
from safkat.accounts.models import ContractingAuthority, Enterprise, Role, Sector, User  # noqa: E402
from safkat.commission.services import CommissionInput, name_commission  # noqa: E402
from safkat.db import make_engine  # noqa: E402
from safkat.tenders import services as tenders  # noqa: E402

PASSWORD = "bench-password-2026"
PDF_HEAD = b"%PDF-1.4\n% Safkat benchmark document\n"


def bench_environment(database_url: str, instance: Path) -> dict[str, str]:
    """The SAFKAT_* variables of the benchmark app, in this process and in gunicorn."""
    return {
        "SAFKAT_DATABASE_URL": database_url,
        "SAFKAT_ENV": "production",
        "SAFKAT_SECRET_KEY": secrets.token_hex(32),
        "SAFKAT_INSTANCE_PATH": str(instance),
        "SAFKAT_RATELIMIT_STORAGE_URI": "memory://",
        "SAFKAT_PROXY_COUNT": "1",  # clients say their address in X-Forwarded-For, as behind nginx
        "SAFKAT_SEAL_KEY": bench_key("SEAL_KEY", database_url),
        "SAFKAT_SIGNING_KEY": bench_key("SIGNING_KEY", database_url),
    }


def make_app(environment: dict[str, str]):
    """Migrate the database to head, then create the app as gunicorn would."""
    os.environ.update(environment)
    engine = make_engine(environment["SAFKAT_DATABASE_URL"])
    migrate.upgrade(engine)
    engine.dispose()
    from safkat.app import create_app

    return create_app()


def pdf_bytes(size: int) -> bytes:
    """A file that the upload checks take for a PDF, ``size`` bytes of incompressible data."""
    return PDF_HEAD + os.urandom(max(0, size - len(PDF_HEAD)))


def create_bidders(session, app, run: str, count: int, now: datetime) -> list[User]:
    """``count`` verified micro-enterprises with one member each (all share one password)."""
    password_hash = app.extensions["safkat.hasher"].hash(PASSWORD)
    sector = session.scalars(select(Sector).order_by(Sector.id)).first()
    users = []
    for index in range(count):
        nif = f"9{abs(hash(run)) % 10**6:06d}{index:08d}"[:15]
        enterprise = Enterprise(
            name=f"Bench {run} firm {index:04d}",
            legal_form="sarl",
            nif=nif,
            nis=f"8{nif[1:]}",
            rc_number=f"16/00-{index:07d} B 21",
            support_scheme="anade",
            attestation_number=f"ANADE/16/2024/{index}",
            wilaya_code="16",
            address="1 rue de la Liberté",
            phone="0550 00 00 00",
            contact_person=f"Gérant {index}",
            email=f"bench-{run}-{index:04d}@bench.safkat.dz",
            status="verified",
            status_changed_at=now,
            created_at=now,
            sectors=[sector] if sector else [],
        )
        users.append(
            User(
                email=enterprise.email,
                password_hash=password_hash,
                full_name=enterprise.contact_person,
                role=Role.BIDDER,
                enterprise=enterprise,
                is_enterprise_owner=True,
                is_active=True,
                email_verified_at=now,
                created_at=now,
                session_version=1,
                locale="fr",
            )
        )
    session.add_all(users)
    session.flush()
    return users


def create_tender(session, app, run: str, published_at: datetime, deadline: datetime):
    """A published call for tender with one lot open to every firm, deadline ``deadline``."""
    authority = ContractingAuthority(
        code=f"BENCH-{run}"[:32],
        name_fr=f"Autorité de banc d'essai {run}",
        name_ar=f"هيئة الاختبار {run}",
        wilaya_code="16",
        is_active=True,
        created_at=published_at,
    )
    password_hash = app.extensions["safkat.hasher"].hash(PASSWORD)
    officer, *colleagues = [
        User(
            email=f"officer-{run}{suffix}@bench.safkat.dz",
            password_hash=password_hash,
            full_name=f"Officer Bench{suffix}",
            role=Role.OFFICER,
            authority=authority,
            is_active=True,
            email_verified_at=published_at,
            created_at=published_at,
            session_version=1,
            locale="fr",
        )
        for suffix in ("", "-2", "-3")  # a commission has at least three members
    ]
    session.add_all([authority, officer, *colleagues])
    session.flush()
    sector = session.scalars(select(Sector).order_by(Sector.id)).first()
    data = tenders.TenderData(
        title_fr=f"Fourniture de matériel informatique — essai de charge {run}",
        title_ar="توريد عتاد الإعلام الآلي",
        description_fr="Appel d'offres créé par le banc d'essai.",
        description_ar=None,
        category="supplies",
        procedure="open",
        wilaya_codes=["16"],
        sector_ids=[sector.id] if sector else [],
        estimated_budget=5_000_000_00,
        is_budget_public=True,
        enquiry_deadline_at=published_at + (deadline - published_at) / 2,
        submission_deadline_at=deadline,
        opening_at=deadline + timedelta(minutes=30),
        opening_place="Siège",
        award_method="lowest_price",
        technical_weight=0,
        financial_weight=100,
        criteria=[],
        required_documents="Registre du commerce",
    )
    tender = tenders.create_draft(session, authority, officer, data, published_at)
    tenders.save_lot(
        session, tender, officer, tenders.LotData(title_fr="Lot unique", estimated_amount=5_000_000_00), published_at
    )
    specifications = tenders.NewDocument("Cahier des charges", "cdc.pdf", io.BytesIO(pdf_bytes(20_000)))
    tenders.add_draft_documents(
        session,
        tender,
        officer,
        [specifications],
        app.extensions["safkat.files"],
        app.config["TENDER_UPLOAD_MAX_BYTES"],
        published_at,
    )
    members = CommissionInput([officer.id] + [colleague.id for colleague in colleagues], chair_id=officer.id, quorum=2)
    name_commission(session, tender, officer, members, published_at)
    tenders.publish(session, tender, officer, published_at, min_days=0, kek=app.extensions["safkat.keys"].kek)
    return tender, officer
