"""A published decision's search index, in its own table.

Part 1 as plain text (for snippets) and as a weighted tsvector (for matching and
ranking) are tens of kilobytes a decision: kept on the decision's own row they were
read by every query that loads a decision (the list, the page, the PDF, the API), and
made each of those rows wide. One-to-one here, they are read only by a search, which
joins them in its WHERE clause and reads the text for the headline of the rows shown.
"""

from __future__ import annotations

import datetime

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from core.financial_years import FIRST_YEAR, LAST_YEAR
from decisions.models.decision import Decision


class SearchVectorColumn(SearchVectorField):
    """A tsvector on PostgreSQL; plain text elsewhere (SQLite runs `make run`), where
    search falls back to matching the text."""

    def db_type(self, connection) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"


class DecisionSearch(models.Model):
    """Derived data, written at approval by `decision_search_index`: not content, so
    no history (the decision's content is in its own history and digest)."""

    decision = models.OneToOneField(
        Decision, primary_key=True, on_delete=models.CASCADE, related_name="search_index"
    )
    text = models.TextField(blank=True)
    vector = SearchVectorColumn(null=True, blank=True)
    # The decision's value (decisions.extensions.decision_value_pence: its budget's
    # total and the money it moves) as approved, for the public list's value filter
    # without reading the budget tables of every match (issue 12). Its budget can no
    # longer change once it is approved (and is part of its signed content).
    value_pence = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "decision search index"
        verbose_name_plural = "decision search indexes"
        indexes = [models.Index(fields=["value_pence", "decision"], name="decisionsearch_value")]

    def __str__(self) -> str:
        return f"Search index of decision {self.decision_id}"


class DecisionFinancialYear(models.Model):
    """A financial year (by its start year) in which a decision spends, as approved:
    derived data like the search row (so no history), written at approval by
    `decision_search_store` with the search row, from the
    extensions (decisions.extensions.decision_financial_years), for the public list's
    financial-year filter. Rows keyed by year, so that the filter reads one year's
    decisions from this index once and tests each listed decision against that set,
    instead of looking up each decision's budget lines in the list's order: a year
    whose decisions are all old would otherwise look up every newer decision first
    (0.47 s for 2022/23 at 100,000 decisions; issue 12). A decision's budget can no
    longer change once it is approved (it is part of its signed content)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="financial_years")
    financial_year = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "decision financial year"
        verbose_name_plural = "decision financial years"
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "decision"], name="decisionfinancialyear_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(financial_year__gte=FIRST_YEAR, financial_year__lte=LAST_YEAR),
                name="decisionfinancialyear_year_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {self.decision_id} spends in {self.financial_year}"


class PublishedCount(models.Model):
    """How many approved, unwithdrawn decisions of a type become public on a date:
    the public list's count without counting 100,000 index entries a request (15-23
    ms of the list's ~40 at 100,000 decisions; issue 12). Derived data, so no history.

    Kept by PostgreSQL itself, by statement triggers on the decision table (migration
    0023): every writer (the services, an import, the generator's COPY, a test's
    `objects.create`, a bulk `update`) moves the counts in the same transaction, so
    they are exact, never a cache that can go stale. `visible_from` is the deferral's
    end for a deferred decision, and `NOT_DEFERRED` (1 January of year 1, before any
    date) for one that is not: the published ones today are the sum of the rows with
    `visible_from` on or before today, as `Decision.objects.published()` says. A
    decision deferred with no end date is in no row until it has one. SQLite (`make
    run`, a few decisions) has no triggers: the list counts its rows there
    (`decisions.selectors.public.published_count`)."""

    NOT_DEFERRED = datetime.date.min

    decision_type = models.ForeignKey(
        "decisions.DecisionType", on_delete=models.CASCADE, related_name="+"
    )
    visible_from = models.DateField()
    decisions = models.IntegerField(default=0)

    class Meta:
        verbose_name = "published decisions count"
        verbose_name_plural = "published decisions counts"
        constraints = [
            models.UniqueConstraint(
                fields=["decision_type", "visible_from"], name="publishedcount_unique_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decisions} of type {self.decision_type_id} public from {self.visible_from}"
