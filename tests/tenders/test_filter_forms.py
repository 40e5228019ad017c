"""A filter's statements are built for its form and given its values (issue 16): filters
that differ only in their values share a form, and the values bound are those the
statements compare with."""

from __future__ import annotations

from datetime import date, datetime

from safkat.tenders.filters import ALGIERS, TenderFilters, bound_values


def test_filters_that_differ_only_in_their_values_share_a_form():
    oran = TenderFilters.from_args({"wilaya": "31", "category": "works", "q": "fibre"})
    algiers = TenderFilters.from_args({"wilaya": "16", "category": "services", "q": "نظافة المباني"})
    assert oran.form == algiers.form
    assert oran.form != TenderFilters.from_args({"wilaya": "31", "q": "fibre"}).form
    by_deadline = {"wilaya": "31", "category": "works", "q": "fibre", "sort": "deadline"}
    assert oran.form != TenderFilters.from_args(by_deadline).form
    assert TenderFilters(status="open").form != TenderFilters(status="closed").form  # statements differ by status


def test_a_search_without_a_word_is_no_search():
    filters = TenderFilters.from_args({"q": "?! …"})
    assert filters.form == TenderFilters()
    assert bound_values(filters, "postgresql") == {}


def test_the_values_bound_are_those_the_statements_compare_with():
    filters = TenderFilters.from_args(
        {
            "wilaya": "31",
            "sector": "civil_works",
            "authority": "at-orn",
            "deadline_from": "2026-12-01",
            "deadline_to": "2026-12-31",
            "budget_min": "0",
            "budget_max": "4 500 000",
            "q": "Fibre optique",
        }
    )
    values = bound_values(filters, "postgresql")
    assert values == {
        "wilaya": "31",
        "sector": "civil_works",
        "authority": "AT-ORN",
        "deadline_from": datetime(2026, 12, 1, tzinfo=ALGIERS),
        "deadline_to": datetime(2027, 1, 1, tzinfo=ALGIERS),  # the whole last day
        "budget_min": 0,  # a limit of 0 is a limit
        "budget_max": 450_000_000,  # centimes
        "tsquery": "fibre:* & optique:*",
    }
    assert bound_values(filters, "sqlite")["fts"] == '"fibre"* AND "optique"*'
    assert filters.form.deadline_from == date.min and filters.form.budget_min == 0
