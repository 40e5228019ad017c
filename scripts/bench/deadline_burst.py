"""Benchmark: the deadline burst. 300 firms each submit a 2 MB bid in the last 60 seconds.

Usage::

    SAFKAT_DATABASE_URL=postgresql+psycopg://safkat_dev:safkat_dev@127.0.0.1:5432/safkat_bench_bids \\
        .venv/bin/python scripts/bench/deadline_burst.py --output docs/benchmarks.md

What happens, in real time:

1. ``--bidders`` verified firms and a published tender are created through the domain
   services; every firm's member logs in through the login form (in this process, each
   from its own address, so the per-address login limit is not what is measured).
2. gunicorn serves the app (``SAFKAT_ENV=production``) on the same database. Every firm
   loads the bid form (its CSRF token), then waits for its moment.
3. The moments fall in the last ``--window`` seconds before the deadline, denser towards
   the end as in real life (the i-th of n at ``window × sqrt(i/n)``), the last one
   ``--margin`` seconds before the deadline. Each firm POSTs the form with one PDF of
   ``--size-mb``, as a browser without JavaScript does, then loads the review page it is
   sent to and confirms it (the request that seals); the latency is that of all three.
4. ``--late`` more firms POST between 0.5 and 3 seconds *after* the deadline.
5. A probe asks ``/healthz`` every 200 ms throughout, the trivial endpoint to compare with.
6. With ``--sender``, the e-mail sender runs throughout as production runs it
   (``nice -n 10 safkat notifications send --watch 1``), issuing every receipt PDF while
   the burst goes on; the script then waits for the last receipt e-mail and says when it
   left.

Then the database is checked: every bid the server confirmed (303/302 to the bid's page)
is there, sealed, with a receipt stamped before the deadline; no late bid is stored.
Targets: zero errors, zero lost bids, zero bids accepted after the deadline, p99 < 1 s.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from bids_setup import PASSWORD, bench_environment, create_bidders, create_tender, make_app, pdf_bytes
from run_bench import (
    Server,
    _code_version,
    _cpu_busy,
    _cpu_model,
    _loadavg,
    _memory,
    busy_share,
    free_port,
    percentile,
    update_markdown,
    visitor_address,
)

_HIDDEN = re.compile(  # a hidden input's value, whichever attribute comes first
    r'name="(csrf_token|idempotency_key|reviewed)"[^>]*value="([^"]*)"'
    r'|value="([^"]*)"[^>]*name="(csrf_token|idempotency_key|reviewed)"'
)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SAFKAT_DATABASE_URL"))
    parser.add_argument("--bidders", type=int, default=300)
    parser.add_argument("--size-mb", type=float, default=2.0)
    parser.add_argument("--window", type=float, default=60.0, help="seconds before the deadline")
    parser.add_argument("--margin", type=float, default=1.0, help="the last bid leaves this long before it")
    parser.add_argument("--late", type=int, default=10, help="firms that send after the deadline")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sender", action="store_true", help="run the e-mail sender during the burst")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set SAFKAT_DATABASE_URL")
    return args


@dataclass
class Firm:
    index: int
    user_id: int
    email: str
    cookie: str = ""
    csrf: str = ""
    at: float = 0.0  # monotonic moment to send
    late: bool = False
    status: int = 0
    location: str = ""
    latency_ms: float = 0.0
    error: str = ""


@dataclass
class Probe:
    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0
    stop: threading.Event = field(default_factory=threading.Event)


def log_in(app, firms: list[Firm]) -> None:
    """Each member logs in through the form, from its own address; keep the session cookie."""
    for firm in firms:
        client = app.test_client()
        address = {"REMOTE_ADDR": visitor_address(firm.index)}
        page = client.get("/login", environ_base=address)
        token = _hidden(page.get_data(as_text=True))["csrf_token"]
        response = client.post(
            "/login", data={"email": firm.email, "password": PASSWORD, "csrf_token": token}, environ_base=address
        )
        if response.status_code not in (302, 303):
            raise SystemExit(f"login of {firm.email} failed: {response.status_code}")
        firm.cookie = client.get_cookie("session").value


def _hidden(html: str) -> dict[str, str]:
    found = {}
    for match in _HIDDEN.finditer(html):
        name, value = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        found.setdefault(name, value)
    return found


def _request(port: int, method: str, path: str, cookie: str, body: bytes = b"", content_type: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"session={cookie}", "Accept-Language": "fr"}
    if body:
        headers.update({"Content-Type": content_type, "Content-Length": str(len(body))})
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    set_cookie = response.getheader("Set-Cookie") or ""
    connection.close()
    return response.status, response.getheader("Location") or "", data, set_cookie


def load_form(port: int, path: str, firm: Firm) -> None:
    status, _location, body, set_cookie = _request(port, "GET", path, firm.cookie)
    if status != 200:
        raise SystemExit(f"the bid form answered {status} to {firm.email}")
    match = re.search(r"session=([^;]+)", set_cookie)
    if match:
        firm.cookie = match.group(1)
    firm.csrf = _hidden(body.decode())["csrf_token"]


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="application_files"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def send_bid(port: int, path: str, lot_id: int, firm: Firm, document: bytes) -> None:
    fields = {
        "csrf_token": firm.csrf,
        f"lot_{lot_id}": "y",
        f"excl_vat_{lot_id}": f"{1_000_000 + firm.index},00",
        f"vat_{lot_id}": "190 000,00",
        "statement": "Offre envoyée pendant la ruée de la dernière minute.",
        "action": "review",
    }
    body, content_type = multipart(fields, f"dossier-{firm.index}.pdf", document)
    pause = firm.at - time.monotonic()
    if pause > 0:
        time.sleep(pause)
    started = time.perf_counter()
    try:
        firm.status, firm.location = send_and_confirm(port, path, firm, body, content_type)
    except OSError as error:
        firm.error = repr(error)
    firm.latency_ms = (time.perf_counter() - started) * 1000


def send_and_confirm(port: int, path: str, firm: Firm, body: bytes, content_type: str) -> tuple[int, str]:
    """The form (it saves the draft), its review page, then the confirmation that seals: the
    firm's whole last-minute send, whose last answer is the one that counts."""
    status, location, _data, _cookie = _request(port, "POST", path, firm.cookie, body, content_type)
    if status != 303 or not location.endswith("/bid/review"):
        return status, location
    _status, _location, page, _cookie = _request(port, "GET", f"{path}/review", firm.cookie)
    hidden = _hidden(page.decode())
    confirm = urlencode({name: hidden.get(name, "") for name in ("csrf_token", "reviewed", "idempotency_key")})
    status, location, _data, _cookie = _request(
        port, "POST", f"{path}/confirm", firm.cookie, confirm.encode(), "application/x-www-form-urlencoded"
    )
    return status, location


def probe_health(port: int, probe: Probe) -> None:
    while not probe.stop.is_set():
        started = time.perf_counter()
        try:
            status = _request(port, "GET", "/healthz", "")[0]
            probe.latencies_ms.append((time.perf_counter() - started) * 1000)
            probe.failures += status != 200
        except OSError:
            probe.failures += 1
        probe.stop.wait(0.2)


def check_database(app, tender_id: int, deadline: datetime, firms: list[Firm]) -> dict:
    from sqlalchemy import select

    from safkat.bids.models import Bid, BidStatus, Receipt

    with app.extensions["safkat.db"].session() as session:
        bids = session.scalars(  # drafts (a form sent, its confirmation refused) are not bids
            select(Bid).where(Bid.tender_id == tender_id, Bid.submitted_at.is_not(None))
        ).all()
        receipts = session.scalars(select(Receipt).join(Bid).where(Bid.tender_id == tender_id)).all()
    stored = {bid.id: bid for bid in bids}
    confirmed = [f for f in firms if f.status in (302, 303) and "/bids/" in f.location]
    confirmed_ids = {int(re.search(r"/bids/(\d+)", f.location).group(1)) for f in confirmed}
    late_stored = [bid for bid in bids if bid.submitted_at and bid.submitted_at >= deadline]
    return {
        "confirmed": len(confirmed),
        "stored_sealed": sum(bid.status == BidStatus.SUBMITTED for bid in bids),
        "lost": len(confirmed_ids - set(stored)),
        "late_stored": len(late_stored),
        "late_confirmed": sum(f.late for f in confirmed),
        "late_refused": sum(f.late and f.status in (409, 422) for f in firms),
        "receipts_after_deadline": sum(receipt.created_at >= deadline for receipt in receipts),
        "last_stamp_before_deadline_s": (deadline - max(bid.submitted_at for bid in bids)).total_seconds()
        if bids
        else float("nan"),
    }


def start_sender(environment: dict[str, str], log) -> subprocess.Popen:
    """The e-mail sender at a lower priority than the web workers (mails go to a file)."""
    safkat = Path(sys.executable).with_name("safkat")
    return subprocess.Popen(
        ["nice", "-n", "10", str(safkat), "notifications", "send", "--watch", "1"],
        env={**os.environ, **environment},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for_receipts(app, tender_id: int, deadline: datetime, timeout: float = 900) -> dict:
    """Wait until every receipt e-mail of the tender has left; when the last one did."""
    from sqlalchemy import func, select

    from safkat.bids.models import Bid
    from safkat.documents.models import IssuedDocument
    from safkat.notifications.models import OutboxMessage

    limit = time.monotonic() + timeout
    while True:
        with app.extensions["safkat.db"].session() as session:
            bidders = select(Bid.created_by_id).where(Bid.tender_id == tender_id)
            messages = session.execute(
                select(OutboxMessage.status, func.count(), func.max(OutboxMessage.sent_at))
                .where(OutboxMessage.kind == "bid_receipt", OutboxMessage.user_id.in_(bidders))
                .group_by(OutboxMessage.status)
            ).all()
            pdfs = session.scalar(
                select(func.count()).where(IssuedDocument.kind == "bid_receipt", IssuedDocument.tender_id == tender_id)
            )
        by_status = {status: (count, last) for status, count, last in messages}
        if "pending" not in by_status or time.monotonic() > limit:
            sent, last = by_status.get("sent", (0, None))
            return {
                "sent": sent,
                "unsent": sum(count for status, (count, _) in by_status.items() if status != "sent"),
                "pdfs": pdfs,
                "last_after_deadline_s": (last - deadline).total_seconds() if last else float("nan"),
            }
        time.sleep(1)


def render_section(args, on_time: list[Firm], checks: dict, probe: Probe, info: dict) -> str:
    latencies = [f.latency_ms for f in on_time]
    errors = [f for f in on_time if f.error or f.status not in (302, 303)]
    problems = []
    if errors:
        problems.append(
            f"{len(errors)} on-time request(s) failed: " + ", ".join(sorted({f.error or str(f.status) for f in errors}))
        )
    if checks["lost"]:
        problems.append(f"{checks['lost']} confirmed bid(s) missing from the database")
    if checks["late_stored"] or checks["late_confirmed"]:
        problems.append(f"{checks['late_stored']} bid(s) stored after the deadline")
    if percentile(latencies, 0.99) >= 1000:
        problems.append(f"p99 {percentile(latencies, 0.99):.0f} ms (target < 1,000 ms)")
    verdict = (
        "**All targets met.**" if not problems else "**Targets missed:**\n\n" + "\n".join(f"- {p}" for p in problems)
    )
    return "\n".join(
        [
            "### Deadline burst",
            "",
            f"Measured {info['date']} by `scripts/bench/deadline_burst.py` (`--bidders {args.bidders} --size-mb "
            f"{args.size_mb:g} --window {args.window:g} --late {args.late}`).",
            "",
            f"- machine: {os.cpu_count()} cores ({_cpu_model()}), {_memory()} RAM; {info['load']}",
            f"- server: gunicorn `-w {args.workers} --threads {args.threads}` (sync workers), "
            f"`SAFKAT_ENV=production`, {info['dialect']}; "
            f"client: {args.bidders + args.late} Python threads, same machine",
            f"- code: {_code_version()}",
            "",
            "| measure | value |",
            "| --- | ---: |",
            f"| bids sent in the last {args.window:g} s / confirmed by the server | {len(on_time)} / "
            f"{checks['confirmed'] - checks['late_confirmed']} |",
            f"| errors (on-time requests not confirmed) | {len(errors)} |",
            f"| confirmed bids missing from the database (lost) | {checks['lost']} |",
            f"| sealed bids in the database | {checks['stored_sealed']} |",
            f"| late requests refused / stored | {checks['late_refused']} of {args.late} / {checks['late_stored']} |",
            f"| receipts stamped at or after the deadline | {checks['receipts_after_deadline']} |",
            f"| latest accepted bid, before the deadline by | {checks['last_stamp_before_deadline_s']:.2f} s |",
            f"| bid send (form, review page, confirmation) p50 / p95 / p99 / max | {percentile(latencies, 0.5):.0f} / "
            f"{percentile(latencies, 0.95):.0f} / {percentile(latencies, 0.99):.0f} / {max(latencies):.0f} ms |",
            f"| `/healthz` during the burst p50 / p99 (failures) | {percentile(probe.latencies_ms, 0.5):.1f} / "
            f"{percentile(probe.latencies_ms, 0.99):.1f} ms ({probe.failures}) |",
            *_receipt_rows(info.get("receipts")),
            "",
            verdict,
            "",
        ]
    )


def _receipt_rows(receipts: dict | None) -> list[str]:
    if receipts is None:
        return ["| e-mail sender | not running (`--sender` to run it) |"]
    return [
        "| sender (`nice -n 10`, during the burst): receipt e-mails sent / not sent | "
        f"{receipts['sent']} / {receipts['unsent']} |",
        f"| receipt PDFs issued by the sender | {receipts['pdfs']} |",
        f"| last receipt e-mail left, after the deadline | {receipts['last_after_deadline_s']:.0f} s |",
    ]


def main(argv=None) -> None:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="safkat-burst-"))
    environment = bench_environment(args.database_url, workdir / "instance")
    app = make_app(environment)
    run = datetime.now(UTC).strftime("%H%M%S")
    size = int(args.size_mb * 1024 * 1024)
    total = args.bidders + args.late
    with app.extensions["safkat.db"].session() as session:
        users = create_bidders(session, app, run, total, datetime.now(UTC))
        session.commit()
        firms = [Firm(index, user.id, user.email) for index, user in enumerate(users)]
    print(f"{total} firms created; logging them in…", flush=True)
    log_in(app, firms)

    server = Server(args.database_url, free_port(), args.workers, workdir, extra_env=environment, threads=args.threads)
    mail_log = open(workdir / "mail.log", "wb")  # noqa: SIM115 (closed after the sender stops)
    sender = start_sender(environment, mail_log) if args.sender else None
    receipts = None
    try:
        server.wait_ready()
        preparation = 20 + total * 0.05  # long enough for every firm to load the form first
        published = datetime.now(UTC)
        deadline = (published + timedelta(seconds=preparation + args.window)).replace(microsecond=0)
        with app.extensions["safkat.db"].session() as session:
            tender, _officer = create_tender(session, app, run, published, deadline)
            session.commit()
            tender_id, lot_id, url_reference = tender.id, tender.lots[0].id, tender.url_reference
        path = f"/tenders/{url_reference}/bid"
        for firm in firms:
            load_form(server.port, path, firm)
        seconds_left = (deadline - datetime.now(UTC)).total_seconds()
        if seconds_left < args.window + 2:
            raise SystemExit(f"preparation took too long: {seconds_left:.0f} s left before the deadline")
        deadline_monotonic = time.monotonic() + seconds_left
        start = deadline_monotonic - args.window
        span = args.window - args.margin
        for i, firm in enumerate(firms[: args.bidders]):
            firm.at = start + span * math.sqrt((i + 1) / args.bidders)
        for i, firm in enumerate(firms[args.bidders :]):
            firm.late, firm.at = True, deadline_monotonic + 0.5 + 2.5 * i / max(1, args.late - 1)
        document = pdf_bytes(size)
        print(
            f"deadline {deadline:%H:%M:%S} UTC; {args.bidders} bids in its last {args.window:g} s, "
            f"{args.late} after it",
            flush=True,
        )
        load_before, busy_before = _loadavg(), _cpu_busy()
        probe = Probe()
        threads = [threading.Thread(target=probe_health, args=(server.port, probe))]
        threads += [
            threading.Thread(target=send_bid, args=(server.port, path, lot_id, firm, document)) for firm in firms
        ]
        for thread in threads:
            thread.start()
        for thread in threads[1:]:
            thread.join()
        probe.stop.set()
        threads[0].join()
        busy = busy_share(busy_before, _cpu_busy())
        if sender is not None:
            receipts = wait_for_receipts(app, tender_id, deadline)
    finally:
        server.stop()
        if sender is not None:
            sender.terminate()
            sender.wait()
        mail_log.close()
    checks = check_database(app, tender_id, deadline, firms)
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": f"load average {load_before} before the burst, CPU busy {busy:.0f} % during it",
        "dialect": "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite",
        "receipts": receipts,
    }
    section = render_section(args, firms[: args.bidders], checks, probe, info)
    print(section)
    if args.output:
        update_markdown(args.output, "burst", section)
        print(f"written to {args.output}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
