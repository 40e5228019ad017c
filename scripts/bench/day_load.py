"""Benchmark: a day on Safkat under locust, against gunicorn and the 100,000-tender database.

Usage::

    export SAFKAT_DATABASE_URL=postgresql+psycopg://safkat_dev:safkat_dev@127.0.0.1:5432/safkat_bench
    .venv/bin/python scripts/bench/seed_tenders.py      # once: 100,000 tenders
    .venv/bin/python scripts/bench/day_load.py --users 60 --duration 120 --output docs/benchmarks.md

It adds ``--firms`` verified firms (logged in through the form, in this process) and a
tender in its last hour to the database, starts gunicorn, and runs
``scripts/bench/locustfile.py`` headless: visitors browsing, filtering, searching, reading
tenders, the API, the feed and the statistics; firms downloading documents and submitting
bids on the rush tender; a probe on ``/healthz``. It prints and records, per endpoint,
requests, failures, throughput and p50/p95/p99 latency (client side, through locust),
and how `/tenders` compares with `/healthz` in the same run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bids_setup import PROJECT_ROOT, bench_environment, create_bidders, create_tender, make_app
from deadline_burst import Firm, log_in
from run_bench import (
    Server,
    _code_version,
    _cpu_busy,
    _cpu_model,
    _loadavg,
    _memory,
    busy_share,
    free_port,
    update_markdown,
)

HERE = Path(__file__).resolve().parent


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SAFKAT_DATABASE_URL"))
    parser.add_argument("--users", type=int, default=60, help="simultaneous locust users")
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=120, help="seconds")
    parser.add_argument("--firms", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set SAFKAT_DATABASE_URL")
    return args


def prepare(app, firms_count: int) -> dict:
    from sqlalchemy import select

    from safkat.tenders.models import Tender, TenderStatus

    run = datetime.now(UTC).strftime("%H%M%S")
    now = datetime.now(UTC)
    with app.extensions["safkat.db"].session() as session:
        users = create_bidders(session, app, f"day{run}", firms_count, now)
        tender, _officer = create_tender(session, app, f"day{run}", now - timedelta(days=20), now + timedelta(hours=1))
        session.commit()
        firms = [Firm(index, user.id, user.email) for index, user in enumerate(users)]
        published = select(Tender).where(Tender.status == TenderStatus.PUBLISHED)
        references = [t.url_reference for t in session.scalars(published.order_by(Tender.id.desc()).limit(300))]
        rush = tender.url_reference
        document = tender.current_documents[0]
        plan = {
            "references": references,
            "rush_reference": rush,
            "bid_path": f"/tenders/{rush}/bid",
            "lot_id": tender.lots[0].id,
            "document_url": f"/tenders/{rush}/documents/{document.id}",
        }
    log_in(app, firms)
    plan["cookies"] = [firm.cookie for firm in firms]
    return plan


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def render_section(args, rows: list[dict], info: dict) -> str:
    by_name = {row["Name"]: row for row in rows}
    lines = [
        "| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", -int(r["Request Count"]))):
        name = "**all**" if row["Name"] == "Aggregated" else f"`{row['Type']} {row['Name']}`"
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    failures = int(by_name["Aggregated"]["Failure Count"])
    listing, trivial = by_name.get("/tenders"), by_name.get("/healthz")
    ratio = ""
    if listing and trivial:
        ratio = (
            f"`/tenders` p50 {listing['50%']} ms against `/healthz` p50 {trivial['50%']} ms in the same run "
            f"(p95 {listing['95%']} against {trivial['95%']} ms)."
        )
    return "\n".join(
        [
            "### A day on Safkat (locust)",
            "",
            f"Measured {info['date']} by `scripts/bench/day_load.py` (`--users {args.users} --duration "
            f"{args.duration} --firms {args.firms}`), gunicorn `-w {args.workers}`, {info['database']}.",
            "",
            f"- machine: {os.cpu_count()} cores ({_cpu_model()}), {_memory()} RAM; {info['load']}",
            f"- code: {_code_version()}; locust runs on the same 2 cores",
            "",
            *lines,
            "",
            ratio,
            "",
            "**No failure.**" if failures == 0 else f"**{failures} failure(s)** (see the locust output).",
            "",
        ]
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="safkat-day-"))
    environment = bench_environment(args.database_url, workdir / "instance")
    app = make_app(environment)
    plan = prepare(app, args.firms)
    plan_file = workdir / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    server = Server(args.database_url, free_port(), args.workers, workdir, extra_env=environment)
    prefix = workdir / "locust"
    try:
        server.wait_ready()
        load_before, busy_before = _loadavg(), _cpu_busy()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.duration}s",
                "--host",
                f"http://127.0.0.1:{server.port}",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            cwd=PROJECT_ROOT,
            env={**os.environ, "SAFKAT_LOAD_PLAN": str(plan_file)},
            check=False,
        )
        busy = busy_share(busy_before, _cpu_busy())
    finally:
        server.stop()
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": f"load average {load_before} before the run, CPU busy {busy:.0f} % during it",
        "database": "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite",
    }
    section = render_section(args, read_stats(prefix), info)
    print(section)
    if args.output:
        update_markdown(args.output, "day", section)
        print(f"written to {args.output}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
