"""A published decision's search index, in its own table.

Part 1 as plain text (for snippets) and as a weighted tsvector (for matching and
ranking) are tens of kilobytes a decision: kept on the decision's own row they were
read by every query that loads a decision (the list, the page, the PDF, the API), and
made each of those rows wide. One-to-one here, they are read only by a search, which
joins them in its WHERE clause and reads the text for the headline of the rows shown.
"""

from __future__ import annotations

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
