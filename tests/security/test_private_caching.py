"""Issue 18, finding 3: what a logged-in user sees is never kept by a cache.

Every GET route of the URL map, as every role: a signed-in role always gets
``Cache-Control: private, no-store`` (whatever the status: a page, a JSON receipt, a PDF,
a redirect, a 403), while public pages keep their ETag and shared-cache lifetime for
anonymous visitors, and static files stay cacheable for everybody.
"""

from __future__ import annotations

import pytest

from safkat.accounts.sessions import UNCHECKED_ENDPOINTS
from tests.security.matrix_world import ROLES, build_world
from tests.security.route_table import TABLE
from tests.security.test_route_matrix import Runner, issue_documents_once, urls

PRIVATE = "private, no-store"


@pytest.fixture
def world(app, db_session, make, clock):
    return build_world(app, db_session, make, clock)


def get_urls(app, world):
    for endpoint, cases in sorted(TABLE.items()):
        for case in cases:
            if "GET" in case.expected and endpoint not in UNCHECKED_ENDPOINTS:  # they know no user
                for rule, url in urls(app, world, endpoint, case):
                    if "GET" in rule.methods:
                        yield endpoint, url


def test_every_page_of_a_signed_in_user_is_private_and_not_stored(app, db_session, login, world):
    runner = Runner(app, db_session, login, world)
    issue_documents_once(app, world, runner)
    failures, checked = [], 0
    for endpoint, url in get_urls(app, world):
        for role in ROLES:
            if role == "anonymous":
                continue
            response = runner.send(role, "GET", url)
            checked += 1
            if response.headers.get("Cache-Control") != PRIVATE:
                failures.append(f"GET {url} ({endpoint}) as {role}: {response.headers.get('Cache-Control')!r}")
    assert checked > 300, "the URL map was walked"
    assert not failures, f"{len(failures)} responses a cache may keep:\n" + "\n".join(failures)


def test_public_pages_keep_their_etag_caching_for_visitors(app, db_session, login, world):
    runner = Runner(app, db_session, login, world)
    for path in ("/tenders", "/stats", "/api/v1/tenders", "/feeds/tenders.atom"):
        anonymous = runner.send("anonymous", "GET", path)
        assert anonymous.headers["ETag"] and "public" in anonymous.headers["Cache-Control"], path
        signed_in = runner.send("verified", "GET", path)
        assert signed_in.headers["Cache-Control"] == PRIVATE, path


def test_static_files_stay_cacheable_for_signed_in_users(app, db_session, login, world):
    response = login(world.users["verified"]).get("/static/css/safkat.css")
    assert response.status_code == 200
    assert "no-store" not in (response.headers.get("Cache-Control") or "")
