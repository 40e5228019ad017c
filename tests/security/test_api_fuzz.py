"""Schemathesis against ``/api/v1/openapi.json``, in process, over the demo data.

Every operation of the document is called with requests generated from its own schema:
valid ones (positive mode) and invalid ones (negative mode: wrong types, out-of-range
numbers, unknown enum values, malformed references, odd headers). Each response must not
be a 5xx, must have a status code the operation lists (not merely its ``default``) and a
documented content type, and must match the documented schema, headers included. Half
of the valid tender look-ups use a real reference of the demo data, so the full ``Tender``
representation is checked too, not only the 404.

The run is bounded and deterministic (``derandomize``): a failure found once is found on
every run. Schemathesis leaves out the operation that serves the document itself;
``tests/opendata/test_api.py`` validates that one.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from safkat.extensions import limiter
from safkat.opendata import openapi

API = "/api/v1"
EXAMPLES = 30  # per operation and mode

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def api_promises(ctx, response, case):
    """Beyond the schema: the status is listed by the operation itself (the ``default``
    response would accept any), any origin may read, and what is found is cacheable."""
    documented = case.operation.definition.raw["responses"]
    assert str(response.status_code) in documented, f"status {response.status_code} is not documented"
    assert response.headers.get("access-control-allow-origin") == ["*"], "missing Access-Control-Allow-Origin: *"
    if response.status_code in (200, 304):
        assert response.headers.get("etag"), "a 200 or 304 without an ETag"
    return None


@pytest.fixture
def api_schema(app):
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)
    schema.validate()
    return schema


def cases(operation, mode: GenerationMode, references: list[str]):
    """Generated requests; valid look-ups of a tender use a real reference half of the time.

    (In negative mode the reference is what gets spoilt, so it is left to Schemathesis.)
    """
    generated = operation.as_strategy(generation_mode=mode)
    if "url_reference" not in operation.path or mode is GenerationMode.NEGATIVE:
        return generated
    real = st.sampled_from(references).flatmap(
        lambda reference: operation.as_strategy(generation_mode=mode, path_parameters={"url_reference": reference})
    )
    return st.one_of(real, generated)


def operations(schema):
    found = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in found} >= {"GET /tenders", "GET /tenders/{url_reference}"}
    return found


# The API documents that bad query parameters are ignored, never an error (like the HTML
# list's filters), so a 200 for invalid data is right here: that one check is left out.
EXCLUDED = {GenerationMode.POSITIVE: [], GenerationMode.NEGATIVE: [negative_data_rejection]}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda mode: mode.value)
def test_every_operation_conforms_and_never_fails(api_schema, demo, mode):
    references = [tender.url_reference for tender in demo]
    assert len(references) > 20, "the demo data should hold tenders in every public state"
    assert all(re.match(openapi.URL_REFERENCE_PATTERN, reference) for reference in references)
    statuses: dict[str, set[int]] = {}

    for operation in operations(api_schema):

        @FUZZ_SETTINGS
        @given(case=cases(operation, mode, references))
        def check(case):
            limiter.reset()  # the search limit is checked below; here it would only cut the run short
            response = case.call()
            statuses.setdefault(case.operation.label, set()).add(response.status_code)
            case.validate_response(response, additional_checks=[api_promises], excluded_checks=EXCLUDED[mode])

        check()

    assert all(code < 500 for codes in statuses.values() for code in codes), statuses
    if mode is GenerationMode.POSITIVE:
        # The generated requests really reached the data, not only the error paths.
        assert 200 in statuses["GET /tenders"] and {200, 404} <= statuses["GET /tenders/{url_reference}"], statuses


def test_too_many_searches_get_the_documented_429(api_schema, app):
    """The search limit's refusal is part of the contract too: JSON error, Retry-After."""
    operation = api_schema["/tenders"]["GET"]
    limit = int(re.match(r"\d+", app.config["RATELIMIT_SEARCH"]).group())  # e.g. "60 per minute;1000 per hour"
    for number in range(limit + 1):
        case = operation.Case(query={"q": f"fibre {number}"})
        response = case.call()
    assert response.status_code == 429 and int(response.headers["retry-after"][0]) > 0
    case.validate_response(response, additional_checks=[api_promises])
