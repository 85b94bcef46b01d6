"""Open data files and pages: the Atom feed, CSV downloads, the open data and
accessibility pages. Published decisions only, through the published selectors."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_safe

from core.csv_export import csv_response
from core.financial_years import format_financial_year
from core.money import pounds
from core.text import plain_text
from decisions.models import Decision
from decisions.selectors import published_decisions
from opendata.selectors import published_with_lines, published_with_value, signed_on

FEED_SIZE = 50
# Who to contact about accessibility. A placeholder until the service has a real inbox.
ACCESSIBILITY_CONTACT_EMAIL = "accessibility@example.org"


# --- Atom feed -------------------------------------------------------------------------------


class PublishedDecisionsFeed(Feed):
    feed_type = Atom1Feed
    title = "Published decisions"
    subtitle = "The newest decisions published in Decision records."
    link = reverse_lazy("decisions:list")
    feed_url = reverse_lazy("open_data:feed")
    author_name = "Decision records"

    def items(self) -> QuerySet[Decision]:
        return published_decisions()[:FEED_SIZE]

    def item_title(self, item: Decision) -> str:
        return f"{item.reference}: {item.title}"

    def item_link(self, item: Decision) -> str:
        return item.get_absolute_url()

    def item_description(self, item: Decision) -> str:
        # Django writes the summary as type="html": escape the plain text so a "<"
        # typed in a summary is shown by feed readers, never read as markup.
        return escape(plain_text(item.executive_summary))

    def item_updateddate(self, item: Decision) -> datetime:
        return item.approved_at


# --- CSV -------------------------------------------------------------------------------------


@require_safe
def decisions_csv(request: HttpRequest) -> HttpResponse:
    rows = (
        [
            decision.reference,
            decision.title,
            decision.decision_type.code,
            signed_on(decision).isoformat(),
            decision.published_on.isoformat(),
            pounds(decision.value_pence),
            request.build_absolute_uri(decision.get_absolute_url()),
        ]
        for decision in published_with_value()
    )
    header = ["Reference", "Title", "Type", "Date signed", "Date published", "Value (GBP)", "URL"]
    return csv_response("decisions.csv", header, rows)


@require_safe
def allocations_csv(request: HttpRequest) -> HttpResponse:
    rows = (
        [
            decision.reference,
            line.get_route_display(),
            format_financial_year(allocation.financial_year),
            pounds(allocation.amount_pence),
        ]
        for decision in published_with_lines()
        for line in decision.budget_lines_set.all()
        for allocation in line.allocations.all()
    )
    header = ["Reference", "Route", "Financial year", "Amount (GBP)"]
    return csv_response("allocations.csv", header, rows)


# --- Pages -----------------------------------------------------------------------------------


@require_safe
def open_data_index(request: HttpRequest) -> HttpResponse:
    return render(request, "open_data/index.html", {"feed_size": FEED_SIZE})


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request, "pages/accessibility.html", {"contact_email": ACCESSIBILITY_CONTACT_EMAIL}
    )
