from tests.bids.conftest import committed, committed_make  # noqa: F401  (shared fixtures)
from tests.documents.award_fixtures import awarded, evaluated  # noqa: F401  (fixtures of the award letters)
