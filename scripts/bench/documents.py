"""Benchmark official documents: render and sign times, long minutes, a batch of receipts.

Usage::

    .venv/bin/python scripts/bench/documents.py [--bids 500] [--batch 1000] [--repeat 7]

It builds a throw-away instance (SQLite database and files in a temporary folder, a fixed
clock), then measures, in this process:

- the trivial document (one line of text, no font of ours, not signed): the baseline of
  this machine, measured in the same run;
- a bid receipt, a tender notice and an award decision, French and Arabic: render, sign,
  and the whole issue (values, render, sign, store, database row), median of ``--repeat``
  runs (target: under 400 ms each for the receipt and the decision);
- the opening minutes of a tender with ``--bids`` bids (target: under 5 s for 500);
- ``--batch`` receipts issued one after the other with a progress bar, as
  ``safkat documents regenerate`` does.

Times are wall clock; CPU time of this process is printed beside them, since a loaded
machine (other processes on the same cores) stretches wall time but hardly CPU time.
Nothing is written outside the temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_ROOT))
TARGETS = {"receipt": 0.400, "notice": 0.400, "decision": 0.400, "minutes": 5.0}


REPORT: list[str] = []


def say(text: str = "") -> None:
    """Print a line of the report, and keep it for ``--output``."""
    print(text, flush=True)
    REPORT.extend(text.lstrip("\n").splitlines() if text.strip() else [""])


def write_section(output: Path, args) -> None:
    from run_bench import _code_version, update_markdown

    section = "\n".join(
        [
            "### Official documents (PDF)",
            "",
            f"Measured by `scripts/bench/documents.py --bids {args.bids} --batch {args.batch} --repeat {args.repeat}`"
            f" (code: {_code_version()}); wall and CPU time of one process, SQLite, medians:",
            "",
            "```",
            *REPORT,
            "```",
            "",
        ]
    )
    update_markdown(output, "documents", section)


def timed(function, repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds of ``repeat`` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def line(label: str, wall: float, cpu: float, target: float | None = None, note: str = "") -> str:
    verdict = ""
    if target is not None:
        verdict = f"  {'OK' if wall < target else 'OVER'} (target < {target * 1000:.0f} ms)"
    return f"  {label:<46} {wall * 1000:9.1f} ms wall {cpu * 1000:9.1f} ms CPU{verdict}{note}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=500)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--output", type=Path, help="Markdown file whose documents section to rewrite")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="safkat-bench-documents-"))
    os.environ.update(
        SAFKAT_INSTANCE_PATH=str(folder),
        SAFKAT_ENV="testing",
        SAFKAT_DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
        SAFKAT_BASE_URL="https://safkat.example.dz",
    )
    try:
        status = run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.output:
        write_section(args.output, args)
        print(f"written to {args.output}")
    return status


def run(args, folder: Path) -> int:
    import click
    from weasyprint import HTML

    from safkat import create_app
    from safkat.clock import FixedClock
    from safkat.db import Database, make_engine
    from safkat.documents import services
    from safkat.documents.kinds import KINDS
    from safkat.documents.render import render_pdf
    from safkat.documents.views import platform_signer
    from safkat.i18n import compile_catalogs
    from safkat.migrate import upgrade

    compile_catalogs()
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    engine = make_engine(os.environ["SAFKAT_DATABASE_URL"])
    upgrade(engine)
    app = create_app({"DATABASE": Database(engine=engine), "CLOCK": FixedClock(start), "ARGON2_PROFILE": "fast"})
    signer = platform_signer(app)
    issuer = services.Issuer(app.extensions["safkat.files"], signer, app.config["BASE_URL"])
    session = Database(engine=engine).session()

    say(f"Safkat documents benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    say(f"  machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}")
    say(f"  load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    # The trivial document, measured in the same run: what this machine does for nothing.
    wall, cpu, _ = timed(lambda: HTML(string="<p>Safkat</p>").write_pdf(), args.repeat)
    say("\nBaseline")
    say(line("trivial PDF (one line, default font, unsigned)", wall, cpu))

    tender, receipts, opening = build_data(session, app, start, args.bids, args.batch)
    award = build_award(session, tender, opening, start)
    session.commit()

    say(f"\nReceipt, tender notice and award decision (median of {args.repeat})")
    documents = (("bid_receipt", receipts[0], "receipt"), ("tender_notice", tender, "notice"))
    for kind, subject, name in (*documents, ("award_decision", award, "decision")):
        for lang in ("fr", "ar"):
            values = KINDS[kind].values(subject, lang)
            document = {
                "kind": kind,
                "title": KINDS[kind].title,
                "code": "ABCD-EFGH-JKMN",
                "verification_url": issuer.verification_url("ABCDEFGHJKMN"),
                "version": 1,
                "issued_at": start,
            }
            template = KINDS[kind].template
            values = {**values, "document": document}
            wall, cpu, pdf = timed(lambda t=template, v=values, lang=lang: render_pdf(t, v, lang), args.repeat)
            say(line(f"{name} {lang}: render", wall, cpu))
            wall, cpu, _ = timed(lambda pdf=pdf: signer.sign(pdf, reason="bench"), args.repeat)
            say(line(f"{name} {lang}: sign (PAdES)", wall, cpu))

            existing = services.document_for(session, kind, subject, lang, issuer, start)
            session.commit()

            def issue_anew(existing=existing):
                document = services.reissue(session, existing, issuer, start)  # a new version: everything anew
                session.commit()
                return document

            wall, cpu, issued = timed(issue_anew, args.repeat)
            pages = render_pages(pdf)
            say(line(f"{name} {lang}: issue (values+render+sign+store)", wall, cpu, TARGETS[name], f"  {pages} p."))

    say(f"\nOpening minutes with {len(opening.rows)} bids")
    wall, cpu, _ = timed(lambda: KINDS["opening_minutes"].values(opening, "fr"), args.repeat)
    say(line("minutes: values (database rows to plain values)", wall, cpu))
    for lang in ("fr", "ar"):
        existing = services.document_for(session, "opening_minutes", opening, lang, issuer, start)
        session.commit()

        def issue_minutes(existing=existing):
            document = services.reissue(session, existing, issuer, start)
            session.commit()
            return document

        wall, cpu, document = timed(issue_minutes, max(1, args.repeat // 3))
        if os.environ.get("SAFKAT_BENCH_PROFILE"):  # where the minutes' time goes
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(issue_minutes)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        pdf = services.read_pdf(document, issuer.store)
        note = f"  {render_pages(pdf)} pages, {len(pdf) // 1024} KiB"
        say(line(f"minutes {lang}: issue", wall, cpu, TARGETS["minutes"], note))

    say(f"\n{len(receipts)} receipts in a batch (French), committed every 50")
    wall, cpu = time.perf_counter(), time.process_time()
    with click.progressbar(receipts, label="Issuing receipts", show_pos=True, show_eta=True) as bar:
        for count, receipt in enumerate(bar, start=1):
            services.document_for(session, "bid_receipt", receipt, "fr", issuer, start)
            if count % 50 == 0:
                session.commit()
    session.commit()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    say(line(f"{len(receipts)} receipts: total", wall, cpu))
    say(line("per receipt", wall / len(receipts), cpu / len(receipts), note=f"  ({len(receipts) / wall:.1f}/s)"))
    say(f"\n  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    session.close()
    engine.dispose()
    return 0


def render_pages(pdf: bytes) -> int:
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    return len(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"])


def build_award(session, tender, opening, start):
    """Lot 1 evaluated on its first three bids (locked), and finally awarded to the first."""
    from safkat.awards.models import LotAward
    from safkat.evaluation.models import Assessment, LotEvaluation

    lot = tender.lots[0]
    evaluation = LotEvaluation(tender_id=tender.id, lot_id=lot.id, status="locked", round=1, updated_at=start)
    for rank, row in enumerate(opening.rows[:3], start=1):
        amount = json.loads(row.amounts)["1"]
        evaluation.assessments.append(
            Assessment(
                bid_id=row.bid_id,
                enterprise_id=row.bid.enterprise_id,
                read_amount=amount["excl_vat"],
                read_vat=amount["vat"],
                is_eligible=True,
                alo_status="none",
                evaluated_price=amount["excl_vat"],
                financial_score=100 - rank,
                rank=rank,
            )
        )
    session.add(evaluation)
    session.flush()
    winner = evaluation.assessments[0]
    award = LotAward(
        tender_id=tender.id,
        lot_id=lot.id,
        round=1,
        status="final",
        assessment_id=winner.id,
        enterprise_id=winner.enterprise_id,
        amount=winner.read_amount,
        amount_incl_vat=winner.read_amount + winner.read_vat,
        bids_count=3,
        published_at=start + timedelta(days=25),
        standstill_ends_at=start + timedelta(days=35),
        finalized_at=start + timedelta(days=36),
    )
    session.add(award)
    session.flush()
    return award


def build_data(session, app, start, bids: int, batch: int):
    """A tender with ``max(bids, batch)`` firms' bids (receipts signed as the platform
    signs them), and its opening with ``bids`` of them read out."""
    from safkat.accounts.models import ContractingAuthority, Enterprise, User
    from safkat.bids.crypto import new_tender_keypair, public_key_fingerprint
    from safkat.bids.models import Bid, OpenedBid, Opening, Receipt, TenderKey
    from safkat.bids.receipts import sign_receipt
    from safkat.tenders.models import Lot, Tender, TenderWilaya

    keys = app.extensions["safkat.keys"]
    authority = ContractingAuthority(
        code="AT-ORN",
        name_fr="Algérie Télécom, direction d'Oran",
        name_ar="اتصالات الجزائر، مديرية وهران",
        wilaya_code="31",
        created_at=start,
    )
    officer = User(
        email="officer@bench.dz",
        password_hash="x",
        full_name="Agent",
        role="officer",
        created_at=start,
        authority=authority,
    )
    tender = Tender(
        authority=authority,
        created_by=officer,
        reference="AT-ORN/2026/0042",
        status="published",
        title_fr="Déploiement de la fibre optique jusqu'à l'abonné, quartiers est d'Oran",
        title_ar="نشر الألياف البصرية حتى المشترك، الأحياء الشرقية لوهران",
        description_fr="Travaux de génie civil, tirage de câbles et raccordement.\n\n- génie civil\n- tirage",
        description_ar="أشغال الهندسة المدنية ومد الكوابل والربط.",
        category="works",
        procedure="open",
        estimated_budget=150_000_000_00,
        is_budget_public=True,
        enquiry_deadline_at=start + timedelta(days=15),
        submission_deadline_at=start + timedelta(days=20),
        opening_at=start + timedelta(days=20, hours=1),
        opening_place="Salle des marchés, direction d'Oran",
        created_at=start,
        changed_at=start,
        published_at=start,
        required_documents="Registre du commerce\nAttestation fiscale\nAttestation CNAS",
    )
    tender.lots = [
        Lot(number=1, title_fr="Génie civil", title_ar="الهندسة المدنية", estimated_amount=90_000_000_00),
        Lot(number=2, title_fr="Tirage et raccordement", title_ar="المد والربط", estimated_amount=60_000_000_00),
    ]
    tender.wilaya_rows = [TenderWilaya(wilaya_code="31")]
    session.add(tender)
    session.flush()
    public_key, wrapped = new_tender_keypair(keys.kek)
    session.add(
        TenderKey(
            tender_id=tender.id,
            public_key=public_key,
            wrapped_private_key=wrapped,
            fingerprint=public_key_fingerprint(public_key),
            created_at=start,
        )
    )
    opened_at = start + timedelta(days=20, hours=1)
    opening = Opening(tender_id=tender.id, opened_at=opened_at, commission="M. K. Benali\nMme N. Saïdi")
    session.add(opening)
    receipts = []
    for n in range(1, max(bids, batch) + 1):
        enterprise = Enterprise(
            name=f"SARL Réseaux et Fibre {n:04d}",
            legal_form="sarl",
            nif=f"{n:015d}",
            nis=f"9{n:014d}",
            rc_number=f"31/00-{1000000 + n} B 20",
            support_scheme="anade",
            attestation_number=f"ATT-{n}",
            wilaya_code="31",
            address="Oran",
            phone="0550000000",
            contact_person="Gérant",
            email=f"firm{n}@bench.dz",
            status="verified",
            created_at=start,
        )
        at = start + timedelta(minutes=n)
        digest = f"{n:064x}"
        bid = Bid(
            tender=tender,
            enterprise=enterprise,
            created_by=officer,
            status="submitted",
            digest=digest,
            created_at=at,
            submitted_at=at,
        )
        bid.lots = tender.lots
        session.add(bid)
        session.flush()
        payload, signature = sign_receipt(
            keys.signing_key,
            {
                "receipt": "submission",
                "bid": bid.id,
                "tender": tender.reference,
                "enterprise_nif": enterprise.nif,
                "lots": [1, 2],
                "digest": digest,
                "envelopes": [{"kind": "financial", "sha256": "ab" * 32}, {"kind": "application", "sha256": "cd" * 32}],
                "at": at.isoformat(),
            },
        )
        receipt = Receipt(bid=bid, kind="submission", payload=payload, signature=signature, created_at=at)
        session.add(receipt)
        if len(receipts) < batch:
            receipts.append(receipt)
        if n <= bids:
            amounts = {
                "1": {"excl_vat": 80_000_000_00 + n * 1234, "vat": 15_200_000_00, "total": 95_200_000_00 + n},
                "2": {"excl_vat": 55_000_000_00 + n * 99, "vat": 0, "total": 55_000_000_00 + n * 99},
            }
            opening.rows.append(
                OpenedBid(
                    bid_id=bid.id,
                    digest=digest,
                    is_intact=True,
                    envelopes=json.dumps({"application": 1, "technical": 1}),
                    amounts=json.dumps(amounts),
                    statement="",
                )
            )
    session.flush()
    return tender, receipts, opening


if __name__ == "__main__":
    sys.exit(main())
