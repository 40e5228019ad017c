"""Every route of the URL map, as every role: never a 5xx, and the expected permission outcome.

The rules come from ``app.url_map`` and the expectations from ``route_table.TABLE``, so a
new route cannot escape: until it has its line in the table, the test fails and says so.
Each request is answered inside a SAVEPOINT rolled back afterwards, so what one role does
(publish, log out everywhere, disable an account...) does not change what the next sees.

Writes (POST, PUT) are sent three ways: with a valid CSRF token and an empty form (the
outcome in the table), with the token and a form full of garbage (never a 5xx; refused
for the same roles), and without a token (400 for everybody: no route is CSRF-exempt).
HEAD and OPTIONS are Flask's own and left out.
"""

from __future__ import annotations

import inspect
import zlib

import pytest
from wtforms.fields.core import UnboundField

from safkat.extensions import limiter
from safkat.forms import Form
from tests.security.matrix_world import ROLES, build_world
from tests.security.route_table import LOGIN, TABLE

IGNORED_METHODS = {"HEAD", "OPTIONS"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
JUNK = [
    "",
    "\x00",
    "' OR '1'='1' --",
    "<script>alert(1)</script>",
    "9" * 40,
    "-1",
    "NaN",
    "2026-13-45T25:61",
    "../../../etc/passwd",
    "ب" * 300,  # longer than every text column it could reach
]
REFUSALS = {LOGIN, 403, 404}


def outcome(response) -> object:
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and location.split("?")[0].endswith("/login"):
        return LOGIN
    return response.status_code


def matches(found: object, expected: object) -> bool:
    return found in expected if isinstance(expected, set) else found == expected


def form_field_names() -> set[str]:
    """The names of every field of every form of the application."""
    names, pending = set(), [Form]
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names |= {name for name, value in inspect.getmembers(form) if isinstance(value, UnboundField)}
    return names


def garbage_form(extra: list[str]) -> dict[str, str]:
    return {name: JUNK[zlib.crc32(name.encode()) % len(JUNK)] for name in sorted(form_field_names() | set(extra))}


def rules_by_endpoint(app) -> dict[str, list]:
    found: dict[str, list] = {}
    for rule in app.url_map.iter_rules():
        found.setdefault(rule.endpoint, []).append(rule)
    return found


def test_every_route_has_its_expectations(app):
    endpoints = rules_by_endpoint(app)
    missing = sorted(set(endpoints) - set(TABLE))
    assert not missing, (
        f"New routes without expectations: {missing}. Add each to TABLE in tests/security/route_table.py "
        "with the outcome expected for every role (anonymous, firm members, officers, admin)."
    )
    stale = sorted(set(TABLE) - set(endpoints))
    assert not stale, f"TABLE names endpoints the application no longer has: {stale}"
    for endpoint, cases in TABLE.items():
        methods = set().union(*(rule.methods for rule in endpoints[endpoint])) - IGNORED_METHODS
        for case in cases:
            assert set(case.expected) <= methods, f"{endpoint}: no route answers {set(case.expected) - methods}"
        untested = methods - set().union(*(case.expected for case in cases))
        assert not untested, f"{endpoint}: add the expected outcome of {sorted(untested)} to TABLE"


@pytest.fixture
def world(app, db_session, make, clock):
    return build_world(app, db_session, make, clock)


class Runner:
    """Sends one request as one role, in a savepoint rolled back afterwards."""

    def __init__(self, app, db_session, login, world):
        self.app, self.session, self.login, self.world = app, db_session, login, world
        self.connection = db_session.connection()

    def send(self, role: str, method: str, url: str, data=None, csrf: bool = True):
        user = self.world.users[role]
        client = self.login(user) if user is not None else self.app.test_client()
        headers = {}
        if method in WRITE_METHODS:
            data = dict(data or {})
            if csrf:
                token = client.csrf_token()
                data["csrf_token"], headers["X-CSRFToken"] = token, token
        # Rate limits guard production, not this test: thousands of requests from seven people.
        limiter.reset()
        savepoint = self.connection.begin_nested()
        try:
            return client.open(url, method=method, data=data, headers=headers, csrf=False)
        finally:
            savepoint.rollback()
            self.session.expire_all()


def urls(app, world, endpoint, case) -> list[str]:
    values = world.args[case.kind]
    built = []
    for rule in rules_by_endpoint(app)[endpoint]:
        arguments = {name: values[case.args.get(name, name)] for name in rule.arguments}
        built.append((rule, rule.build(arguments, append_unknown=False)[1]))
    return built


def issue_documents_once(app, world, runner) -> None:
    """Official PDFs are issued on their first download: issue them outside the savepoints, so
    that the matrix does not render each one again for every role."""
    for endpoint, cases in TABLE.items():
        if endpoint.startswith("documents.") and "GET" in cases[0].expected:
            for _rule, url in urls(app, world, endpoint, cases[0]):
                for role in ("verified", "officer"):
                    user = world.users[role]
                    runner.login(user).get(url)


def test_every_route_as_every_role(app, db_session, login, world):
    runner = Runner(app, db_session, login, world)
    issue_documents_once(app, world, runner)
    garbage = garbage_form([name for args in world.args.values() for name in args])
    failures = []
    for endpoint, cases in sorted(TABLE.items()):
        for case in cases:
            for rule, url in urls(app, world, endpoint, case):
                for method in sorted(set(case.expected) & rule.methods):
                    for role in ROLES:
                        expected = case.expected[method][role]
                        response = runner.send(role, method, url)
                        found = outcome(response)
                        where = f"{method} {url} ({endpoint}, {case.kind}) as {role}"
                        if not matches(found, expected):
                            failures.append(f"{where}: {found}, expected {expected}")
                        if method in WRITE_METHODS:
                            failures += check_write(runner, role, method, url, garbage, expected, where)
    assert not failures, f"{len(failures)} unexpected outcomes:\n" + "\n".join(failures)


def check_write(runner, role, method, url, garbage, expected, where) -> list[str]:
    """Garbage never breaks a write route nor opens it to the wrong roles; no token, no write."""
    problems = []
    found = outcome(runner.send(role, method, url, data=garbage))
    if isinstance(found, int) and found >= 500:
        problems.append(f"{where} with a garbage form: {found}")
    elif not isinstance(expected, set) and expected in REFUSALS and found != expected:
        problems.append(f"{where} with a garbage form: {found}, expected the refusal {expected}")
    elif expected not in REFUSALS and found in (LOGIN, 403):
        problems.append(f"{where} with a garbage form: {found}, refused to a role that may write")
    if role in ("anonymous", "verified", "officer"):
        without_token = runner.send(role, method, url, csrf=False)
        if without_token.status_code != 400:
            problems.append(f"{where} without a CSRF token: {without_token.status_code}, expected 400")
    return problems
