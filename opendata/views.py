"""Open data files and pages: the Atom feed, CSV downloads, the open data,
accessibility and privacy pages. Published decisions only, through the published selectors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_safe

from core.csv_export import csv_streaming_response
from core.financial_years import format_financial_year
from core.money import pounds
from core.text import plain_text
from decisions.forms_public import DecisionFilterForm
from decisions.models import Decision
from decisions.selectors import published_decisions
from decisions.selectors.public import published_years
from decisions.selectors.search import filter_published
from decisions.selectors.sorting import NEWEST
from funding.models import ProcurementRoute
from opendata.selectors import allocations_csv_rows, decisions_csv_rows

FEED_SIZE = 50
# Rows fetched from the database at a time for the CSV downloads.
CSV_CHUNK = 2_000


# --- Atom feed -------------------------------------------------------------------------------


class PublishedDecisionsFeed(Feed):
    """The newest published decisions, or the newest of a search or filter: the
    public list's query string (`/decisions/feed/?q=violence&type=PCD`), read by the
    list's own form and selector, newest signed first whatever the list's order."""

    feed_type = Atom1Feed
    subtitle = "The newest decisions published in Decision records."
    author_name = "Decision records"

    def get_object(self, request: HttpRequest) -> DecisionFilterForm:
        form = DecisionFilterForm(request.GET or None, years=published_years())
        if form.is_bound:
            form.is_valid()  # as the list: an invalid filter is left out
        return form

    def title(self, form: DecisionFilterForm) -> str:
        filters = form.filters()
        shown = [f"“{filters.q}”"] if filters.q else []
        shown += [active["text"] for active in form.active_filters()]
        return "Published decisions" + (f": {', '.join(shown)}" if shown else "")

    def link(self, form: DecisionFilterForm) -> str:
        query = form.query(without="sort")
        return reverse("decisions:list") + (f"?{query}" if query else "")

    def feed_url(self, form: DecisionFilterForm) -> str:
        query = form.query(without="sort")
        return reverse("open_data:feed") + (f"?{query}" if query else "")

    def items(self, form: DecisionFilterForm) -> QuerySet[Decision]:
        filters = replace(form.filters(), sort=NEWEST)
        return filter_published(published_decisions(), filters)[:FEED_SIZE]

    def item_title(self, item: Decision) -> str:
        return f"{item.reference}: {item.title}"

    def item_link(self, item: Decision) -> str:
        return item.get_absolute_url()

    def item_description(self, item: Decision) -> str:
        # Django writes the summary as type="html": escape the plain text so a "<"
        # typed in a summary is shown by feed readers, never read as markup.
        summary = plain_text(item.executive_summary)
        if item.archive:
            summary = f"Archived record, taken before this system. {summary}".strip()
        return escape(summary)

    def item_updateddate(self, item: Decision) -> datetime:
        return item.approved_at

    def item_categories(self, item: Decision) -> tuple[str, ...]:
        # Archived records (decisions taken before the system) are marked as such.
        return ("Archived record",) if item.archive else ()


# --- CSV -------------------------------------------------------------------------------------


def _detail_urls(request: HttpRequest) -> Callable[[str, int], str]:
    """The absolute address of a decision's page from its type code and number: the
    detail URL reversed once, with a marker slug, not once per row."""
    prefix, suffix = request.build_absolute_uri(
        reverse("decisions:detail", kwargs={"slug": "x-0"})
    ).split("x-0")
    return lambda code, number: f"{prefix}{code.lower()}-{number}{suffix}"


def _csv_dates(approved_at, published_on, archived_id, archived_signed) -> list[str]:
    """Date signed and date published as the page shows them: an archived record's as
    published ('' when not recorded)."""
    if archived_id is not None:
        signed = archived_signed.isoformat() if archived_signed else ""
    else:
        signed = timezone.localtime(approved_at).date().isoformat()  # as signed_on()
    return [signed, published_on.isoformat() if published_on else ""]


@require_safe
def decisions_csv(request: HttpRequest) -> StreamingHttpResponse:
    url = _detail_urls(request)
    rows = (
        [
            f"{code} {number}",
            title,
            code,
            *_csv_dates(approved_at, published_on, archived_id, archived_signed),
            pounds(value_pence),
            url(code, number),
            "true" if archived_id is not None else "false",
        ]
        for code, number, title, approved_at, published_on, value_pence, archived_id,
        archived_signed in decisions_csv_rows().iterator(chunk_size=CSV_CHUNK)
    )  # fmt: skip
    header = ["Reference", "Title", "Type", "Date signed", "Date published", "Value (GBP)", "URL",
              "Archived"]  # fmt: skip
    return csv_streaming_response("decisions.csv", header, rows)


@require_safe
def allocations_csv(request: HttpRequest) -> StreamingHttpResponse:
    routes = dict(ProcurementRoute.choices)
    rows = (
        [f"{code} {number}", routes[route], format_financial_year(year), pounds(amount_pence)]
        for code, number, route, year, amount_pence in (
            allocations_csv_rows().iterator(chunk_size=CSV_CHUNK)
        )
    )
    header = ["Reference", "Route", "Financial year", "Amount (GBP)"]
    return csv_streaming_response("allocations.csv", header, rows)


# --- Pages -----------------------------------------------------------------------------------


@require_safe
def open_data_index(request: HttpRequest) -> HttpResponse:
    return render(request, "open_data/index.html", {"feed_size": FEED_SIZE})


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    # Who to tell: settings.ACCESSIBILITY_CONTACT, from core.context_processors.site.
    return render(request, "pages/accessibility.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")
