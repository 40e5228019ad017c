"""Issue 18, finding 6: absurdly long numbers, anywhere, are ignored or refused, never a 500.

Every route of the URL map is requested with each of its integer arguments replaced by a
number of 5,000 digits (past Python's integer-conversion limit) and by one of 30 digits
(past every database integer), with the usual query parameters set to such numbers too; every write
route is sent a form whose every field, and a ``remove_<digits>`` key, holds one.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from tests.security.matrix_world import build_world
from tests.security.route_table import TABLE
from tests.security.test_route_matrix import WRITE_METHODS, Runner, form_field_names, rules_by_endpoint

HUGE = "9" * 5000
LONG = "9" * 30
QUERY = ("year", "page", "per_page", "budget_min", "budget_max", "lot", "since", "wilaya", "authority")
ROLES_TRIED = ("anonymous", "verified", "officer", "admin")


@pytest.fixture
def world(app, db_session, make, clock):
    return build_world(app, db_session, make, clock)


def long_urls(app, world, endpoint, number: str):
    """The endpoint's URLs with every integer argument set to ``number``, plus long query values."""
    query = "&".join(f"{name}={number}" for name in QUERY)
    for case in TABLE[endpoint]:
        values = world.args[case.kind]
        for rule in rules_by_endpoint(app)[endpoint]:
            arguments = {name: values[case.args.get(name, name)] for name in rule.arguments}
            integers = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
            path = rule.build(arguments, append_unknown=False)[1]
            for name in integers:
                path = path.replace(f"/{arguments[name]}", f"/{number}", 1)
            yield rule, f"{path}?{query}"


def test_long_numbers_never_break_a_page(app, db_session, login, world):
    runner = Runner(app, db_session, login, world)
    form = {name: HUGE for name in form_field_names()} | {f"remove_{HUGE}": "1", f"remove_{LONG}": "1"}
    failures, sent = [], 0
    for endpoint in sorted(TABLE):
        if endpoint == "static":
            continue
        for number in (HUGE, LONG):
            for rule, url in long_urls(app, world, endpoint, number):
                for method in sorted(rule.methods & ({"GET"} | WRITE_METHODS)):
                    for role in ROLES_TRIED:
                        response = runner.send(role, method, url, data=form if method in WRITE_METHODS else None)
                        sent += 1
                        if response.status_code >= 500:
                            failures.append(f"{method} {url[:90]}… ({endpoint}, {len(number)} digits) as {role}")
    assert sent > 500
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)


def test_the_bid_form_ignores_a_removal_key_with_a_huge_number(login, make):
    from tests.bids.helpers import bid_form

    tender, firm = make.tender(state="open", lots=1), make.bidder()
    data = bid_form(tender) | {f"remove_{HUGE}": "1", "action": "save"}
    response = login(firm).post(
        f"/tenders/{tender.url_reference}/bid?lang=en", data=data, content_type="multipart/form-data"
    )
    assert response.status_code < 500


def test_stats_ignore_a_year_of_5000_digits(client):
    for path in ("/stats", "/stats/summary.csv", "/stats/reserved-share.csv"):
        response = client.get(f"{path}?year={HUGE}")
        assert response.status_code == 200, path


