"""Benchmark: opening 2,000 sealed bids of 1 MB each (target: under 10 s, memory bounded).

Usage::

    SAFKAT_DATABASE_URL=postgresql+psycopg://safkat_dev:safkat_dev@127.0.0.1:5432/safkat_bench_bids \\
        .venv/bin/python scripts/bench/opening.py --bids 2000 --size-mb 1 --output docs/benchmarks.md

It creates a tender and ``--bids`` verified firms, each of which submits a bid with one
document of ``--size-mb`` through ``safkat.bids.services.submit`` (so the envelopes are
sealed like real ones), in a past the services are told about: the deadline is an hour
ago. Then a fresh child process opens the tender with ``safkat.bids.opening.open_bids``
(what the commission's opening session calls when its quorum is present) and reports its wall
time and its peak resident memory. For scale, the same child first reads and hashes
every sealed file once: the least any opening has to do.

The opening minutes' PDF is not part of this figure: it is issued later, on its first
download (see ``scripts/bench/documents.py``).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bids_setup import PROJECT_ROOT, bench_environment, create_bidders, create_tender, make_app, pdf_bytes
from run_bench import _code_version, _cpu_model, _loadavg, _memory, update_markdown

TARGET_SECONDS = 10.0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SAFKAT_DATABASE_URL"))
    parser.add_argument("--bids", type=int, default=2000)
    parser.add_argument("--size-mb", type=float, default=1.0)
    parser.add_argument("--workdir", type=Path, help="instance folder (uploads); a temporary one by default")
    parser.add_argument("--output", type=Path, help="Markdown file whose opening section to rewrite")
    parser.add_argument("--open-tender", type=int, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set SAFKAT_DATABASE_URL")
    return args


def seed(app, bids: int, size: int) -> tuple[int, datetime]:
    from safkat.bids import services as bid_services

    database, store, keys = app.extensions["safkat.db"], app.extensions["safkat.files"], app.extensions["safkat.keys"]
    run = datetime.now(UTC).strftime("%H%M%S")
    deadline = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    with database.session() as session:
        tender, _officer = create_tender(session, app, run, deadline - timedelta(days=3), deadline)
        bidders = create_bidders(session, app, run, bids, deadline - timedelta(days=3))
        session.commit()
        lot_id, tender_id = tender.lots[0].id, tender.id
        started = time.perf_counter()
        for index, bidder in enumerate(bidders, 1):
            data = bid_services.BidInput(
                lot_ids=[lot_id],
                amounts={lot_id: (1_000_000_00 + index * 100, 190_000_00)},
                statement="Offre du banc d'essai.",
                documents=[  # a bid of ``size`` bytes: a quarter of it the application file
                    bid_services.NewBidDocument("application", "dossier.pdf", io.BytesIO(pdf_bytes(size // 4))),
                    bid_services.NewBidDocument("technical", "offre.pdf", io.BytesIO(pdf_bytes(size - size // 4))),
                ],
            )
            submitted_at = deadline - timedelta(days=1) + timedelta(seconds=index)
            bid_services.submit(session, tender, bidder, data, store, keys, size + 1024, submitted_at, f"bench-{index}")
            if index % 50 == 0:
                session.commit()
                print(f"  sealed {index:,} / {bids:,} bids ({time.perf_counter() - started:5.1f} s)", flush=True)
        session.commit()
    return tender_id, deadline


def open_in_this_process(app, tender_id: int) -> dict:
    """The child's job: a floor (read + hash every sealed file), then the real opening."""
    from sqlalchemy import select

    from safkat.bids.models import Bid, BidStatus, Envelope
    from safkat.bids.opening import open_bids
    from safkat.tenders.models import Tender

    database, store, keys = app.extensions["safkat.db"], app.extensions["safkat.files"], app.extensions["safkat.keys"]
    rss_before = _rss_mb()
    with database.session() as session:
        keys_of_files = session.scalars(
            select(Envelope.storage_key).join(Bid).where(Bid.tender_id == tender_id, Bid.status == BidStatus.SUBMITTED)
        ).all()
        started = time.perf_counter()
        total = 0
        for storage_key in keys_of_files:
            digest = hashlib.sha256()
            with store.open(storage_key) as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
                    total += len(chunk)
        floor = time.perf_counter() - started

        profiler = cProfile.Profile() if os.environ.get("SAFKAT_BENCH_PROFILE") else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        tender = session.get(Tender, tender_id)
        opening = open_bids(session, tender, None, keys, store, datetime.now(UTC), commission="banc d'essai")
        session.commit()
        elapsed = time.perf_counter() - started
        if profiler:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        rows = opening.rows
        result = {
            "bids": len(rows),
            "intact": sum(row.is_intact for row in rows),
            "documents": sum(len(row.documents) for row in rows),
            "sealed_bytes": total,
            "floor_s": floor,
            "opening_s": elapsed,
            "rss_before_mb": rss_before,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        }
    return result


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def render_section(args, result: dict, seed_seconds: float, load: str, dialect: str) -> str:
    met = result["opening_s"] < TARGET_SECONDS and result["intact"] == result["bids"] == args.bids
    gib = result["sealed_bytes"] / 2**30
    return "\n".join(
        [
            "### Opening sealed bids",
            "",
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M UTC} by `scripts/bench/opening.py` "
            f"(`--bids {args.bids} --size-mb {args.size_mb:g}`), {dialect}.",
            "",
            f"- machine: {os.cpu_count()} cores ({_cpu_model()}), {_memory()} RAM; load average {load} before the run",
            f"- code: {_code_version()}",
            f"- seeding: {args.bids:,} bids sealed through `bids.services.submit` in {seed_seconds:.0f} s",
            "",
            "| measure | value |",
            "| --- | ---: |",
            f"| bids opened (intact) | {result['bids']:,} ({result['intact']:,}) |",
            f"| documents decrypted | {result['documents']:,} |",
            f"| sealed data read | {gib:.2f} GiB |",
            f"| floor: read and hash every sealed file once | {result['floor_s']:.1f} s |",
            f"| **opening** (`open_bids` + commit) | **{result['opening_s']:.1f} s** |",
            f"| memory of the opening process before → peak | {result['rss_before_mb']:.0f} → "
            f"{result['peak_rss_mb']:.0f} MB |",
            f"| peak memory of a decrypting worker process ({os.cpu_count()} of them) | "
            f"{result['worker_peak_rss_mb']:.0f} MB |",
            "",
            (
                "**Target met** (under 10 s, memory bounded: the peak stays far below the data opened)."
                if met
                else f"**Target missed** (10 s): {result['opening_s']:.1f} s."
            ),
            "",
        ]
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="safkat-opening-"))
    environment = bench_environment(args.database_url, workdir / "instance")
    if args.open_tender:
        environment["SAFKAT_SECRET_KEY"] = os.environ["SAFKAT_SECRET_KEY"]
        print(json.dumps(open_in_this_process(make_app(environment), args.open_tender)))
        return
    app = make_app(environment)
    size = int(args.size_mb * 1024 * 1024)
    print(f"sealing {args.bids:,} bids of {size:,} bytes into {workdir}")
    started = time.perf_counter()
    tender_id, _deadline = seed(app, args.bids, size)
    seed_seconds = time.perf_counter() - started
    app.extensions["safkat.db"].engine.dispose()
    load = _loadavg()
    print("opening in a fresh process…", flush=True)
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--database-url",
            args.database_url,
            "--workdir",
            str(workdir),
            "--open-tender",
            str(tender_id),
        ],
        cwd=PROJECT_ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
        check=False,
    )
    if os.environ.get("SAFKAT_BENCH_PROFILE"):
        print(child.stderr[-6000:])
    if child.returncode != 0:
        raise SystemExit(f"the opening failed:\n{child.stderr[-4000:]}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    dialect = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
    section = render_section(args, result, seed_seconds, load, dialect)
    print(section)
    if args.output:
        update_markdown(args.output, "opening", section)
        print(f"written to {args.output}")


if __name__ == "__main__":
    main()
