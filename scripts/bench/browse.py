"""What visitors do, each asking for a different page: Safkat beside a Flask hello world.

Usage::

    SAFKAT_DATABASE_URL=sqlite:////tmp/safkat-bench/sqlite.db \\
        .venv/bin/python scripts/bench/browse.py --duration 15

Starts, in one run and under the same settings (``gunicorn -w 2`` sync workers on
127.0.0.1), a Flask "hello world" (the floor every Flask page pays) and Safkat on the
seeded database (``scripts/bench/seed_tenders.py``), then drives each with wrk (Debian's
``wrk``: 2 threads, 8 connections). A Lua script gives every request the next URL of a
shuffled list, so the rendered-page cache helps only as much as it would in real life:

- ``hello``: the hello world's ``/``;
- ``healthz``: Safkat's ``/healthz``;
- ``listing``: ``/tenders`` pages 1–300, wilaya × category, 27 French and Arabic words ×
  pages 1–5;
- ``tender``: the pages of 2,000 random public tenders;
- ``api``: ``/api/v1/tenders`` pages and filters, and the same 2,000 tenders' details;
- ``plain``, ``wilaya``, ``words``: the listing's three parts alone (not run unless
  named in ``--mixes``), to see which one a change moves.

The URL lists are shorter than a run's requests, so each URL comes back several times.
By default (``--page-cache off``) every answer is rendered: a gunicorn hook, the same
for every checkout, makes the rendered-page cache (``safkat.http_cache.rendered``)
render each time, so the figures are those of distinct pages. ``--page-cache on``
leaves the cache as deployed and counts its hits apart (the ``X-Cache: hit`` answers;
checkouts older than the header report none).

It prints requests per second, each mix's share of the hello world, the answers that
were not 2xx/3xx (429s separately) and the page-cache hits. Rate limits are off
(``SAFKAT_RATELIMIT_ENABLED=0``). ``--project DIR`` serves another checkout of Safkat
(to measure "before" in the same way). ``--cpu`` adds, for each mix, the CPU time per
request of the gunicorn processes serving it, of the local PostgreSQL server's processes
and of wrk, read from ``/proc``: where a request's cost is spent when the database shares
the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import quote

PROJECT_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_ROOT / "scripts" / "bench"))

from run_bench import bench_key, free_port  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

CATEGORIES = ("works", "supplies", "services", "studies")
WORDS = (
    "fibre", "optique", "génie", "civil", "maintenance", "informatiques", "fourniture", "imprimantes",
    "nettoyage", "gardiennage", "réhabilitation", "bâtiment", "étude", "mobilier", "électrique",
    "الألياف", "البصرية", "الهندسة", "صيانة", "التجهيزات", "اقتناء", "تنظيف", "حراسة", "تأهيل",
    "دراسة", "أثاث", "الكهربائي",
)
HELLO = """\
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
"""
# A gunicorn configuration given to both servers (the same settings for each): with
# --page-cache off, once a worker has loaded Safkat, the rendered-page cache renders
# every time. It patches the cache object, not the code, so it works for any checkout.
GUNICORN_CONF = """\
import os


def post_worker_init(worker):
    if os.environ.get("BROWSE_PAGE_CACHE") != "off":
        return
    try:
        from safkat import http_cache
    except ImportError:  # the hello world
        return

    def render_every_time(key, render):
        body = render()
        return body.encode() if isinstance(body, str) else body

    http_cache.rendered.get_or_render = render_every_time
"""
LUA = """\
local paths = {}
for line in io.lines(os.getenv("BROWSE_PATHS")) do paths[#paths + 1] = line end
local counter = 1
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 1 + math.floor(#paths * id / 2)
  failed, limited, hits = 0, 0, 0
end

function request()
  local path = paths[counter]
  counter = counter % #paths + 1
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status == 429 then limited = limited + 1 elseif status >= 400 then failed = failed + 1 end
  if headers["X-Cache"] == "hit" then hits = hits + 1 end
end

function done(summary, latency, requests)
  local failed_total, limited_total, hits_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    failed_total = failed_total + thread:get("failed")
    limited_total = limited_total + thread:get("limited")
    hits_total = hits_total + thread:get("hits")
  end
  io.write(string.format("BROWSE failed=%d limited=%d hits=%d requests=%d\\n",
    failed_total, limited_total, hits_total, summary.requests))
end
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SAFKAT_DATABASE_URL"))
    parser.add_argument("--project", type=Path, default=PROJECT_ROOT, help="the Safkat checkout to serve")
    parser.add_argument("--duration", type=int, default=15, help="seconds per mix")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mixes", default="hello,healthz,listing,tender,api")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--cpu", action="store_true", help="CPU ms per request of gunicorn, PostgreSQL and wrk")
    parser.add_argument(
        "--page-cache", choices=("off", "on"), default="off",
        help="off: every answer rendered (distinct pages); on: the cache as deployed, its hits counted",
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("set SAFKAT_DATABASE_URL or pass --database-url")
    return args


def public_references(database_url: str, count: int, rng: random.Random) -> list[str]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        references = connection.execute(
            text("SELECT reference FROM tenders WHERE status NOT IN ('draft', 'deleted') ORDER BY id")
        ).scalars().all()
    engine.dispose()
    return [reference.replace("/", "-") for reference in rng.sample(references, min(count, len(references)))]


def mix_paths(references: list[str], rng: random.Random) -> dict[str, list[str]]:
    wilayas = [f"{n:02d}" for n in range(1, 59)]
    plain = [f"/tenders?page={n}" for n in range(1, 301)]
    by_wilaya = [f"/tenders?wilaya={w}&category={c}" for w in wilayas for c in CATEGORIES]
    words = [f"/tenders?q={quote(word)}&page={n}" for word in WORDS for n in range(1, 6)]
    listing = plain + by_wilaya + words
    tender = [f"/tenders/{reference}" for reference in references]
    api = [f"/api/v1/tenders?page={n}" for n in range(1, 301)]
    api += [f"/api/v1/tenders?wilaya={w}&category={c}" for w in wilayas for c in CATEGORIES[:2]]
    api += [f"/api/v1/tenders/{reference}" for reference in references]
    mixes = {"hello": ["/"], "healthz": ["/healthz"], "listing": listing, "tender": tender, "api": api}
    mixes |= {"plain": list(plain), "wilaya": list(by_wilaya), "words": list(words)}
    for paths in mixes.values():
        rng.shuffle(paths)
    return mixes


def gunicorn(workdir: Path, port: int, workers: int) -> list[str]:
    """The command line both servers share (the app is added by the caller)."""
    conf = workdir / "gunicorn_conf.py"
    conf.write_text(GUNICORN_CONF)
    return [sys.executable, "-m", "gunicorn", "-c", str(conf), "-w", str(workers), "-b", f"127.0.0.1:{port}"]


def hello_server(workdir: Path, port: int, workers: int) -> subprocess.Popen:
    (workdir / "hello.py").write_text(HELLO)
    command = [*gunicorn(workdir, port, workers), "hello:app"]
    return subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(port: int, path: str, timeout: float = 60) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answers on port {port}")


def run_wrk(port: int, paths: list[str], args, workdir: Path, name: str) -> dict:
    paths_file = workdir / f"{name}.paths"
    paths_file.write_text("\n".join(paths) + "\n")
    script = workdir / "browse.lua"
    script.write_text(LUA)
    command = [
        "wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s",
        "-s", str(script), f"http://127.0.0.1:{port}",
    ]
    env = {**os.environ, "BROWSE_PATHS": str(paths_file)}
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    found = re.search(r"BROWSE failed=(\d+) limited=(\d+) hits=(\d+) requests=(\d+)", output)
    failed, limited, hits, requests = map(int, found.groups())
    socket_errors = re.search(r"Socket errors: (.*)", output)
    latency = re.search(r"Latency\s+(\S+)", output).group(1)
    return {
        "name": name, "rate": rate, "failed": failed, "limited": limited, "latency": latency,
        "hits": hits, "requests": requests,
        "socket": socket_errors.group(1) if socket_errors else "", "urls": len(paths),
    }


def warm_up(port: int, paths: list[str]) -> None:
    """One request to each worker's first page (imports, template compilation)."""
    import http.client

    for path in paths[:4]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path)
        connection.getresponse().read()


def main(argv=None) -> None:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    rng = random.Random(args.seed)
    mixes = mix_paths(public_references(args.database_url, 2000, rng), rng)
    wanted = args.mixes.split(",")
    results = []
    with tempfile.TemporaryDirectory(prefix="safkat-browse-") as folder:
        workdir = Path(folder)
        hello_port, safkat_port = free_port(), free_port()
        hello = hello_server(workdir, hello_port, args.workers)
        command = gunicorn(workdir, safkat_port, args.workers)
        safkat = subprocess.Popen(
            [*command, "--error-logfile", str(workdir / "gunicorn.log"), "wsgi:app"],
            cwd=args.project, env=safkat_env(args, workdir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(hello_port, "/")
            wait_for(safkat_port, "/healthz")
            for name in wanted:
                port = hello_port if name == "hello" else safkat_port
                warm_up(port, mixes[name])
                server = hello if name == "hello" else safkat
                before = cpu_seconds(server.pid) if args.cpu else {}
                results.append(run_wrk(port, mixes[name], args, workdir, name))
                if args.cpu:
                    results[-1]["cpu"] = cpu_per_request(before, cpu_seconds(server.pid), results[-1]["requests"])
                print(format_row(results[-1], results[0]["rate"]), flush=True)
        finally:
            for server in (hello, safkat):
                server.terminate()
                server.wait()
    print(textwrap.dedent(table(results, args)))


def safkat_env(args, workdir: Path) -> dict:
    env = dict(os.environ)
    env.update({
        "SAFKAT_DATABASE_URL": args.database_url, "SAFKAT_ENV": "production",
        "SAFKAT_SECRET_KEY": secrets.token_hex(32), "SAFKAT_RATELIMIT_STORAGE_URI": "memory://",
        "SAFKAT_INSTANCE_PATH": str(workdir / "instance"), "SAFKAT_RATELIMIT_ENABLED": "0",
        "PYTHONPATH": str(args.project), "BROWSE_PAGE_CACHE": args.page_cache,
    })
    for name in ("SEAL_KEY", "SIGNING_KEY"):
        env.setdefault(f"SAFKAT_{name}", bench_key(name, args.database_url))
    return env


def format_row(result: dict, hello_rate: float) -> str:
    share = 100 * result["rate"] / hello_rate if hello_rate else 0
    return (
        f"{result['name']:<8} {result['rate']:>9.1f} req/s  {share:5.1f} % of hello  "
        f"errors {result['failed']}  429s {result['limited']}  page-cache hits {hit_share(result)}  "
        f"latency avg {result['latency']}"
        + (f"  socket errors: {result['socket']}" if result["socket"] else "")
        + (f"  CPU ms/request: {cpu_text(result['cpu'])}" if "cpu" in result else "")
    )


def cpu_text(cpu: dict[str, float]) -> str:
    return ", ".join(f"{group} {ms:.3f}" for group, ms in cpu.items())


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by a gunicorn (its master and workers: ``server_pid``'s) and the local
    PostgreSQL server's processes (from ``/proc``), and by this script's finished children:
    the wrk runs."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = {"gunicorn": 0.0, "postgres": 0.0, "wrk": children.ru_utime + children.ru_stime}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():  # self, thread-self, and what is not a process
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        except (OSError, ValueError):
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        group = "gunicorn" if server_pid in (int(entry.name), int(fields[1])) else None
        group = group or ("postgres" if command.startswith("postgres") else None)
        if group:
            used[group] += (int(fields[11]) + int(fields[12])) / ticks
    return used


def cpu_per_request(before: dict[str, float], after: dict[str, float], requests: int) -> dict[str, float]:
    return {group: 1000 * (after[group] - before.get(group, 0)) / max(requests, 1) for group in after}


def hit_share(result: dict) -> str:
    return f"{result['hits']:,} ({100 * result['hits'] / result['requests']:.0f} %)" if result["requests"] else "0"


def table(results: list[dict], args) -> str:
    hello_rate = next((r["rate"] for r in results if r["name"] == "hello"), 0)
    lines = [
        f"wrk -t2 -c{args.connections} -d{args.duration}s, gunicorn -w {args.workers} (sync), "
        f"distinct URLs per request, page cache {args.page_cache}; database {args.database_url.split('@')[-1]}",
        "",
        "| mix | distinct URLs | req/s | share of hello world | errors | 429 | page-cache hits |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        share = f"{100 * r['rate'] / hello_rate:.1f} %" if hello_rate else "–"
        counts = f"{r['failed']} | {r['limited']} | {hit_share(r)}"
        lines.append(f"| {r['name']} | {r['urls']:,} | {r['rate']:,.0f} | {share} | {counts} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
