from tests.bids.conftest import committed, committed_make  # noqa: F401  (shared fixtures)
