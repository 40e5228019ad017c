"""``scripts/bench/browse.py``: the listing's parts are the listing, and ``--cpu`` reads
the CPU time of the processes it names (issue 16's benchmark)."""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "bench"))

import browse  # noqa: E402


def test_the_listings_parts_are_the_listing():
    mixes = browse.mix_paths(["AT-ORN-2026-0001"], random.Random(1))
    parts = mixes["plain"] + mixes["wilaya"] + mixes["words"]
    assert sorted(parts) == sorted(mixes["listing"]) and len(set(parts)) == len(parts)
    assert all("page=" in path and "q=" not in path for path in mixes["plain"])
    assert all("wilaya=" in path for path in mixes["wilaya"])
    assert all("q=" in path for path in mixes["words"])


def test_cpu_per_request_counts_the_named_server_process():
    before = browse.cpu_seconds(os.getpid())  # this process stands for Safkat's gunicorn
    spent = time.process_time() + 0.3
    while time.process_time() < spent:
        pass
    used = browse.cpu_per_request(before, browse.cpu_seconds(os.getpid()), requests=100)
    assert set(used) == {"gunicorn", "postgres", "wrk"}
    assert 2.0 <= used["gunicorn"] <= 6.0, used  # ~0.3 s over 100 requests: ~3 ms each
