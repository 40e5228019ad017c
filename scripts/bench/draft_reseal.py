"""Benchmark: what sealing a draft costs, in this process (issue 14).

Since issue 14, submitting re-encrypts every document of the draft under a fresh data key
(``bids.services.submit_draft`` → ``crypto.reencrypt_envelope``). This script saves drafts
of ``--sizes`` MB (a quarter in the application file, the rest in a technical file, as
``opening.py`` does) through ``bids.services.save_draft``, then times
``bids.services.submit_draft`` and its COMMIT, one firm after another, and prints the median
and the worst. Run it on two versions of the code to see what the re-encryption adds::

    .venv/bin/python scripts/bench/draft_reseal.py --sizes 2 20 --repeat 7

It uses a throw-away SQLite database and uploads folder in a temporary directory unless
``--database-url`` names one (benchmark data only).
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bids_setup import bench_environment, create_bidders, create_tender, make_app, pdf_bytes

MB = 1024 * 1024


def draft_input(services, lot_id: int, size: int):
    return services.BidInput(
        lot_ids=[lot_id],
        amounts={lot_id: (1_000_000_00, 190_000_00)},
        statement="Offre du banc d'essai.",
        documents=[
            services.NewBidDocument("application", "dossier.pdf", io.BytesIO(pdf_bytes(size // 4))),
            services.NewBidDocument("technical", "offre.pdf", io.BytesIO(pdf_bytes(size - size // 4))),
        ],
    )


def time_submissions(app, size_mb: int, repeat: int) -> list[float]:
    from safkat.bids import services

    database, store, keys = app.extensions["safkat.db"], app.extensions["safkat.files"], app.extensions["safkat.keys"]
    now = datetime.now(UTC).replace(microsecond=0)
    run = f"{now:%H%M%S}{size_mb}"
    seconds = []
    with database.session() as session:
        tender, _officer = create_tender(session, app, run, now - timedelta(days=1), now + timedelta(days=1))
        firms = create_bidders(session, app, run, repeat, now)
        session.commit()
        limit, lot_id = size_mb * MB, tender.lots[0].id
        for index, firm in enumerate(firms):
            data = draft_input(services, lot_id, limit)
            draft = services.save_draft(session, tender, firm, data, store, keys, limit, now)
            session.commit()
            fingerprint, key = services.draft_fingerprint(draft), f"bench-{run}-{index}"
            started = time.perf_counter()
            services.submit_draft(session, tender, firm, store, keys, limit, now, key, fingerprint)
            session.commit()
            seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 20], help="bid sizes in MB")
    parser.add_argument("--repeat", type=int, default=7, help="submissions per size")
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="safkat-reseal-") as workdir:
        url = args.database_url or f"sqlite:///{Path(workdir) / 'bench.db'}"
        app = make_app(bench_environment(url, Path(workdir) / "instance"))
        for size in args.sizes:
            seconds = time_submissions(app, size, args.repeat)
            print(
                f"{size:>3} MB bid: submit_draft + COMMIT median {statistics.median(seconds) * 1000:7.1f} ms, "
                f"worst {max(seconds) * 1000:7.1f} ms ({len(seconds)} submissions)",
                flush=True,
            )


if __name__ == "__main__":
    main()
