"""Open data files and pages: CSV downloads, the sitemap, the open data and
accessibility pages. Published decisions only, through the published selectors."""

from __future__ import annotations

from datetime import date
from xml.etree.ElementTree import Element, SubElement, tostring

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.csv_export import csv_response
from core.financial_years import format_financial_year
from core.money import pounds
from decisions.selectors import published_decisions
from decisions.views.open_data import FEED_SIZE, published_with_lines, signed_on
from funding.selectors import with_value

# Who to contact about accessibility. A placeholder until the service has a real inbox.
ACCESSIBILITY_CONTACT_EMAIL = "accessibility@example.org"


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
        for decision in with_value(published_decisions())
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


# --- Sitemap and pages -----------------------------------------------------------------------

_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _sitemap_url(urlset: Element, loc: str, lastmod: date | None = None) -> None:
    url = SubElement(urlset, "url")
    SubElement(url, "loc").text = loc
    if lastmod is not None:
        SubElement(url, "lastmod").text = lastmod.isoformat()


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    # Built by hand: django.contrib.sitemaps is not an installed app.
    urlset = Element("urlset", xmlns=_SITEMAP_NS)
    _sitemap_url(urlset, request.build_absolute_uri(reverse("decisions:list")))
    for decision in published_decisions().iterator():
        loc = request.build_absolute_uri(decision.get_absolute_url())
        _sitemap_url(urlset, loc, decision.published_on)
    for name in ("open_data:index", "open_data:accessibility"):
        _sitemap_url(urlset, request.build_absolute_uri(reverse(name)))
    body = tostring(urlset, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_safe
def open_data_index(request: HttpRequest) -> HttpResponse:
    return render(request, "open_data/index.html", {"feed_size": FEED_SIZE})


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request, "pages/accessibility.html", {"contact_email": ACCESSIBILITY_CONTACT_EMAIL}
    )
