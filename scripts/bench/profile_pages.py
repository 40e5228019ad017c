"""Where an uncached page's time goes: in-process, distinct URLs, no HTTP server.

Usage::

    SAFKAT_DATABASE_URL=sqlite:////tmp/safkat-bench/sqlite.db \\
        .venv/bin/python scripts/bench/profile_pages.py [--profile listing] [--top 25]

For each kind of page (``listing``, ``search``, ``tender``, ``api-list``, ``api-detail``,
``healthz``) it asks for 40 different URLs through the test client of an app in
production mode (rate limits off, the rendered-page cache emptied before every request)
and prints the mean time per page (wall clock, and CPU time of this process, which a
busy machine disturbs less), the SQL statements per page and the time spent in SQL.
``stats`` and ``authority`` (5 URLs each) are the statistics pages. ``--profile KIND``
adds a cProfile of that kind's pages (cumulative time), ``--kinds`` picks the kinds, and
``--templates`` times the listing's template alone (the rows and the form already there),
then the tender page's (each of the ``tender`` kind's tenders loaded first). ``--warm``
measures second visits: a first, unmeasured round fills the per-filter memories (counts,
search forms, Markdown) that a worker keeps, as in a wrk run, where each URL comes back.
"""

from __future__ import annotations

import argparse
import cProfile
import operator
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(PROJECT_ROOT / "scripts" / "bench"))

from browse import public_references  # noqa: E402
from run_bench import bench_key  # noqa: E402
from sqlalchemy import event  # noqa: E402

WORDS = ("fibre", "maintenance", "nettoyage", "الألياف", "صيانة", "حراسة")


def make_app(database_url: str):
    os.environ.update({
        "SAFKAT_DATABASE_URL": database_url, "SAFKAT_ENV": "production", "SAFKAT_SECRET_KEY": "p" * 64,
        "SAFKAT_RATELIMIT_ENABLED": "0", "SAFKAT_INSTANCE_PATH": tempfile.mkdtemp(prefix="safkat-profile-"),
    })
    for name in ("SEAL_KEY", "SIGNING_KEY"):
        os.environ.setdefault(f"SAFKAT_{name}", bench_key(name, database_url))
    from safkat import create_app

    return create_app()


def authority_codes(database_url: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        codes = connection.execute(text("SELECT code FROM authorities ORDER BY code")).scalars().all()
    engine.dispose()
    return list(codes)


def urls(database_url: str, kinds: list[str] | None = None) -> dict[str, list[str]]:
    rng = random.Random(7)
    references = public_references(database_url, 40, rng)
    wilayas = [f"{n:02d}" for n in range(1, 59)]
    codes = authority_codes(database_url)
    all_kinds = {
        "listing": [f"/tenders?page={rng.randint(1, 300)}" for _ in range(20)]
        + [f"/tenders?wilaya={rng.choice(wilayas)}&category={rng.choice(['works', 'services'])}" for _ in range(20)],
        "search": [f"/tenders?q={rng.choice(WORDS)}&page={n % 5 + 1}" for n in range(40)],
        "tender": [f"/tenders/{reference}" for reference in references],
        "api-list": [f"/api/v1/tenders?page={rng.randint(1, 300)}" for _ in range(40)],
        "api-detail": [f"/api/v1/tenders/{reference}" for reference in references],
        "healthz": ["/healthz"] * 40,
        "stats": ["/stats", *(f"/stats?wilaya={rng.choice(wilayas)}" for _ in range(4))],
        "authority": [f"/stats/authority/{code}" for code in codes[:5]],
    }
    return {kind: paths for kind, paths in all_kinds.items() if not kinds or kind in kinds}


class SQLClock:
    """Statements and their time; the slowest kept with their parameters (for EXPLAIN)."""

    def __init__(self, engine):
        self.statements, self.seconds, self._started, self.slowest = 0, 0.0, [], []
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, *_args):
        self._started.append(time.perf_counter())

    def after(self, _conn, _cursor, statement, parameters, *_args):
        spent = time.perf_counter() - self._started.pop()
        self.statements += 1
        self.seconds += spent
        self.slowest = sorted([*self.slowest, (spent, statement, parameters)], key=lambda s: -s[0])[:3]


def forget_filters() -> None:
    """Each round starts with no remembered count, search form or Markdown conversion (what
    a round shares, its pages of one filter, it shares as a worker would)."""
    import importlib

    for module, name in (
        ("safkat.tenders.counts", "remembered.clear"),
        ("safkat.tenders.page_starts", "starts.clear"),
        ("safkat.tenders.search_form", "clear"),
        ("safkat.markup", "forget"),
    ):
        try:
            found = importlib.import_module(module)
            forget = operator.attrgetter(name)(found)
        except (ImportError, AttributeError):  # an older checkout (--project)
            continue
        forget()


def measure(
    app, client, sql: SQLClock, paths: list[str], profiler=None, forget: bool = True
) -> tuple[float, float, float, float]:
    from safkat.http_cache import rendered

    client.get(paths[0])  # imports, compiled templates
    if forget:
        forget_filters()
    sql.statements, sql.seconds = 0, 0.0
    started, cpu_started = time.perf_counter(), time.process_time()
    for path in paths:
        rendered.clear()
        if profiler:
            profiler.enable()
        response = client.get(path)
        if profiler:
            profiler.disable()
        assert response.status_code == 200, (path, response.status_code)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    per_page = 1000 / len(paths)
    return elapsed * per_page, cpu * per_page, sql.statements / len(paths), sql.seconds * per_page


def template_only(app, count: int = 40) -> float:
    """Milliseconds to render the listing's template for 20 loaded tenders (no SQL)."""
    from flask import render_template

    from safkat.db import get_session
    from safkat.tenders import queries
    from safkat.tenders.search_form import search_form_html

    with app.test_request_context("/tenders"):
        session = get_session()
        filters = queries.TenderFilters()
        moment = app.extensions["safkat.clock"].now()
        try:  # the cards the template shows, as the view loads them (older checkouts: the tenders)
            from safkat.tenders.cards import CardWriter

            page = queries.listing_page(session, filters, moment, 3, load=CardWriter(moment).load)
        except ImportError:
            page = queries.listing_page(session, filters, moment, 3)
        try:
            form = search_form_html(session, filters, moment)
        except TypeError:  # checkouts before the form was filled in per page
            form = search_form_html(session, filters)
        render_template("tenders/list.html", page=page, filters=filters, search_form=form)
        started = time.perf_counter()
        for _ in range(count):
            render_template("tenders/list.html", page=page, filters=filters, search_form=form)
        return 1000 * (time.perf_counter() - started) / count


def tender_template_only(app, paths: list[str], rounds: int = 5) -> float:
    """Milliseconds to render a tender's page from its loaded tender (no SQL), over ``paths``,
    its description converted afresh each time."""
    from safkat import markup
    from safkat.db import get_session
    from safkat.tenders import detail
    from safkat.tenders.views import render_tender_page

    spent = 0.0
    for path in paths:
        with app.test_request_context(path):
            loaded = detail.load(get_session(), path.split("?")[0].rsplit("/", 1)[1])
            flags = loaded.red_flags(15)
            render_tender_page(loaded, flags)
            for _ in range(rounds):
                markup.forget()
                started = time.perf_counter()
                render_tender_page(loaded, flags)
                spent += time.perf_counter() - started
    return 1000 * spent / (rounds * len(paths))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SAFKAT_DATABASE_URL"))
    parser.add_argument("--profile", help="a kind of page to profile")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--kinds", nargs="*", help="only these kinds of page")
    parser.add_argument("--project", type=Path, help="profile another checkout of Safkat (to measure 'before')")
    parser.add_argument("--rounds", type=int, default=1, help="measure each kind this many times, keep the fastest")
    parser.add_argument("--templates", action="store_true")
    parser.add_argument(
        "--warm", action="store_true",
        help="second visits: keep the remembered counts, search forms and Markdown of a first round "
        "(what a worker serving for a while pays; the page cache is still emptied before each request)",
    )
    parser.add_argument("--slow", action="store_true", help="print the 3 slowest statements of each kind")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("set SAFKAT_DATABASE_URL or pass --database-url")
    if args.project:
        sys.path.insert(0, str(args.project.resolve()))
    app = make_app(args.database_url)
    sql = SQLClock(app.extensions["safkat.db"].engine)
    client = app.test_client()
    print(f"{'page':<11} {'ms/page':>8} {'CPU ms':>7} {'SQL/page':>9} {'SQL ms':>7}")
    for kind, paths in urls(args.database_url, args.kinds).items():
        profiler = cProfile.Profile() if kind == args.profile else None
        if args.warm:  # a first round fills the per-filter memories, the measured ones keep them
            measure(app, client, sql, paths)
        rounds = [measure(app, client, sql, paths, profiler, forget=not args.warm) for _ in range(args.rounds)]
        ms, cpu_ms, statements, sql_ms = min(rounds, key=lambda measured: measured[1])
        print(f"{kind:<11} {ms:8.1f} {cpu_ms:7.1f} {statements:9.1f} {sql_ms:7.1f}")
        if args.slow:
            for spent, statement, parameters in sql.slowest:
                print(f"  {1000 * spent:.1f} ms: {' '.join(statement.split())[:400]} {parameters}")
        sql.slowest = []
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
    if args.templates:
        print(f"listing template alone: {template_only(app):.1f} ms")
        tenders = urls(args.database_url, ["tender"])["tender"]
        for lang in ("fr", "ar"):
            paths = [f"{path}?lang={lang}" for path in tenders]
            print(f"tender page template alone ({lang}): {tender_template_only(app, paths):.2f} ms")


if __name__ == "__main__":
    main()
