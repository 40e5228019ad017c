"""Benchmark the public listing against the trivial endpoint, under gunicorn.

Usage (after ``scripts/bench/seed_tenders.py``)::

    .venv/bin/python scripts/bench/run_bench.py --database-url sqlite:////tmp/safkat-bench/sqlite.db \\
        --output docs/benchmarks.md

It starts ``gunicorn -w 2 --threads 1 -b 127.0.0.1:PORT wsgi:app`` on the given database
(production mode, a throw-away secret key and instance folder, rate limits in memory),
warms every endpoint up, then sends a bounded number of requests to each endpoint in
turn from ``--concurrency`` client threads (``http.client``; gunicorn's sync workers
close the connection after each response, so each request opens a new loopback
connection). Nothing is added to the application:

- throughput and client-side latency are measured by the client;
- server time is read from gunicorn's access log, written with ``--access-logformat``
  holding ``%(M)s`` (milliseconds, truncated) and ``%(D)s`` (microseconds, used for
  the figures) and the ``X-Bench`` request header that the client sets to tell the
  endpoints (and the warm-up) apart. Gunicorn measures from the parsed request to the
  response written, so it includes the whole Flask request, not the time queued in the
  listen backlog.

It prints a table, each endpoint's throughput as a share of ``/healthz``'s, and the
targets: server time p95 under 30 ms for every endpoint, and ``/tenders`` throughput at
least 30 % of ``/healthz``'s. With ``--output`` it rewrites this database's section of a
Markdown file (between ``<!-- bench:<dialect>:start -->`` and ``...:end -->``).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

PROJECT_ROOT = Path(__file__).resolve().parents[2]

TRIVIAL = "/healthz"
ENDPOINTS = [
    TRIVIAL,
    "/tenders",
    "/tenders?wilaya=31&category=works",
    "/tenders?q=fibre",
    "/tenders?q=الألياف",
    "/api/v1/tenders",
    "/api/v1/tenders?wilaya=31&category=works",
]
SERVER_P95_TARGET_MS = 30.0
THROUGHPUT_SHARE_TARGET = 0.30
ACCESS_LOG_FORMAT = "BENCH %({x-bench}i)s %(s)s %(M)s %(D)s %(B)s"
LOG_LINE = re.compile(r"BENCH (\S+) (\d{3}) (\d+) (\d+) (\S+)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SAFKAT_DATABASE_URL"),
                        help="the seeded database (default: $SAFKAT_DATABASE_URL)")
    parser.add_argument("--requests", type=int, default=500, help="measured requests per endpoint (default 500)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--warmup", type=int, default=40, help="warm-up requests per endpoint (default 40)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--output", type=Path, help="Markdown file whose section for this database is rewritten")
    parser.add_argument("--label", default="", help="a note printed with the results (e.g. what was changed)")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("set SAFKAT_DATABASE_URL or pass --database-url")
    if not (1 <= args.requests <= 100_000 and 1 <= args.concurrency <= 64 and 0 <= args.warmup <= 10_000):
        parser.error("--requests 1..100000, --concurrency 1..64, --warmup 0..10000")
    return args


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_key(name: str, database_url: str) -> str:
    """A throw-away platform key, the same for every run on one database (see Server)."""
    return hashlib.sha256(f"safkat-bench|{name}|{database_url}".encode()).hexdigest()


class Server:
    """gunicorn on 127.0.0.1, started and stopped by this script (and only by it)."""

    def __init__(self, database_url: str, port: int, workers: int, workdir: Path, extra_env: dict | None = None,
                 threads: int = 1):
        self.port = port
        self.access_log = workdir / "access.log"
        self.error_log = workdir / "gunicorn.log"
        env = dict(os.environ)
        env.update({
            "SAFKAT_DATABASE_URL": database_url,
            "SAFKAT_ENV": "production",
            "SAFKAT_SECRET_KEY": secrets.token_hex(32),
            "SAFKAT_RATELIMIT_STORAGE_URI": "memory://",
            "SAFKAT_INSTANCE_PATH": str(workdir / "instance"),
            "SAFKAT_PROXY_COUNT": "1",  # clients say their address in X-Forwarded-For, as behind nginx
        })
        # Production mode refuses to start without the platform keys. Benchmark data holds no
        # sealed bid, so throw-away keys do; they are derived from the database URL so that
        # the KEK check value the app keeps in the database stays the same from run to run.
        for name in ("SEAL_KEY", "SIGNING_KEY"):
            env.setdefault(f"SAFKAT_{name}", bench_key(name, database_url))
        env.update(extra_env or {})
        self.command = [
            sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
            "--access-logfile", str(self.access_log), "--access-logformat", ACCESS_LOG_FORMAT,
            "--error-logfile", str(self.error_log), "wsgi:app",
        ]
        self.process = subprocess.Popen(self.command, cwd=PROJECT_ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}):\n{self.error_log.read_text()[-3000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", TRIVIAL)
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer /healthz in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- the client ---------------------------------------------------------------------------------


@dataclass
class Run:
    path: str
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    body_bytes: int = 0
    wall_s: float = 0.0
    client_cpu_s: float = 0.0
    server_ms: list[float] = field(default_factory=list)
    server_statuses: dict[str, int] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.wall_s if self.wall_s else 0.0


def wire_path(path: str) -> str:
    return quote(path, safe="/?=&")


def hammer(port: int, path: str, tag: str, total: int, concurrency: int) -> Run:
    """Send ``total`` GETs of ``path`` from ``concurrency`` threads; keep-alive where the server allows."""
    run = Run(path)
    lock = threading.Lock()
    remaining = [total]
    target = wire_path(path)
    headers = {"X-Bench": tag, "Accept-Encoding": "identity", "Accept-Language": "fr"}

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies, statuses, size = [], {}, 0
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
                visitor = remaining[0]
            started = time.perf_counter()
            try:
                # Visitors come from many addresses, through the proxy the server trusts.
                connection.request("GET", target, headers={**headers, "X-Forwarded-For": visitor_address(visitor)})
                response = connection.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                status, body = 0, b""
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
            size += len(body)
        connection.close()
        with lock:
            run.latencies_ms.extend(latencies)
            for status, count in statuses.items():
                run.statuses[status] = run.statuses.get(status, 0) + count
            run.body_bytes += size

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    cpu, started = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.wall_s = time.perf_counter() - started
    run.client_cpu_s = time.process_time() - cpu
    return run


def visitor_address(number: int) -> str:
    """A distinct client address per number, as a proxy would report it."""
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def fetch_json(port: int, path: str) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", wire_path(path), headers={"X-Bench": "check"})
    response = connection.getresponse()
    return json.loads(response.read()) if response.status == 200 else {}


def read_server_times(access_log: Path, runs: list[Run], expected: int) -> None:
    """Attach gunicorn's own request times (µs in the log → ms) to each run."""
    deadline = time.monotonic() + 10
    while True:
        lines = access_log.read_text(encoding="utf-8", errors="replace").splitlines()
        matches = [m for m in map(LOG_LINE.search, lines) if m]
        measured = [m for m in matches if m.group(1).isdigit()]
        if len(measured) >= expected or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for match in measured:
        run = runs[int(match.group(1))]
        run.server_ms.append(int(match.group(4)) / 1000)
        run.server_statuses[match.group(2)] = run.server_statuses.get(match.group(2), 0) + 1


# --- figures --------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def describe_machine(database_url: str) -> dict[str, str]:
    from sqlalchemy import create_engine, text

    sys.path.insert(0, str(PROJECT_ROOT))
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{os.cpu_count()} cores ({_cpu_model()})",
        "memory": _memory(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "gunicorn": _version("gunicorn"),
        "SQLAlchemy": _version("sqlalchemy"),
        "code": _code_version(),
    }
    engine = create_engine(database_url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            info["database"] = f"SQLite {sqlite3.sqlite_version} (journal_mode {journal})"
        else:
            info["database"] = connection.execute(text("SELECT version()")).scalar().split(" on ")[0]
            info["database"] += f", shared_buffers {connection.execute(text('SHOW shared_buffers')).scalar()}"
            info["driver"] = f"psycopg {_version('psycopg')}"
        counts = connection.execute(text(
            "SELECT (SELECT count(*) FROM tenders), (SELECT count(*) FROM lots),"
            " (SELECT count(*) FROM tenders WHERE status NOT IN ('draft', 'deleted')),"
            " (SELECT count(*) FROM tender_search)"
        )).one()
    engine.dispose()
    info["data"] = (f"{counts[0]:,} tenders ({counts[2]:,} public), {counts[1]:,} lots, "
                    f"{counts[3]:,} rows in tender_search")
    info["dialect"] = engine.dialect.name
    return info


def _code_version() -> str:
    """The commit measured, read-only (``git rev-parse``, ``git status``); '?' outside a checkout."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
    return f"commit {commit}" + (" with uncommitted changes" if dirty else "")


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _cpu_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return (0, 0)
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values) - idle, sum(values))


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    total = after[1] - before[1]
    return 100 * (after[0] - before[0]) / total if total else float("nan")


def _version(package: str) -> str:
    from importlib.metadata import version

    try:
        return version(package)
    except Exception:
        return "?"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def table(runs: list[Run]) -> tuple[list[str], list[str]]:
    """Markdown rows of the results, and the list of targets missed."""
    trivial = runs[0].throughput
    header = [
        "| endpoint | req/s | share of /healthz | client p50 / p95 / p99 ms | server p50 / p95 / p99 ms "
        "| server mean ms | KiB/response | errors | targets |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    rows, missed = [], []
    for run in runs:
        share = run.throughput / trivial if trivial else 0.0
        errors = sum(count for status, count in run.statuses.items() if status != 200)
        server_p95 = percentile(run.server_ms, 0.95)
        marks = []
        ok = server_p95 < SERVER_P95_TARGET_MS
        marks.append(f"p95 < 30 ms {'✅' if ok else '❌'}")
        if not ok:
            missed.append(f"{run.path}: server p95 {server_p95:.1f} ms ≥ {SERVER_P95_TARGET_MS:.0f} ms")
        if run.path.startswith("/tenders"):
            ok = share >= THROUGHPUT_SHARE_TARGET
            marks.append(f"≥ 30 % of /healthz {'✅' if ok else '❌'}")
            if not ok:
                missed.append(f"{run.path}: throughput {100 * share:.0f} % of /healthz < 30 %")
        if errors:
            missed.append(f"{run.path}: {errors} responses not 200 ({run.statuses})")
        server_mean = sum(run.server_ms) / len(run.server_ms) if run.server_ms else float("nan")
        rows.append(
            f"| `{run.path}` | {run.throughput:,.0f} | {100 * share:.0f} % "
            f"| {percentile(run.latencies_ms, .5):.1f} / {percentile(run.latencies_ms, .95):.1f} / "
            f"{percentile(run.latencies_ms, .99):.1f} "
            f"| {percentile(run.server_ms, .5):.1f} / {server_p95:.1f} / {percentile(run.server_ms, .99):.1f} "
            f"| {server_mean:.1f} | {run.body_bytes / max(1, len(run.latencies_ms)) / 1024:.1f} | {errors} "
            f"| {', '.join(marks)} |"
        )
    return header + rows, missed


def render_section(info: dict[str, str], args: argparse.Namespace, runs: list[Run], totals: dict[str, str]) -> str:
    lines, missed = table(runs)
    title = "SQLite" if info["dialect"] == "sqlite" else "PostgreSQL"
    out = [
        f"### {title}",
        "",
        f"Measured {info['date']} by `scripts/bench/run_bench.py`"
        + (f" ({args.label})" if args.label else "") + ".",
        "",
        f"- machine: {info['cpu']}, {info['memory']} RAM, {info['os']}",
        f"- software: Python {info['python']}, gunicorn {info['gunicorn']} (`-w {args.workers} --threads 1`, "
        f"sync workers), SQLAlchemy {info['SQLAlchemy']}" + (f", {info['driver']}" if "driver" in info else ""),
        f"- code: {info['code']}",
        f"- database: {info['database']}",
        f"- data: {info['data']}",
        f"- load: {args.requests} requests per endpoint after {args.warmup} warm-up requests, "
        f"{args.concurrency} client threads (Python `http.client`, same machine)",
        f"- machine load: {args.load_note}",
        "- matches: " + "; ".join(f"`{path}` → {total}" for path, total in totals.items()),
        "",
        *lines,
        "",
        "Client CPU per endpoint (the load generator shares the 2 cores): "
        + ", ".join(f"`{run.path}` {100 * run.client_cpu_s / run.wall_s:.0f} %" for run in runs if run.wall_s) + ".",
        "",
        ("**All targets met.**" if not missed else "**Targets missed:**\n\n" + "\n".join(f"- {m}" for m in missed)),
    ]
    return "\n".join(out) + "\n"


def update_markdown(path: Path, dialect: str, section: str) -> None:
    start, end = f"<!-- bench:{dialect}:start -->", f"<!-- bench:{dialect}:end -->"
    block = f"{start}\n{section}{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


# --- main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    info = describe_machine(args.database_url)
    workdir = Path(tempfile.mkdtemp(prefix="safkat-bench-"))
    port = args.port or free_port()
    print(f"gunicorn -w {args.workers} --threads 1 on 127.0.0.1:{port}, {info['database']}; {info['data']}")
    load_before, busy_before = _loadavg(), _cpu_busy()
    runs: list[Run] = []
    totals: dict[str, str] = {}
    server = None
    try:
        server = Server(args.database_url, port, args.workers, workdir)
        server.wait_ready()
        for path in ENDPOINTS:
            api_path = path if path.startswith("/api/") else path.replace("/tenders", "/api/v1/tenders", 1)
            if path != TRIVIAL:
                meta = fetch_json(port, api_path).get("meta", {})
                totals[path] = f"{meta['total']:,}" if "total" in meta else "?"
            if args.warmup:
                hammer(port, path, "warmup", args.warmup, args.concurrency)
        for index, path in enumerate(ENDPOINTS):
            run = hammer(port, path, str(index), args.requests, args.concurrency)
            runs.append(run)
            print(f"  {path:<45} {run.throughput:8.1f} req/s", flush=True)
        read_server_times(server.access_log, runs, args.requests * len(ENDPOINTS))
    finally:
        if server is not None:
            server.stop()
        if sys.exc_info()[0] is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    busy_after = _cpu_busy()
    busy = busy_share(busy_before, busy_after)
    args.load_note = (f"load average {load_before} before the run; CPU busy {busy:.0f} % during it "
                      "(everything on the machine, this benchmark included)")
    section = render_section(info, args, runs, totals)
    print()
    print(section)
    if args.output:
        update_markdown(args.output, info["dialect"], section)
        print(f"written to {args.output}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
