"""Issue 18, finding 2: no published statistic lets a hidden estimate be solved for.

The probe's two tenders: authority AT-ORN, wilaya 01, 2026; one with its budget hidden
(7,777,777 DZD on one lot), one with a public reserved lot. Every figure the statistics
publish (every CSV file and the dashboard page, for every combination of the dashboard's
filters, and the authority's page) must be the same whatever the hidden amount is: then
no figure, alone or combined with others, can reveal it.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from safkat.http_cache import rendered
from safkat.opendata.stats_views import CHARTS

HIDDEN, OTHER = 7_777_777_00, 1_234_567_00  # centimes
FILTERS = {"year": ["", "2026"], "authority": ["", "AT-ORN"], "wilaya": ["", "01"]}


def published_figures(client) -> dict[str, bytes]:
    rendered.clear()
    pages = {}
    for values in itertools.product(*FILTERS.values()):
        query = "&".join(f"{name}={value}" for name, value in zip(FILTERS, values, strict=True) if value)
        for chart in CHARTS:
            pages[f"{chart}.csv?{query}"] = client.get(f"/stats/{chart}.csv?{query}").data
        pages[f"/stats?{query}"] = client.get(f"/stats?{query}&lang=fr").data
    pages["authority"] = client.get("/stats/authority/AT-ORN?year=2026&lang=fr").data
    return pages


def test_no_statistic_depends_on_a_hidden_estimate(client, make, db_session, clock):
    authority = make.authority(code="AT-ORN")
    published = datetime(2026, 3, 2, 9, tzinfo=UTC)
    place = {"authority": authority, "wilayas": ["01"], "lots": 1, "published_at": published}
    hidden = make.tender(**place, is_budget_public=False, estimated_budget=HIDDEN)
    hidden.lots[0].estimated_amount = HIDDEN
    public = make.tender(**place, reserved=True)
    public.lots[0].estimated_amount = 1_000_000_00
    db_session.flush()
    before = published_figures(client)
    assert b"AT-ORN" in before["reserved-share.csv?year=2026&authority=AT-ORN&wilaya=01"], "the probe's row is there"

    hidden.estimated_budget = hidden.lots[0].estimated_amount = OTHER
    db_session.flush()
    after = published_figures(client)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"these figures change with the hidden estimate: {changed}"
