"""Modules that build statements when imported must not need every model loaded first."""

import subprocess
import sys

import pytest

# Modules that build SQL (loader options, statements) at import or on first use.
MODULES = ["safkat.tenders.queries", "safkat.tenders.cards", "safkat.tenders.detail", "safkat.opendata.api"]


@pytest.mark.parametrize("module", MODULES)
def test_a_module_imports_on_its_own(module):
    run = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
