"""The financial-year filter of the public list reads the years stored with each
decision at approval (issue 12), never the budget tables; it and the value band
read their set of decisions once (a hashed set), not once per listed decision, and
a filtered list finds its keys from the order index before it reads any row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.financial_years import format_financial_year
from decisions.models import DecisionFinancialYear
from decisions.selectors import published_decisions
from decisions.selectors.search import Filters, filter_published
from funding.models import Allocation


def spending_years() -> dict[int, set[int]]:
    """Each decision's years, read from the budget tables: the allocations of the
    lines it sets (its own budget's and those its movements add)."""
    years: dict[int, set[int]] = {}
    for decision_id, year in Allocation.objects.values_list("line__set_by", "financial_year"):
        years.setdefault(decision_id, set()).add(year)
    return years


@pytest.mark.django_db
def test_each_published_decision_has_its_years_stored_as_approved(demo):
    published = list(published_decisions())
    years = spending_years()
    stored: dict[int, set[int]] = {}
    for decision_id, year in DecisionFinancialYear.objects.values_list(
        "decision_id", "financial_year"
    ):
        stored.setdefault(decision_id, set()).add(year)
    expected = {d.pk: years.get(d.pk, set()) for d in published}
    assert {d.pk: stored.get(d.pk, set()) for d in published} == expected
    # PCD 1406 spends over several years; PCD 1620 in those of the line it adds.
    assert any(len(spent) > 1 for spent in expected.values())
    assert sum(1 for spent in expected.values() if spent) >= 2
    assert any(not spent for spent in expected.values())  # a decision with no budget


@pytest.mark.django_db
def test_the_filter_shows_the_decisions_spending_in_the_year_and_reads_no_budget_table(
    client, demo
):
    published = list(published_decisions())
    years = spending_years()
    every_year = set().union(*years.values())
    asked = sorted(every_year | {min(every_year) - 1, max(every_year) + 1})
    found_any = False
    for year in asked:
        expected = sorted(d.reference for d in published if year in years.get(d.pk, set()))
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/decisions/", {"financial_year": format_financial_year(year)})
        assert response.status_code == 200
        shown = sorted(d.reference for d in published if f">{d.reference}: " in response.text)
        assert shown == expected, year
        found_any = found_any or bool(expected)
        assert not [q["sql"] for q in queries.captured_queries if '"funding_' in q["sql"]]
    assert found_any


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["financial_year", "value_band"])
def test_a_filter_set_is_read_once_not_once_per_listed_decision(demo, kind):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plan")
    year = DecisionFinancialYear.objects.values_list("financial_year", flat=True).first()
    filters = (
        Filters(financial_year=year) if kind == "financial_year" else Filters(value_band="2m-10m")
    )
    listed = filter_published(published_decisions(), filters)
    plan = listed.values("pk")[:1001].explain()
    # A semi-join would look the set up once for every decision in the list's order
    # until it had enough (for a year whose decisions are old, all the newer ones); a
    # hash join would read every published decision and sort the matches.
    assert "hashed SubPlan" in plan, plan
    assert "Join" not in plan, plan


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["financial_year={year}", "value=under-500k"])
def test_a_filtered_list_finds_its_keys_once_and_reads_the_page_by_key(client, demo, query):
    year = DecisionFinancialYear.objects.values_list("financial_year", flat=True).first()
    query = query.format(year=format_financial_year(year))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/decisions/?{query}")
    assert response.status_code == 200
    filtering = [
        q["sql"]
        for q in queries.captured_queries
        if "decisionfinancialyear" in q["sql"] or '"value_pence" >=' in q["sql"]
    ]
    # One query tests the filter, reading keys only (from the order index): no whole
    # row is read until the page's keys are known, and the count is of those keys.
    assert len(filtering) == 1, filtering
    assert filtering[0].startswith('SELECT "decisions_decision"."id" AS "pk" FROM'), filtering
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")]


@pytest.mark.django_db
def test_the_api_finds_a_searchs_or_a_years_keys_once_and_reads_the_page_by_key(client, demo):
    year = DecisionFinancialYear.objects.values_list("financial_year", flat=True).first()
    for query, marker in (
        (f"financial_year={format_financial_year(year)}", "decisionfinancialyear"),
        ("q=exploitation", "@@"),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/decisions/?{query}")
        assert response.status_code == 200
        assert response.json()["count"] >= 1
        testing = [q["sql"] for q in queries.captured_queries if marker in q["sql"]]
        assert len(testing) == 1, testing
        assert not [q for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")]
