"""The value filter of the public list reads the value stored with each decision's
search row at approval (issue 12), never the budget tables of every match."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions import extensions
from decisions.models import DecisionSearch
from decisions.selectors import published_decisions
from decisions.selectors.search import VALUE_BANDS


@pytest.mark.django_db
def test_each_published_decision_has_its_value_stored_as_approved(demo):
    published = list(published_decisions())
    assert published
    stored = dict(DecisionSearch.objects.values_list("decision_id", "value_pence"))
    values = {d.pk: extensions.decision_value_pence(d) for d in published}
    assert {pk: stored.get(pk) for pk in values} == values
    assert any(values.values())  # PCD 1406 and PCD 1620 have budgets


@pytest.mark.django_db
def test_the_value_filter_finds_by_the_stored_value_and_reads_no_budget_table(client, demo):
    values = {d.reference: extensions.decision_value_pence(d) for d in published_decisions()}
    for key, _label, low, high in VALUE_BANDS:
        expected = sorted(r for r, v in values.items() if v >= low and (high is None or v < high))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/decisions/?value={key}")
        assert response.status_code == 200
        shown = sorted(r for r in values if f">{r}: " in response.content.decode())
        assert shown == expected, key
        assert not [q["sql"] for q in queries.captured_queries if '"funding_' in q["sql"]]


@pytest.mark.django_db
def test_a_search_finds_and_ranks_its_matches_once_a_request(client, demo):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/decisions/?q=exploitation&page=1")
    assert response.status_code == 200
    assert "PCD 1620" in response.content.decode()
    matching = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
    # The keys of the newest matches, ranked, once; not again for the count or the page.
    assert len(matching) == 1, matching
    assert "ts_rank" in matching[0]


@pytest.mark.django_db
def test_a_filtered_search_tests_its_filters_once(client, demo):
    word = "exploitation"
    published = list(published_decisions().select_related("decision_type"))
    texts = dict(DecisionSearch.objects.values_list("decision_id", "text"))
    values = {d.pk: extensions.decision_value_pence(d) for d in published}
    found_any = False
    for key, _label, low, high in VALUE_BANDS:
        for decision in published:
            year, code = decision.approved_at.year, decision.decision_type.code
            expected = sorted(
                d.reference
                for d in published
                if word in texts[d.pk].lower()
                and values[d.pk] >= low
                and (high is None or values[d.pk] < high)
                and d.approved_at.year == year
                and d.decision_type.code == code
            )
            url = f"/decisions/?q={word}&type={code}&year={year}&value={key}"
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            shown = sorted(d.reference for d in published if f">{d.reference}: " in response.text)
            assert shown == expected, url
            found_any = found_any or bool(expected)
            # The filters chose the keys of the matches; the rows read back by key
            # are not tested against them again.
            (searching,) = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
            assert searching.count('value_pence" >=') == 1, searching
            assert searching.count('."code" = ') == 1, searching
    assert found_any
