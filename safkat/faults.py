"""Named points where crash tests may stop a process (tests/ops/test_sigkill.py).

``checkpoint(name)`` does nothing unless the process runs with ``SAFKAT_ENV=testing`` and
``SAFKAT_FAULT_POINT=name`` (or ``name:N``, the N-th time the point is reached). Then it
appends the name to the file named by ``SAFKAT_FAULT_SIGNAL`` and blocks until the test
kills the process, so that the test can look at what a crash at that point leaves behind.
"""

from __future__ import annotations

import os
import time

_reached: dict[str, int] = {}


def checkpoint(name: str) -> None:
    """A place where a crash is tested; free in production (one dictionary lookup)."""
    wanted = os.environ.get("SAFKAT_FAULT_POINT")
    if not wanted or os.environ.get("SAFKAT_ENV") != "testing":
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _reached[name] = _reached.get(name, 0) + 1
    if _reached[name] != int(nth or 1):
        return
    signal_file = os.environ.get("SAFKAT_FAULT_SIGNAL")
    if signal_file:
        with open(signal_file, "a") as handle:
            handle.write(f"{name}\n")
    while True:  # wait for SIGKILL
        time.sleep(3600)
