"""A database with real commits (:mod:`tests.instances`), for tests that read the raw files
or race threads."""

from __future__ import annotations

import pytest

from tests.instances import Instances


@pytest.fixture
def committed(tmp_path, app):
    made = Instances(tmp_path, app.extensions["safkat.keys"])
    yield made.new()
    made.close()


@pytest.fixture
def committed_make(committed):
    session = committed.session()
    yield committed.make(session)
    session.close()
