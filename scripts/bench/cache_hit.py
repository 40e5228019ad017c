"""What a hit of the rendered-page cache costs, in this process's memory and in Redis.

Usage::

    SAFKAT_DATABASE_URL=sqlite:////tmp/safkat-bench/sqlite.db \\
        .venv/bin/python scripts/bench/cache_hit.py --redis redis://127.0.0.1:6379/0 [--keys-from URL]

One URL repeated through the test client of an app in production mode (rate limits off):
the first request renders, the next ``--repeat`` are hits. For each backend it prints the
mean wall-clock and CPU milliseconds per hit and the size of each page (what Redis keeps).
``--keys-from`` names the database URL the throw-away platform keys were made for (a copy
of a seeded database keeps the original's keys).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_bench import bench_key  # noqa: E402

PATHS = ("/tenders", "/tenders?page=7&category=works", "/api/v1/tenders", "/stats")


def make_app(database_url: str, keys_from: str, page_cache_url: str):
    os.environ.update({
        "SAFKAT_DATABASE_URL": database_url, "SAFKAT_ENV": "production", "SAFKAT_SECRET_KEY": "p" * 64,
        "SAFKAT_RATELIMIT_ENABLED": "0", "SAFKAT_INSTANCE_PATH": tempfile.mkdtemp(prefix="safkat-cache-hit-"),
        "SAFKAT_PAGE_CACHE_URL": page_cache_url, "SAFKAT_RATELIMIT_STORAGE_URI": "memory://",
    })
    for name in ("SEAL_KEY", "SIGNING_KEY"):
        os.environ[f"SAFKAT_{name}"] = bench_key(name, keys_from)
    from safkat import create_app

    return create_app()


def hits(client, path: str, repeat: int) -> tuple[float, float, int]:
    first = client.get(path)
    assert first.status_code == 200 and first.headers["X-Cache"] == "miss", (path, first.status_code)
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        response = client.get(path)
        assert response.headers["X-Cache"] == "hit", path
    per_hit = 1000 / repeat
    return (time.perf_counter() - started) * per_hit, (time.process_time() - cpu_started) * per_hit, len(first.data)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SAFKAT_DATABASE_URL"))
    parser.add_argument("--keys-from", help="the database URL the platform keys were made for")
    parser.add_argument("--redis", required=True, help="a Redis URL for the shared cache")
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args(argv)
    from safkat.http_cache import rendered

    print(f"{'page':<32} {'backend':<8} {'ms/hit':>7} {'CPU ms':>7} {'KB':>6}")
    for backend, url in (("memory", ""), ("redis", args.redis)):
        app = make_app(args.database_url, args.keys_from or args.database_url, url)
        client = app.test_client()
        for path in PATHS:
            with app.app_context():
                rendered.clear()
            ms, cpu_ms, size = hits(client, path, args.repeat)
            print(f"{path:<32} {backend:<8} {ms:7.2f} {cpu_ms:7.2f} {size / 1024:6.1f}")


if __name__ == "__main__":
    main()
