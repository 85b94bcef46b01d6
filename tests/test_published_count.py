"""The public list's count without counting: PublishedCount, kept by PostgreSQL's
triggers on the decision table (migration 0023), must equal what
`Decision.objects.published()` finds on any day, after every kind of write: a
service, a queryset `update` of many rows, `bulk_create`, `delete` (issue 12)."""

import datetime as dt
import importlib
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from decisions.models import Decision, DecisionType, PublishedCount
from decisions.selectors.search import Filters, published_count
from funding.selectors import decision_value_pence
from tests.factories import approved_decision

pytestmark = pytest.mark.django_db


def counted(day: dt.date) -> dict[str, int]:
    """The counts' sums a type for `day`, as the triggers keep them."""
    rows = (
        PublishedCount.objects.filter(visible_from__lte=day)
        .values_list("decision_type__code")
        .annotate(total=Sum("decisions"))
    )
    return {code: total for code, total in rows if total}


def expected(day: dt.date) -> dict[str, int]:
    """The decisions public on `day`, counted from the decision table."""
    codes = Decision.objects.published(today=day).values_list("decision_type__code", flat=True)
    return dict(Counter(codes))


def assert_exact(step: str) -> None:
    today = timezone.localdate()
    days = (-1, 0, 10, 400)
    for day in (today + dt.timedelta(days=offset) for offset in days):
        assert counted(day) == expected(day), (step, day)


def test_the_counts_follow_every_kind_of_write(demo):
    assert expected(timezone.localdate()), "the demo publishes decisions"
    assert_exact("as loaded")
    today = timezone.localdate()

    approved = approved_decision(user=demo[Role.OFFICER], title="Counted once approved")
    assert_exact("approved by the service")

    one = Decision.objects.filter(pk=approved.pk)
    one.update(deferred=True, deferred_until=today + dt.timedelta(days=10), deferral_reason="R")
    assert_exact("deferred to a later day")
    one.update(deferred_until=today - dt.timedelta(days=1))
    assert_exact("deferred to a day that has come")
    one.update(deferred=False, deferred_until=None, deferral_reason="")
    assert_exact("no longer deferred")

    other = DecisionType.objects.exclude(pk=approved.decision_type_id).first()
    one.update(decision_type=other, reference_number=9_999)
    assert_exact("moved to another series")

    # Many rows in one statement.
    Decision.objects.approved().update(
        publication_withdrawn_at=timezone.now(), publication_withdrawal_reason="R"
    )
    assert_exact("every publication withdrawn")
    assert not counted(today)
    Decision.objects.approved().update(
        publication_withdrawn_at=None, publication_withdrawal_reason=""
    )
    assert_exact("every publication restored")

    copies = []
    for number in (9_001, 9_002, 9_003):
        copy = Decision.objects.get(pk=approved.pk)
        copy.pk = copy.id = None
        copy.reference_number = number
        copy.deferred = number == 9_003
        copy.deferred_until = today + dt.timedelta(days=5) if copy.deferred else None
        copy.deferral_reason = "R" if copy.deferred else ""
        copies.append(copy)
    Decision.objects.bulk_create(copies)
    assert_exact("created in bulk")

    Decision.objects.filter(reference_number__in=[9_001, 9_003]).delete()
    assert_exact("deleted")


def test_the_list_and_its_type_filter_take_their_count_from_the_counts(client, demo):
    published = list(Decision.objects.published().select_related("decision_type"))
    codes = Counter(d.decision_type.code for d in published)
    for params, total in [({}, len(published))] + [
        ({"type": code}, number) for code, number in codes.items()
    ]:
        assert published_count(Filters(type_code=params.get("type", ""))) == total
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/decisions/", params)
        assert response.status_code == 200
        assert f"of {total:,} result" in response.text, params
        assert not [
            q["sql"]
            for q in queries.captured_queries
            if "COUNT(" in q["sql"] and '"decisions_decision"' in q["sql"]
        ], params


def test_the_api_list_and_its_type_filter_take_their_count_from_the_counts(client, demo):
    approved_decision(user=demo[Role.OFFICER], title="A third", type_code="PCD")
    published = list(Decision.objects.published().select_related("decision_type"))
    codes = Counter(d.decision_type.code for d in published)
    for params, total in [({}, len(published))] + [
        ({"type": code}, number) for code, number in codes.items()
    ]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/decisions/", params)
        assert response.status_code == 200
        assert response.json()["count"] == total, params
        assert not [
            q["sql"]
            for q in queries.captured_queries
            if "COUNT(" in q["sql"] and '"decisions_decision"' in q["sql"]
        ], params
    # A value range is counted from the decisions it finds.
    response = client.get("/api/decisions/", {"min_value": 1})
    assert response.json()["count"] == sum(1 for d in published if decision_value_pence(d) >= 1)


def test_a_year_or_a_search_is_counted_from_the_decisions():
    year = timezone.localdate().year
    assert published_count(Filters(year=year)) is None
    assert published_count(Filters(q="violence")) is None
    assert published_count(Filters(financial_year=year)) is None
    assert published_count(Filters(value_band="under-100k")) is None


def test_the_migration_counts_the_decisions_already_there(demo):
    approved_decision(user=demo[Role.OFFICER], title="Another")
    before = counted(timezone.localdate())
    PublishedCount.objects.all().delete()
    assert not counted(timezone.localdate())
    migration = importlib.import_module("decisions.migrations.0023_published_counts")
    with connection.schema_editor() as editor:
        migration.count_existing(editor)
    assert counted(timezone.localdate()) == before == expected(timezone.localdate())
