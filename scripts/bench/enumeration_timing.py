"""Does the time of an answer say whether an account exists? (issue 18, finding 8)

Usage::

    .venv/bin/python scripts/bench/enumeration_timing.py [--repeat 40]

It builds a throw-away instance (SQLite in a temporary folder, the production Argon2
profile, e-mails kept in memory), then sends, alternately, ``--repeat`` times each:

- a password-reset request for a known address and for an unknown one;
- a registration with an address already registered and with a new one (a new NIF each time).

It prints the median and the quartiles of each, in milliseconds, and the ratio of the
medians. Nothing is written outside the temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="safkat-bench-enumeration-"))
    os.environ.update(
        SAFKAT_INSTANCE_PATH=str(folder),
        SAFKAT_ENV="testing",
        SAFKAT_DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
        SAFKAT_RATELIMIT_ENABLED="0",
    )
    try:
        run(args.repeat)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def run(repeat: int) -> None:
    from safkat import create_app
    from safkat.accounts.models import Sector
    from safkat.clock import FixedClock
    from safkat.db import Database, make_engine
    from safkat.i18n import compile_catalogs
    from safkat.migrate import upgrade
    from safkat.notifications.transports import MemoryTransport

    compile_catalogs()
    engine = make_engine(os.environ["SAFKAT_DATABASE_URL"])
    upgrade(engine)
    app = create_app(
        {
            "DATABASE": Database(engine=engine),
            "CLOCK": FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC)),
            "MAIL_TRANSPORT": MemoryTransport(),
            "WTF_CSRF_ENABLED": False,
        }
    )
    with Database(engine=engine).session() as session:
        sector_id = session.query(Sector.id).first()[0]
    client = app.test_client()

    def registration(n: int, email: str) -> dict:
        return {
            "company_name": f"Firme {n}",
            "legal_form": "sarl",
            "nif": f"000{n:012d}",
            "nis": f"198{n:012d}",
            "rc_number": "31/00-1234567 B 20",
            "support_scheme": "anade",
            "attestation_number": "ANADE/31/2024/118",
            "wilaya_code": "31",
            "sectors": [str(sector_id)],
            "address": "Oran",
            "phone": "0550 12 34 56",
            "contact_person": "Amine",
            "email": email,
            "password": "un mot de passe solide",
            "password_confirm": "un mot de passe solide",
        }

    assert client.post("/register", data=registration(1, "known@example.dz")).status_code == 302
    requests = {
        "reset known": lambda n: client.post("/password/forgot", data={"email": "known@example.dz"}),
        "reset unknown": lambda n: client.post("/password/forgot", data={"email": f"ghost{n}@example.dz"}),
        "register taken": lambda n: client.post("/register", data=registration(10_000 + n, "known@example.dz")),
        "register new": lambda n: client.post("/register", data=registration(20_000 + n, f"new{n}@example.dz")),
    }
    timings: dict[str, list[float]] = {name: [] for name in requests}
    for n in range(repeat):
        for name, send in requests.items():
            started = time.perf_counter()
            response = send(n)
            timings[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, (name, response.status_code)
    for name, values in timings.items():
        q1, median, q3 = statistics.quantiles(values, n=4)
        print(f"{name:15s} median {median:7.1f} ms   quartiles {q1:7.1f} – {q3:7.1f} ms")
    for a, b in (("reset known", "reset unknown"), ("register taken", "register new")):
        ratio = statistics.median(timings[a]) / statistics.median(timings[b])
        print(f"{a} / {b}: {ratio:.2f}")


if __name__ == "__main__":
    sys.exit(main())
